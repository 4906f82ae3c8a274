import { stateDirOf } from '../agent/state-dir.js';
import { readWorkCounts } from '../agent/counters.js';
import { diffConfigs } from '../config/index.js';
import { ExitCode } from '../exit-codes.js';
import { SiteFileError } from '../inventory/index.js';
import { createLogger, type Logger } from '../log/index.js';
import { isSafeName, StateStore, type SharedStore } from '../state/index.js';
import { backupsFlags, openBackupsForReading, type VersionStore } from '../backups/index.js';
import { PLAN_DIGEST_PATTERN } from '../provision/index.js';
import { createOnboarder } from './create.js';
import type { LockPolicy } from './job-locks.js';
import type { Onboarder, PlanAnswer } from './onboarder.js';
import { describeHolder } from '../lock/index.js';
import { namesStore, text, withStore, type CliOptions } from './command-support.js';
import { readStatus, type DeviceStatus } from './status.js';

function flag(options: CliOptions, key: string): boolean {
  return options[key] === true;
}

function loggerFor(options: CliOptions): Logger {
  return createLogger({ level: text(options, 'logLevel', 'info'), pretty: flag(options, 'pretty') });
}

const DEFAULT_WAIT_S = 60;
const PROGRESS_EVERY_MS = 10_000;

/**
 * A one-shot command that finds its switch held by another onramp (the
 * daemon, an agent, another command) waits `--wait SECONDS` (default 60)
 * for it, saying who holds it and, every ten seconds, that it still waits;
 * after that the job fails and the command exits 3 naming the holder.
 */
function waitingLocks(options: CliOptions): LockPolicy {
  const waitMs = (typeof options.wait === 'number' ? options.wait : DEFAULT_WAIT_S) * 1000;
  return {
    waitMs,
    onBusy: (key, holder) => {
      if (waitMs === 0) return undefined;
      const started = Date.now();
      process.stderr.write(`${key} is busy: held by ${describeHolder(holder)}; waiting up to ${String(waitMs / 1000)}s\n`);
      const progress = setInterval(() => {
        process.stderr.write(`still waiting for ${key} (${String(Math.round((Date.now() - started) / 1000))}s)\n`);
      }, PROGRESS_EVERY_MS);
      return () => { clearInterval(progress); };
    },
  };
}

/** Builds the onboarder for a one-shot command; a broken site file prints its problems and gives exit 2. */
function withOnboarder(options: CliOptions, work: (onboarder: Onboarder) => Promise<number>): Promise<number> {
  const backups = backupsFlags(options);
  if (typeof backups === 'string') {
    process.stderr.write(`${backups}\n`);
    return Promise.resolve(ExitCode.BadInput);
  }
  const logger = loggerFor(options);
  const stateDir = text(options, 'state', 'state');
  return withStore(options, stateDir, async (opened) => {
    let onboarder: Onboarder;
    try {
      onboarder = await createOnboarder({
        sitesDir: text(options, 'sites', 'baselines'),
        templatesDir: text(options, 'templates', 'templates'),
        state: new StateStore(stateDir),
        store: opened.store,
        ...(opened.backups === undefined ? {} : { backupsDatabase: opened.backups }),
        ...(opened.locks === undefined ? {} : { fleetLocks: opened.locks }),
        logger,
        concurrency: 1,
        schedulesBackups: false,
        ...(typeof options.backupsKeep === 'number' ? { backupsKeep: options.backupsKeep } : {}),
        locks: waitingLocks(options),
        ...backups,
      });
    } catch (err) {
      if (!(err instanceof SiteFileError)) throw err;
      process.stderr.write(`${err.message}\n`);
      return ExitCode.BadInput;
    }
    return runOneShot(onboarder, work);
  }, undefined, logger);
}

/** A one-shot command's work on its onboarder, stopped cleanly by Ctrl-C or TERM. */
async function runOneShot(onboarder: Onboarder, work: (onboarder: Onboarder) => Promise<number>): Promise<number> {
  // Ctrl-C or TERM stops the job before its push, never in the middle of one; a second signal ends it at once.
  const stop = (): void => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    void onboarder.stop();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    return await work(onboarder);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await onboarder.close();
  }
}

/** The plan's lines on standard output; on standard error, how to push exactly them. */
function printPlan(host: string, plan: PlanAnswer): void {
  for (const line of plan.lines) process.stdout.write(`${line}\n`);
  if (plan.digest !== undefined && plan.lines.length > 0) {
    process.stderr.write(`to push exactly these lines: onramp check ${host} --remediate --confirm ${plan.digest}\n`);
  }
}

