import { accessSync, constants, statSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import { getProfile, profileNames, UPGRADE_STEP_NAMES, type DialogueAnswer, type UpgradeStep, type UpgradeStepName, type UpgradeSteps } from '../device/index.js';
import { isSafeName } from '../state/index.js';
import { parseDuration } from './durations.js';
import { profileForModel } from './models.js';
import type { FirmwareImage, FirmwareTarget, PortmapEntry, SiteDevice } from './types.js';
import type { Path, SiteValidator } from './validate.js';

type Plain = Record<string, unknown>;

const TARGET_KEYS = ['version', 'image', 'sha256', 'returnTimeout', 'steps'];
const STEP_KEYS = ['commands', 'config', 'confirm', 'success', 'failure', 'timeout'];
/** A reload, the boot of a new image and a first DHCP exchange; long enough for a chassis, short enough to notice a dead one. */
const DEFAULT_RETURN_TIMEOUT_MS = 10 * 60_000;
/** Placeholders a step may use; each is filled from the image, never from anything a switch or lease said. */
const STEP_PLACEHOLDERS = ['url', 'scheme', 'host', 'port', 'path', 'file', 'sha256', 'md5', 'version'] as const;

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A line typed into a switch: one line, printable, and only known placeholders. */
function lineProblem(text: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(text)) return 'expected a single line without control characters';
  for (const [, name] of text.matchAll(/\{([^}]*)\}/g)) {
    if (!(STEP_PLACEHOLDERS as readonly string[]).includes(name ?? '')) {
      return `{${name ?? ''}} is not a placeholder (known: ${STEP_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})`;
    }
  }
  return undefined;
}

/** The image's name on the switch and in the URL: what the URL or file ends with, if that is a clean file name. */
function imageName(text: string): string | undefined {
  const name = basename(text);
  return isSafeName(name) && name.length <= 64 ? name : undefined;
}

