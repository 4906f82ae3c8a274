import type { ConfigDiff } from '../config/index.js';
import { isDeviceError, type Profile } from '../device/index.js';
import { maskSecrets } from '../config/index.js';
import { Events, type Logger } from '../log/index.js';
import { compareConfigs } from './compare.js';
import { planRemediation } from './plan/index.js';

/** The part of a device session a push needs. */
export interface ConfigSession {
  runningConfig(): Promise<string>;
  configure(lines: string[]): Promise<void>;
  save(): Promise<void>;
}

export interface PushRequest {
  session: ConfigSession;
  /** The full intended config (baseline or rendered template). */
  intended: string;
  profile: Profile;
  logger: Logger;
  /** Fields every event of this push carries. */
  fields: { device: string; ip?: string; site: string };
  /** The running config, when the caller has fetched it already. */
  running?: string;
  /** Called with the running config before anything is changed. */
  backup?: (running: string) => Promise<void>;
  /** Log `device.provision.done` on success; off when the caller verifies further before announcing. */
  announce?: boolean;
}

export type PushOutcome =
  | { ok: true; lines: string[] }
  | { ok: false; reason: 'rejected'; lines: string[]; command?: string; deviceMessage?: string }
  | { ok: false; reason: 'residual'; lines: string[]; diff: ConfigDiff };

/** Lines as a person may see them: secrets masked (a template sets passwords). */
export function displayLines(lines: string[], profile: Profile): string[] {
  return lines.map((line) => maskSecrets(line, profile));
}

/**
 * Push, save, verify. The plan is pushed line by line; the first line the
 * switch rejects stops the push and nothing is saved, so the startup config
 * still holds the last good state. After a save the config is fetched again
 * and compared with the intended one: what still differs is reported.
 */
export async function provisionDevice(request: PushRequest): Promise<PushOutcome> {
  const { session, intended, profile, logger, fields } = request;
  const running = request.running ?? (await session.runningConfig());
  const lines = [...planRemediation(intended, running, profile).lines];
  if (request.backup !== undefined) await request.backup(running);
  const commands = lines.map((line) => maskSecrets(line, profile));
  logger.info({ event: Events.provisionStart, ...fields, lines: lines.length, commands }, `pushing ${lines.length} line(s)`);
  if (lines.length > 0) {
    try {
      await session.configure(lines);
    } catch (err) {
      if (!isDeviceError(err, 'rejected')) throw err;
      const command = err.command === undefined ? undefined : maskSecrets(err.command, profile);
      logger.error(
        { event: Events.provisionFailed, ...fields, result: 'failed', command, deviceMessage: err.deviceMessage, saved: false },
        `push rejected at ${JSON.stringify(command ?? '?')}: ${err.deviceMessage ?? err.message}; not saved`,
      );
      const outcome: PushOutcome = { ok: false, reason: 'rejected', lines };
      if (command !== undefined) outcome.command = command;
      if (err.deviceMessage !== undefined) outcome.deviceMessage = err.deviceMessage;
      return outcome;
    }
    await session.save();
  }
  const diff = compareConfigs(intended, await session.runningConfig(), profile, fields.device);
  if (!diff.equal) {
    logger.error(
      { event: Events.provisionFailed, ...fields, result: 'failed', diff: diff.unified, added: diff.added, removed: diff.removed },
      `pushed and saved, but the running config still differs (+${diff.added} -${diff.removed})`,
    );
    return { ok: false, reason: 'residual', lines, diff };
  }
  if (request.announce !== false) {
    logger.info({ event: Events.provisionDone, ...fields, result: 'provisioned', lines: lines.length }, 'provisioned and verified');
  }
  return { ok: true, lines };
}

/** `--dry-run`: the lines a push to a device with `running` (a blank switch when absent) would send, secrets masked. */
export function dryRunLines(intended: string, profile: Profile, running = ''): string[] {
  return displayLines([...planRemediation(intended, running, profile).lines], profile);
}
