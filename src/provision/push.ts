import { performance } from 'node:perf_hooks';
import type { ConfigDiff } from '../config/index.js';
import { isDeviceError, type ConfigureOptions, type DeviceError, type Profile } from '../device/index.js';
import { maskSecrets } from '../config/index.js';
import type { ComplianceScope, OnFailure } from '../inventory/index.js';
import { Events, type Logger } from '../log/index.js';
import { compareConfigs } from './compare.js';
import { scopeConfig } from './compliance.js';
import type { GuardRailContext, Refusal } from './guard-rails.js';
import { planRemediation, rollbackOfApplied, type RemediationPlan } from './plan/index.js';
import { planDigest } from './plan-digest.js';
import { guardedPlan, logRefusals, maskedRefusals } from './refusals.js';
import { StopPace, type StopBudget, type StopEstimate } from './stop-pace.js';

/** The part of a device session a push needs. */
export interface ConfigSession {
  runningConfig(): Promise<string>;
  configure(lines: string[], options?: ConfigureOptions): Promise<void>;
  save(): Promise<void>;
}

/** A line's longest time when a request gives none: the sites' default command timeout. */
const DEFAULT_LINE_TIMEOUT_MS = 20_000;

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
  /** Called before anything is changed, with the running config and the plan's inverse (what undoes the whole push, unmasked). */
  backup?: (running: string, rollback: readonly string[]) => Promise<void>;
  /** Log `device.provision.done` on success; off when the caller verifies further before announcing. */
  announce?: boolean;
  /** The site's `policy.onFailure`; rollback when absent. */
  onFailure?: OnFailure;
  /** What the plan must not touch, and what the site lets through; checked before the first line is sent. */
  guard: GuardRailContext;
  /** The site's compliance features and ignored lines: the plan and the verification see only these. */
  scope?: ComplianceScope;
  /** Once onramp is stopping, the push goes on only while the rest of its plan fits in the stop's time (StopPace); else it is rolled back. */
  stop?: StopBudget;
  /** The session's command timeout: the longest a line may take, for that estimate. */
  lineTimeoutMs?: number;
  /** How long fetching `running` took, for that estimate. */
  runningFetchMs?: number;
  /**
   * The digest (planDigest) of the plan a person saw and confirmed: the plan
   * made now, from the config the switch has now, is sent only if it is that
   * one; else nothing is sent and it is answered instead.
   */
  confirmed?: string;
}

/** After a rejected line: what was typed back, and whether the device took all of it. */
export interface RollbackReport {
  lines: string[];
  complete: boolean;
}

export type PushOutcome =
  | { ok: true; lines: string[] }
  | { ok: false; reason: 'rejected'; lines: string[]; command?: string; deviceMessage?: string; rollback?: RollbackReport }
  | { ok: false; reason: 'residual'; lines: string[]; diff: ConfigDiff }
  /** onramp was stopping and the rest of the plan did not fit in its time: `applied` lines were typed, then rolled back as the site says; not saved. */
  | { ok: false; reason: 'stopped'; lines: string[]; applied: number; estimate?: StopEstimate; rollback?: RollbackReport }
  /** Nothing was sent; the refusals' lines are masked. */
  | { ok: false; reason: 'refused'; lines: string[]; refusals: Refusal[] }
  /** Nothing was sent: the plan made now is not the one confirmed. `lines` and `digest` are the plan now, to be shown and confirmed. */
  | { ok: false; reason: 'changed'; lines: string[]; digest: string };

/** Lines as a person may see them: secrets masked (a template sets passwords). */
export function displayLines(lines: readonly string[], profile: Profile): string[] {
  return lines.map((line) => maskSecrets(line, profile));
}

type Fields = PushRequest['fields'];

/** Why a push is being undone: a line the switch rejected, or a stop its plan could not wait for. */
type RollbackReason = 'rejected' | 'stop';

/** Types the inverse of the applied prefix back, never interrupted; a line rejected on the way back stops it, and is reported. */
async function rollBack(session: ConfigSession, lines: string[], profile: Profile, logger: Logger, fields: Fields, reason: RollbackReason): Promise<RollbackReport> {
  const shown = displayLines(lines, profile);
  try {
    await session.configure(lines);
    logger.warn({ event: Events.provisionRollback, ...fields, result: 'ok', reason, commands: shown, saved: false }, `rolled back with ${lines.length} line(s); not saved`);
    return { lines, complete: true };
  } catch (err) {
    if (!isDeviceError(err, 'rejected')) throw err;
    const command = err.command === undefined ? undefined : maskSecrets(err.command, profile);
    logger.error(
      { event: Events.provisionRollback, ...fields, result: 'failed', reason, commands: shown, command, deviceMessage: err.deviceMessage, saved: false },
      `rollback rejected at ${JSON.stringify(command ?? '?')}: ${err.deviceMessage ?? err.message}; not saved`,
    );
    return { lines, complete: false };
  }
}