function image(validator: SiteValidator, value: unknown, path: Path, siteDir: string): FirmwareImage | undefined {
  const text = validator.string(value, path, true);
  if (text === undefined) return undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      validator.problem(path, `${JSON.stringify(text)} is not a URL`);
      return undefined;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      // onramp checks every image's hash before a switch fetches it, which it can only do over HTTP.
      validator.problem(path, `${url.protocol}// images cannot be checked by onramp; give an http:// or https:// URL, or a file of the site folder that onramp serves`);
      return undefined;
    }
    if (url.username !== '' || url.password !== '') {
      validator.problem(path, 'a URL with a user or password would put a secret in the site file');
      return undefined;
    }
    if (lineProblem(url.href) !== undefined || url.href.includes(' ')) {
      validator.problem(path, 'the URL would be typed into the switch: no spaces, control characters or braces');
      return undefined;
    }
    if (url.pathname.endsWith('/') || imageName(decodeURIComponent(url.pathname)) === undefined) {
      validator.problem(path, 'the URL must end in a file name (letters, digits, ".", "_", "-"; up to 64 characters): it is the image\'s name on the switch');
      return undefined;
    }
    return { kind: 'url', url: url.href };
  }
  const file = isAbsolute(text) ? text : resolve(siteDir, text);
  const name = imageName(file);
  if (name === undefined) {
    validator.problem(path, `${JSON.stringify(basename(file))} is not a clean image file name (letters, digits, ".", "_", "-"; up to 64 characters)`);
    return undefined;
  }
  try {
    if (!statSync(file).isFile()) {
      validator.problem(path, `${file} is not a file`);
      return undefined;
    }
    accessSync(file, constants.R_OK);
  } catch (err) {
    validator.problem(path, `image ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
  return { kind: 'file', path: file, name };
}

function regex(validator: SiteValidator, value: unknown, path: Path, flags: string): RegExp | undefined {
  const text = validator.string(value, path, true);
  if (text === undefined) return undefined;
  try {
    return new RegExp(text, flags);
  } catch (err) {
    validator.problem(path, `not a valid regular expression (${(err as Error).message})`);
    return undefined;
  }
}

function commandLine(validator: SiteValidator, value: unknown, path: Path): string | undefined {
  const text = validator.string(value, path, true);
  if (text === undefined) return undefined;
  const problem = lineProblem(text);
  if (problem !== undefined) validator.problem(path, problem);
  return problem === undefined ? text : undefined;
}

function confirmList(validator: SiteValidator, value: unknown, path: Path): DialogueAnswer[] | undefined {
  if (!Array.isArray(value)) {
    validator.problem(path, 'expected a list of { prompt: REGEX, answer: TEXT }');
    return undefined;
  }
  const answers: DialogueAnswer[] = [];
  value.forEach((item: unknown, index) => {
    const at = [...path, index];
    const map = validator.map(item, at, 'a mapping { prompt, answer }');
    if (map === undefined) return;
    validator.keys(map, at, ['prompt', 'answer']);
    const prompt = regex(validator, map.prompt, [...at, 'prompt'], 'i');
    const answer = map.answer === '' ? '' : commandLine(validator, map.answer, [...at, 'answer']);
    if (prompt !== undefined && answer !== undefined) answers.push({ prompt, answer });
  });
  return answers.length === value.length ? answers : undefined;
}

/** One step as the site writes it, laid over the profile's (`base`), or the whole step when the profile has none. */
function stepOverride(validator: SiteValidator, value: unknown, path: Path, name: UpgradeStepName, base: UpgradeStep | undefined): UpgradeStep | undefined {
  const map = validator.map(value, path, 'a mapping (commands, config, confirm, success, failure, timeout)');
  if (map === undefined) return undefined;
  validator.keys(map, path, STEP_KEYS);
  if (base?.source.kind === 'sourced') {
    validator.problem(path, `the profile's ${name} step is sourced (${base.source.note}); only inferred steps are overridden per site`);
    return undefined;
  }
  const step: UpgradeStep = base === undefined
    ? { commands: [], timeoutMs: 60_000, source: { kind: 'inferred', note: '' } }
    : { ...base };
  if (map.commands !== undefined) {
    const raw = typeof map.commands === 'string' ? [map.commands] : map.commands;
    if (!Array.isArray(raw) || raw.length === 0) validator.problem([...path, 'commands'], 'expected a command or a non-empty list of commands');
    else step.commands = raw.flatMap((item: unknown, index) => commandLine(validator, item, [...path, 'commands', index]) ?? []);
  } else if (base === undefined) {
    validator.problem(path, `the profile has no ${name} step: give its commands`);
  }
  if (map.config !== undefined) {
    if (typeof map.config === 'boolean') step.config = map.config;
    else validator.problem([...path, 'config'], 'expected true (typed in config mode) or false');
  }
  if (map.confirm !== undefined) {
    const confirm = confirmList(validator, map.confirm, [...path, 'confirm']);
    if (confirm !== undefined) step.confirm = confirm;
  }
  if (map.success !== undefined) {
    const success = regex(validator, map.success, [...path, 'success'], 'm');
    if (success !== undefined) step.success = success;
  }
  if (map.failure !== undefined) {
    const failure = regex(validator, map.failure, [...path, 'failure'], 'im');
    if (failure !== undefined) step.failure = failure;
  }
  if (map.timeout !== undefined) {
    const ms = typeof map.timeout === 'string' ? parseDuration(map.timeout) : undefined;
    if (ms === undefined || ms < 1000) validator.problem([...path, 'timeout'], 'expected a duration of at least 1s, such as "10m"');
    else step.timeoutMs = ms;
  }
  step.source = { kind: 'inferred', note: `overridden by ${validator.where(path)}` };
  return step;
}