export function checkCommand(host: string, options: CliOptions): Promise<number> {
  const confirm = options.confirm;
  if (confirm !== undefined) {
    if (!flag(options, 'remediate') || flag(options, 'dryRun')) {
      process.stderr.write('check: --confirm goes with --remediate (and not --dry-run): it confirms the plan a dry run printed\n');
      return Promise.resolve(ExitCode.BadInput);
    }
    if (typeof confirm !== 'string' || !new RegExp(PLAN_DIGEST_PATTERN).test(confirm)) {
      process.stderr.write('check: --confirm takes the 64 hex digits a dry run printed (onramp check HOST --remediate --dry-run)\n');
      return Promise.resolve(ExitCode.BadInput);
    }
    return withOnboarder(options, async (onboarder) => {
      const plan = await onboarder.remediateConfirmed(host, confirm);
      if (plan.changed === true) {
        process.stderr.write(`${host}: the plan is not the one confirmed (its config changed since): nothing sent; the plan now:\n`);
        printPlan(host, plan);
      }
      return plan.exitCode;
    });
  }
  if (flag(options, 'remediate') && flag(options, 'dryRun')) {
    return withOnboarder(options, async (onboarder) => {
      const plan = await onboarder.planHost(host);
      printPlan(host, plan);
      return plan.exitCode;
    });
  }
  return withOnboarder(options, (onboarder) => onboarder.checkHost(host, { remediate: flag(options, 'remediate') }));
}

export function provisionCommand(ip: string, options: CliOptions): Promise<number> {
  const name = text(options, 'as', '');
  return withOnboarder(options, async (onboarder) => {
    const dryRun = flag(options, 'dryRun');
    const { exitCode, lines } = await onboarder.provisionHost(ip, name, { dryRun, factory: flag(options, 'factory') });
    if (dryRun) for (const line of lines) process.stdout.write(`${line}\n`);
    return exitCode;
  });
}

export function backupCommand(host: string, options: CliOptions): Promise<number> {
  return withOnboarder(options, (onboarder) => onboarder.backupHost(host));
}

/** `onramp restore HOST --version V [--dry-run]`: the version pushed back (or, dry, the lines that would be). */
export function restoreCommand(host: string, options: CliOptions): Promise<number> {
  const version = text(options, 'version', '');
  if (!isSafeName(version)) {
    process.stderr.write(`--version: not a version id: ${JSON.stringify(version.slice(0, 80))} (onramp history ${host} lists them)\n`);
    return Promise.resolve(ExitCode.BadInput);
  }
  return withOnboarder(options, async (onboarder) => {
    const dryRun = flag(options, 'dryRun');
    const { exitCode, lines, message } = await onboarder.restoreHost(host, version, { dryRun });
    if (dryRun) for (const line of lines) process.stdout.write(`${line}\n`);
    if (message !== undefined) (exitCode === ExitCode.Ok ? process.stdout : process.stderr).write(`${message}\n`);
    return exitCode;
  });
}

/** `onramp history HOST [--diff A B | --rollback ID]`: saved versions, the diff of two, or the rollback kept beside one. */
export async function historyCommand(host: string, options: CliOptions): Promise<number> {
  if (!isSafeName(host)) {
    process.stderr.write(`not a device name: ${JSON.stringify(host.slice(0, 80))}\n`);
    return ExitCode.BadInput;
  }
  const state = await readableState(options);
  if ('error' in state) {
    process.stderr.write(`history: ${state.error}\n`);
    return ExitCode.BadInput;
  }
  const flags = backupsFlags(options);
  if (typeof flags === 'string') {
    process.stderr.write(`history: ${flags}\n`);
    return ExitCode.BadInput;
  }
  return withStore(options, state.dir, async (opened) => {
    const backups = await openBackupsForReading(new StateStore(state.dir), flags.backups, opened.backups);
    return printHistory(backups, host, options);
  });
}

/**
 * The state directory a reading command works on. With `--store` it need
 * not exist: what the command reads is in the database.
 */
async function readableState(options: CliOptions): Promise<{ dir: string } | { error: string }> {
  if (namesStore(options) && options.agent === undefined) return { dir: text(options, 'state', 'state') };
  return stateDirOf(options);
}

async function printHistory(backups: VersionStore, host: string, options: CliOptions): Promise<number> {
  if (typeof options.rollback === 'string') return printRollback(backups, host, options.rollback);
  const versions = await backups.list(host);
  const wanted = options.diff;
  if (Array.isArray(wanted)) {
    const [a, b] = wanted.map(String);
    if (wanted.length !== 2 || a === undefined || b === undefined || !isSafeName(a) || !isSafeName(b)) {
      process.stderr.write('--diff needs two version ids\n');
      return ExitCode.BadInput;
    }
    const [left, right] = [await backups.read(host, a), await backups.read(host, b)];
    if (left === undefined || right === undefined) {
      process.stderr.write(`no such version of ${host}: ${left === undefined ? a : b}\n`);
      return ExitCode.BadInput;
    }
    const diff = diffConfigs(left, right, { expected: `${host}@${a}`, actual: `${host}@${b}` });
    process.stdout.write(diff.equal ? 'identical\n' : diff.unified);
    return ExitCode.Ok;
  }
  if (versions.length === 0) process.stdout.write(`no backups of ${host}\n`);
  const restorable = await backups.restorable(host);
  for (const version of versions) {
    const rollback = (await backups.readRollback(host, version.id)) === undefined ? '' : '  (rollback kept)';
    const sealed = restorable.has(version.id) ? '  [restorable]' : '';
    process.stdout.write(`${version.id}  ${version.time}${version.cause === undefined ? '' : `  ${version.cause}`}${rollback}${sealed}\n`);
  }
  return ExitCode.Ok;
}

