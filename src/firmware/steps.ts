import { basename } from 'node:path';
import { DeviceError, isDeviceError, type DialogueAnswer, type DialogueOutcome, type UpgradeStep, type UpgradeStepName, type UpgradeSteps } from '../device/index.js';
import type { FirmwareTarget } from '../inventory/index.js';
import type { ImageDigest } from './digest.js';

/** What a step's placeholders are filled with: the image's URL taken apart, its hashes and version. */
export type StepValues = Record<'url' | 'scheme' | 'host' | 'port' | 'path' | 'file' | 'sha256' | 'md5' | 'version', string>;

/** A step of the upgrade failed; `bootChanged` when the next boot was already pointed at the new image. */
export class UpgradeStepError extends Error {
  constructor(readonly step: UpgradeStepName, reason: string, readonly bootChanged: boolean) {
    super(`${step}: ${reason}`);
    this.name = 'UpgradeStepError';
  }
}

/** What the steps need of a session: exec commands with questions, and config-mode lines. */
export interface UpgradeSession {
  dialogue(command: string, answers: readonly DialogueAnswer[], timeoutMs: number): Promise<DialogueOutcome>;
  configure(lines: string[]): Promise<void>;
}

/** The values of a URL the switch fetches `target`'s image from, with the hashes onramp read from its bytes. */
export function stepValues(url: string, target: FirmwareTarget, digest: ImageDigest): StepValues {
  const parsed = new URL(url);
  const scheme = parsed.protocol.replace(/:$/, '');
  const path = decodeURIComponent(parsed.pathname).replace(/^\/+/, '');
  const values: StepValues = {
    url: parsed.href, scheme, host: parsed.hostname, port: parsed.port !== '' ? parsed.port : scheme === 'https' ? '443' : '80',
    path, file: basename(path), sha256: digest.sha256, md5: digest.md5, version: target.version,
  };
  for (const [name, value] of Object.entries(values)) {
    // Typed into a switch: one word, printable. The site's URL was checked at load; this holds whatever it decodes to.
    // eslint-disable-next-line no-control-regex
    if (/[\s\x00-\x1f\x7f]/.test(value) && name !== 'version') throw new UpgradeStepError('fetch', `the image URL's ${name} ${JSON.stringify(value)} cannot be typed into a switch`, false);
  }
  return values;
}

function fill(text: string, values: StepValues): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? values[name as keyof StepValues] : whole));
}

function lineOf(text: string, pattern: RegExp): string {
  const match = pattern.exec(text);
  if (match === null) return '';
  const start = text.lastIndexOf('\n', match.index) + 1;
  const end = text.indexOf('\n', match.index);
  return text.slice(start, end < 0 ? undefined : end).trim();
}

async function runStep(session: UpgradeSession, name: UpgradeStepName, step: UpgradeStep, values: StepValues, bootChanged: boolean): Promise<void> {
  const commands = step.commands.map((command) => fill(command, values));
  if (step.config === true) {
    try {
      await session.configure(commands);
    } catch (err) {
      if (isDeviceError(err, 'rejected')) throw new UpgradeStepError(name, err.deviceMessage ?? err.message, bootChanged);
      throw err;
    }
    return;
  }
  const answers = (step.confirm ?? []).map((c) => ({ prompt: c.prompt, answer: fill(c.answer, values) }));
  for (const command of commands) {
    let outcome: DialogueOutcome;
    try {
      outcome = await session.dialogue(command, answers, step.timeoutMs);
    } catch (err) {
      if (isDeviceError(err, 'rejected')) throw new UpgradeStepError(name, err.deviceMessage ?? err.message, bootChanged);
      // A switch that stops answering once it is told to reload is going down, as asked.
      if (name === 'reload' && isDeviceError(err, 'timeout')) return;
      throw err;
    }
    if (name === 'reload') {
      if (!outcome.closed) throw new UpgradeStepError(name, `"${command}" came back to the prompt: the switch did not reload`, bootChanged);
      return;
    }
    if (outcome.closed) throw new DeviceError('closed', `the switch closed the session during the ${name} step ("${command}")`);
    if (step.failure?.test(outcome.output) === true) throw new UpgradeStepError(name, lineOf(outcome.output, step.failure), bootChanged);
    if (step.success !== undefined && !step.success.test(outcome.output)) {
      const last = outcome.output.trim().split('\n').at(-1)?.trim() ?? '';
      throw new UpgradeStepError(name, `"${command}" did not report success${last === '' ? '' : ` (last line: ${JSON.stringify(last.slice(0, 120))})`}`, bootChanged);
    }
  }
}

/**
 * Fetch, verify (where the family can), select for boot (where that is a
 * step of its own), reload. The first step that fails stops the upgrade
 * with an UpgradeStepError: before `boot` and `reload` nothing the switch
 * boots has changed. `onStep` hears each step before it begins.
 */
export async function runUpgradeSteps(session: UpgradeSession, steps: UpgradeSteps, values: StepValues, onStep: (name: UpgradeStepName) => void = () => undefined): Promise<void> {
  const order: [UpgradeStepName, UpgradeStep | undefined][] = [['fetch', steps.fetch], ['verify', steps.verify], ['boot', steps.boot], ['reload', steps.reload]];
  let bootChanged = false;
  for (const [name, step] of order) {
    if (step === undefined) continue;
    onStep(name);
    await runStep(session, name, step, values, bootChanged);
    if (name === 'boot') bootChanged = true;
  }
}