function steps(validator: SiteValidator, value: unknown, path: Path, profileName: string): { steps: UpgradeSteps; overridden: UpgradeStepName[] } | undefined {
  const base = getProfile(profileName).upgrade;
  const overrides = value === undefined ? {} : validator.map(value, path, `a mapping of steps (${UPGRADE_STEP_NAMES.join(', ')})`);
  if (overrides === undefined) return undefined;
  validator.keys(overrides, path, [...UPGRADE_STEP_NAMES]);
  const merged: Partial<Record<UpgradeStepName, UpgradeStep>> = { ...base };
  const overridden: UpgradeStepName[] = [];
  for (const name of UPGRADE_STEP_NAMES) {
    if (overrides[name] === undefined) continue;
    const step = stepOverride(validator, overrides[name], [...path, name], name, base?.[name]);
    if (step !== undefined) {
      merged[name] = step;
      overridden.push(name);
    }
  }
  const { fetch, reload } = merged;
  if (fetch === undefined || reload === undefined) {
    validator.problem(path, `the ${profileName} profile has no upgrade steps: give at least steps.fetch and steps.reload`);
    return undefined;
  }
  return { steps: { fetch, reload, ...(merged.verify === undefined ? {} : { verify: merged.verify }), ...(merged.boot === undefined ? {} : { boot: merged.boot }) }, overridden };
}

function target(validator: SiteValidator, model: string, value: unknown, path: Path, siteDir: string, profileName: string): FirmwareTarget | undefined {
  const map = validator.map(value, path, 'a mapping { version, image, sha256 }');
  if (map === undefined) return undefined;
  validator.keys(map, path, TARGET_KEYS);
  const version = validator.string(map.version, [...path, 'version'], true)?.trim();
  if (version !== undefined && lineProblem(version) !== undefined) validator.problem([...path, 'version'], 'expected a version string on one line');
  const where = image(validator, map.image, [...path, 'image'], siteDir);
  const rawHash = validator.string(map.sha256, [...path, 'sha256'], true);
  const sha256 = rawHash?.trim().toLowerCase();
  if (sha256 !== undefined && !/^[0-9a-f]{64}$/.test(sha256)) validator.problem([...path, 'sha256'], 'expected the image\'s SHA-256 as 64 hexadecimal digits');
  let returnTimeoutMs = DEFAULT_RETURN_TIMEOUT_MS;
  if (map.returnTimeout !== undefined) {
    const ms = typeof map.returnTimeout === 'string' ? parseDuration(map.returnTimeout) : undefined;
    if (ms === undefined || ms < 1000) validator.problem([...path, 'returnTimeout'], 'expected a duration of at least 1s, such as "10m"');
    else returnTimeoutMs = ms;
  }
  const resolved = steps(validator, map.steps, [...path, 'steps'], profileName);
  if (version === undefined || where === undefined || sha256 === undefined || !/^[0-9a-f]{64}$/.test(sha256) || resolved === undefined) return undefined;
  return { model, version, image: where, sha256, returnTimeoutMs, steps: resolved.steps, overridden: resolved.overridden, source: validator.source(path) };
}

/** The profile a model's switches speak: the one its devices or port map entries name, else the model's family. */
function profileOf(model: string, entries: readonly (SiteDevice | PortmapEntry)[]): string {
  const named = entries.find((entry) => entry.model.toLowerCase() === model.toLowerCase())?.profile;
  return named ?? profileForModel(model);
}

/** `firmware:` of a site file: per model, the OS version it must run and the image that has it. */
export function firmwareTargets(validator: SiteValidator, value: unknown, siteDir: string, entries: readonly (SiteDevice | PortmapEntry)[]): FirmwareTarget[] {
  if (value === undefined || value === null) return [];
  if (!isPlain(value)) {
    validator.problem(['firmware'], 'expected a mapping of models, each { version, image, sha256 }');
    return [];
  }
  const found: FirmwareTarget[] = [];
  for (const [model, spec] of Object.entries(value)) {
    const path: Path = ['firmware', model];
    if (!isSafeName(model)) {
      validator.problem(path, `${JSON.stringify(model)} is not a valid model name (letters, digits, '.', '_', '-')`);
      continue;
    }
    const profileName = profileOf(model, entries);
    if (!profileNames().includes(profileName)) {
      validator.problem(path, `no device profile for model ${model}; a device or port map entry of this model names its profile`);
      continue;
    }
    const parsed = target(validator, model, spec, path, siteDir, profileName);
    if (parsed !== undefined) found.push(parsed);
  }
  return found;
}