/** `--rollback ID`: the lines that undo the push made from version ID, as typed in config mode (secrets masked). */
async function printRollback(backups: VersionStore, host: string, id: string): Promise<number> {
  const lines = isSafeName(id) ? await backups.readRollback(host, id) : undefined;
  if (lines === undefined) {
    process.stderr.write(`no rollback kept beside version ${JSON.stringify(id.slice(0, 80))} of ${host}; \`onramp history ${host}\` marks the versions that have one\n`);
    return ExitCode.BadInput;
  }
  for (const line of lines) process.stdout.write(`${line}\n`);
  return ExitCode.Ok;
}

function statusLine(status: DeviceStatus): string {
  const diff = status.diff === undefined ? '' : ` +${status.diff.added} -${status.diff.removed}`;
  const where = [status.site, status.ip].filter((part) => part !== undefined).join(' ');
  const note = status.message === undefined ? '' : `  ${status.message}`;
  const run = status.execution;
  const execution = run === undefined ? '' : `  execution ${String(run.id)} ${run.result} ${run.time}`;
  const drifted = (status.features ?? []).filter((feature) => !feature.compliant).map((feature) => feature.name);
  const features = drifted.length === 0 ? '' : `  not compliant: ${drifted.join(', ')}`;
  const lease = status.refusedLease;
  const refused = lease === undefined ? '' : `  lease refused: ${lease.ip}${lease.mac === undefined ? '' : ` from ${lease.mac}`} at ${lease.time}`;
  const facts = status.facts === undefined ? '' : `  ${[
    status.facts.model === undefined ? undefined : `model ${status.facts.model}`,
    status.facts.serial === undefined ? undefined : `serial ${status.facts.serial}`,
    status.facts.version === undefined ? undefined : `version ${status.facts.version}`,
  ].filter((part) => part !== undefined).join(', ')}`;
  const parked = status.result !== 'parked' || status.parked === undefined ? '' : `  seen: ${[
    status.parked.uplink === undefined ? undefined : `uplink ${status.parked.uplink}`,
    status.parked.lldp === undefined ? undefined : `lldp ${status.parked.lldp.join('; ')}`,
    status.parked.candidates === undefined ? undefined : `candidates ${status.parked.candidates.join(', ')}`,
  ].filter((part) => part !== undefined).join(', ') || 'no neighbour'}`;
  const by = status.appliance === undefined ? '' : `  by ${status.appliance}`;
  const fw = status.firmware;
  const os = fw === undefined ? '' : fw.compliant
    ? `  OS ${fw.running ?? fw.wanted}${fw.upgradedFrom === undefined ? '' : ` (upgraded from ${fw.upgradedFrom})`}`
    : `  OS ${fw.running ?? 'unknown'}, the site names ${fw.wanted}`;
  return `${status.device.padEnd(24)} ${where.padEnd(20)} ${status.action.padEnd(10)} ${status.result.padEnd(12)} ${status.time}  ${status.lastEvent}${diff}${features}${note}${facts}${os}${parked}${execution}${refused}${by}`;
}

export async function statusCommand(options: CliOptions): Promise<number> {
  const state = await readableState(options);
  if ('error' in state) {
    process.stderr.write(`status: ${state.error}\n`);
    return ExitCode.BadInput;
  }
  return withStore(options, state.dir, (opened) => printStatus(opened.store, new StateStore(state.dir), options));
}

/** The devices of the store; the input counts are this box's (its state directory's). */
async function printStatus(store: SharedStore, local: StateStore, options: CliOptions): Promise<number> {
  const statuses = await readStatus(store);
  if (flag(options, 'json')) {
    process.stdout.write(`${JSON.stringify(statuses, null, 2)}\n`);
    return ExitCode.Ok;
  }
  if (statuses.length === 0) process.stdout.write('no device seen yet\n');
  for (const status of statuses) process.stdout.write(`${statusLine(status)}\n`);
  // What the inputs turned away is shown only when there was some: it is what an attack on them looks like.
  const { dropped, refused } = await readWorkCounts(local);
  if (dropped > 0 || refused > 0) {
    process.stdout.write(`inputs: ${String(dropped)} syslog message(s) dropped (sender not allowed), ${String(refused)} native action(s) refused (input role)\n`);
  }
  return ExitCode.Ok;
}