/** A stop came and the rest of the plan could not fit in its time: the lines typed are undone as the site says, nothing is saved. */
async function stoppedPush(request: PushRequest, plan: RemediationPlan, err: DeviceError, estimate: StopEstimate | undefined): Promise<PushOutcome> {
  const { session, profile, logger, fields } = request;
  const lines = [...plan.lines];
  const applied = err.applied ?? 0;
  const undo = request.onFailure === 'leave' ? [] : rollbackOfApplied(plan, applied);
  const rollback = undo.length === 0 ? undefined : await rollBack(session, undo, profile, logger, fields, 'stop');
  const outcome: PushOutcome = { ok: false, reason: 'stopped', lines, applied, ...(estimate === undefined ? {} : { estimate }), ...(rollback === undefined ? {} : { rollback }) };
  if (applied > 0 && rollback === undefined) {
    logger.error(
      { event: Events.provisionFailed, ...fields, result: 'failed', reason: 'stop', applied, estimate, saved: false },
      `onramp is stopping and the rest of the plan would not fit in its time: stopped after ${String(applied)} line(s), left as it is (policy.onFailure: leave); not saved`,
    );
  }
  return outcome;
}

/**
 * Plan, push, save, verify. The plan and its inverse are computed before
 * anything is sent, and a plan the guard rails refuse is not sent at all. The first line the switch rejects stops the push; the
 * session has left config mode by then. Unless the site says
 * `onFailure: leave`, the inverse of the lines already applied is typed
 * back. Nothing is saved after a failure, so the startup config still holds
 * the last good state. After a save the config is fetched again and
 * compared with the intended one: what still differs is reported.
 */
export async function provisionDevice(request: PushRequest): Promise<PushOutcome> {
  const { session, intended, profile, logger, fields } = request;
  const fetchStarted = performance.now();
  const running = request.running ?? (await session.runningConfig());
  const fetchMs = request.runningFetchMs ?? performance.now() - fetchStarted;
  const scoped = (text: string): string => (request.scope === undefined ? text : scopeConfig(text, profile, request.scope));
  const { plan, refusals } = guardedPlan(intended, running, profile, fields.device, request.guard, request.scope);
  const lines = [...plan.lines];
  if (request.confirmed !== undefined) {
    const digest = planDigest(lines, running, profile, request.scope);
    if (digest !== request.confirmed) return { ok: false, reason: 'changed', lines, digest };
  }
  if (refusals.length > 0) {
    logRefusals(logger, fields, refusals, profile);
    return { ok: false, reason: 'refused', lines, refusals: maskedRefusals(refusals, profile) };
  }
  if (request.backup !== undefined) await request.backup(running, plan.rollback);
  logger.info(
    { event: Events.provisionStart, ...fields, lines: lines.length, commands: displayLines(lines, profile), rollback: displayLines(plan.rollback, profile) },
    `pushing ${lines.length} line(s)`,
  );
  if (lines.length > 0) {
    const pace = new StopPace(request.stop, request.lineTimeoutMs ?? DEFAULT_LINE_TIMEOUT_MS, fetchMs);
    try {
      await session.configure(lines, { beforeLine: pace.beforeLine });
    } catch (err) {
      if (isDeviceError(err, 'interrupted')) return await stoppedPush(request, plan, err, pace.estimate);
      if (!isDeviceError(err, 'rejected')) throw err;
      const command = err.command === undefined ? undefined : maskSecrets(err.command, profile);
      const undo = request.onFailure === 'leave' ? [] : rollbackOfApplied(plan, err.applied ?? lines.length);
      const rollback = undo.length === 0 ? undefined : await rollBack(session, undo, profile, logger, fields, 'rejected');
      const afterwards = rollback === undefined ? 'left as it is' : rollback.complete ? 'rolled back' : 'rollback incomplete';
      logger.error(
        {
          event: Events.provisionFailed, ...fields, result: 'failed', command, deviceMessage: err.deviceMessage, applied: err.applied,
          rollback: rollback === undefined ? undefined : { commands: displayLines(rollback.lines, profile), complete: rollback.complete }, saved: false,
        },
        `push rejected at ${JSON.stringify(command ?? '?')}: ${err.deviceMessage ?? err.message}; ${afterwards}; not saved`,
      );
      const outcome: PushOutcome = { ok: false, reason: 'rejected', lines };
      if (command !== undefined) outcome.command = command;
      if (err.deviceMessage !== undefined) outcome.deviceMessage = err.deviceMessage;
      if (rollback !== undefined) outcome.rollback = rollback;
      return outcome;
    }
    await session.save();
  }
  const diff = compareConfigs(scoped(intended), scoped(await session.runningConfig()), profile, fields.device);
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
