import { isDeviceError, ProfileError, type DeviceErrorKind, type HostKeyStore, type Profile } from '../device/index.js';
import {
  CredentialError, resolveCredentials, SiteFileError, templateVars,
  type Credentials, type Inventory, type PortmapEntry, type Site, type SiteDevice,
} from '../inventory/index.js';
import { Events, type EventName, type Logger, type Result } from '../log/index.js';
import { displayLines, renderTemplate, TemplateError, type PushOutcome, type Refusal, type StopBudget } from '../provision/index.js';
import { sealedCopy, type BackupKey, type BackupTrigger, type BackupVersion, type VersionStore } from '../backups/index.js';
import { maskSecrets, normaliseConfig } from '../config/index.js';
import { LockAbortedError, LockBusyError } from '../lock/index.js';
import { JobDeadline, JobStoppedError, JobTimeoutError, LockLostError } from './deadline.js';
import { JobLocks, type LockPolicy } from './job-locks.js';
import { learnedToDevice, type LearnedBook } from './learned.js';
import type { FirmwareDeps } from './firmware-stage.js';
import type { DeviceConnector } from './session.js';
import type { Action, DeviceStatus, PlanRecord, StatusBook } from './status.js';
import type { VerifiedIdentities } from './verified-identities.js';

export interface WorkDeps {
  inventory: Inventory;
  logger: Logger;
  connector: DeviceConnector;
  status: StatusBook;
  backups: VersionStore;
  /** By site name, the key of each site with `backups.restorable`. */
  backupKeys: ReadonlyMap<string, BackupKey>;
  learned: LearnedBook;
  /** Where each device was last verified: the address it is worked on at when no lease names one. */
  identities: VerifiedIdentities;
  /** A provisioned factory switch's pin moves from its MAC to its new name. */
  hostKeys: HostKeyStore;
  now: () => number;
  /** How a job waits for a switch another worker holds (default: up to its own time limit). */
  locks?: LockPolicy;
  /** Aborted when onramp stops: a job not yet pushing opens no session and begins no push, and ends `deferred`. */
  stopping?: AbortSignal;
  /** Once stopping: ms left until onramp must have exited. A push whose rest does not fit is rolled back (StopPace). */
  stopLeftMs?: () => number;
  /** With a shared store: whether an error says it could not be reached (the job is then done again once it is back, not failed). */
  storeUnreachable?: (err: unknown) => boolean;
  /** Image check and server, and the lease watch for switches reloading into a new OS. */
  firmware: FirmwareDeps;
}

/**
 * How one piece of work ended; `bad-input` is a site, template or credential
 * problem, not the device's; `deferred`, put off by a stop before it changed anything.
 */
export type Outcome = Result | 'bad-input' | 'deferred';

export interface Fields {
  device: string;
  ip?: string;
  site: string;
  mac?: string;
  /** The scheduled backup this work is, when it is one. */
  execution?: number;
}

/** Results after which a renewal inside the window needs no new check. */
export const SETTLED: readonly Outcome[] = ['ok', 'drift', 'remediated', 'provisioned', 'restored'];

/** Failures of the link itself: the device could not be reached or stopped answering. Auth, protocol and rejections are answers. */
const LINK_FAILURES: readonly DeviceErrorKind[] = ['unreachable', 'closed', 'timeout'];

function isBadInput(err: unknown): boolean {
  return err instanceof CredentialError || err instanceof TemplateError || err instanceof SiteFileError || err instanceof ProfileError;
}

/** A template or baseline that fails validation is the site's input to fix; any other refusal is the push failing. */
export function refusedOutcome(refusals: readonly Refusal[]): Outcome {
  return refusals.every((refusal) => refusal.class === 'invalid-intended') ? 'bad-input' : 'failed';
}

export function refusalMessage(refusals: readonly Refusal[]): string {
  return `plan refused: ${refusals.map((refusal) => `${refusal.class}: ${refusal.reason}`).join('; ')}`;
}

type StoppedPush = Extract<PushOutcome, { reason: 'stopped' }>;

export function factoryKey(mac: string): string {
  return `Switch ${mac}`;
}

/**
 * What every device job shares: its clock and locks, its one status record
 * and event at the end, the failure paths, credentials and intended configs.
 */
export class JobBase {
  constructor(protected readonly deps: WorkDeps) {}

  protected get logger(): Logger {
    return this.deps.logger;
  }

  protected async record(fields: Fields, action: Action, lastEvent: EventName, result: Exclude<Outcome, 'deferred'>, extra: Partial<DeviceStatus> = {}): Promise<void> {
    const status: DeviceStatus = {
      device: fields.device,
      site: fields.site,
      lastEvent,
      action,
      result: result === 'bad-input' ? 'failed' : result,
      time: new Date(this.deps.now()).toISOString(),
      ...extra,
    };
    if (fields.ip !== undefined) status.ip = fields.ip;
    if (fields.mac !== undefined) status.mac = fields.mac;
    if (fields.execution !== undefined && status.execution === undefined) {
      status.execution = { id: fields.execution, result: status.result, time: status.time };
    }
    await this.deps.status.record(status);
  }

  /** One device job's clock and switch locks: `what` names it to whoever finds a switch busy. */
  protected startJob(site: Site, what: string): JobDeadline {
    const { stopping } = this.deps;
    const locks = new JobLocks({ ...this.deps.locks, ...(stopping === undefined ? {} : { signal: stopping }) }, what);
    return new JobDeadline(this.deps.connector, site.ssh.jobTimeoutMs, locks, stopping);
  }

  /** What a push needs of a stop: whether it came, and the time it leaves; and the longest a line may take. */
  protected stopBudget(site: Site): { stop?: StopBudget; lineTimeoutMs: number } {
    const { stopping, stopLeftMs } = this.deps;
    return { lineTimeoutMs: site.ssh.timeoutMs, ...(stopping === undefined || stopLeftMs === undefined ? {} : { stop: { signal: stopping, remainingMs: stopLeftMs } }) };
  }

  /**
   * A push a stop cut short because its rest would not fit in the stop's
   * time: when nothing of it is left on the switch (not begun, or rolled
   * back whole) it is put off to the next start like a job that had not
   * begun; else it failed, and says so.
   */
  protected async stoppedPush(push: StoppedPush, fields: Fields, action: Action): Promise<Outcome> {
    if (push.applied === 0 || push.rollback?.complete === true) {
      this.logger.info(
        { event: Events.jobDeferred, ...fields, action, applied: push.applied, estimate: push.estimate },
        push.applied === 0
          ? `${action} stopped before its first line: onramp is stopping and the plan would not fit in its time`
          : `${action} stopped and its ${String(push.applied)} line(s) rolled back: onramp is stopping and the rest would not fit in its time`,
      );
      return 'deferred';
    }
    const message = push.rollback === undefined
      ? `stopped by the stop after ${String(push.applied)} of ${String(push.lines.length)} line(s), left as it is; not saved`
      : `stopped by the stop after ${String(push.applied)} line(s); the rollback was rejected part way; not saved`;
    await this.record(fields, action, Events.provisionFailed, 'failed', { message });
    return 'failed';
  }

  /** Logs and records a failure; returns its outcome. */
  protected async fail(err: unknown, fields: Fields, action: Action, failEvent: EventName): Promise<Outcome> {
    if (err instanceof JobStoppedError || (err instanceof LockAbortedError && this.deps.stopping?.aborted === true)) {
      // Nothing was changed and the status stays as it was: the job is done again at the next start.
      this.logger.info({ event: Events.jobDeferred, ...fields, action }, `${action} stopped before it opened a session or began a push: onramp is stopping`);
      return 'deferred';
    }
    if (err instanceof LockBusyError) {
      this.logger.error({ event: failEvent, ...fields, result: 'failed', kind: 'busy', holder: err.holder }, err.message);
      await this.record(fields, action, failEvent, 'failed', { message: err.message });
      return 'failed';
    }
    if (err instanceof LockLostError) {
      // The fleet's lock on the switch is gone (the database connection broke): nothing more was sent, nothing is
      // recorded (the store may be out of reach), and the job is done again, here or by a peer, once it can be locked.
      this.logger.warn({ event: Events.jobDeferred, ...fields, action, kind: 'lock-lost' }, err.message);
      return 'deferred';
    }
    if (this.deps.storeUnreachable?.(err) === true) {
      const message = err instanceof Error ? err.message : String(err);
      this.logger.warn({ event: Events.jobDeferred, ...fields, action, kind: 'store-unreachable' }, `the shared store cannot be reached (${message}); the job is done again once it is back`);
      return 'deferred';
    }
    if (err instanceof JobTimeoutError) {
      this.logger.error({ event: failEvent, ...fields, result: 'failed', kind: 'job-timeout', timeoutMs: err.timeoutMs }, err.message);
      await this.record(fields, action, failEvent, 'failed', { message: err.message });
      return 'failed';
    }
    if (isDeviceError(err, 'hostkey-changed')) {
      const key = err.hostKey === undefined ? {} : { fingerprint: err.hostKey.seen, pinned: err.hostKey.pinned, command: err.hostKey.acceptCommand };
      this.logger.error({ event: Events.hostkeyChanged, ...fields, result: 'failed', ...key }, err.message);
      await this.recordRefusedKey(err.hostKey?.seen ?? '?', fields, action);
      return 'failed';
    }
    if (isDeviceError(err)) {
      const message = err.deviceMessage === undefined ? err.message : `${err.message}: ${err.deviceMessage}`;
      // A wrong password or an algorithm mismatch is not an unreachable device: it needs a different fix.
      const event = LINK_FAILURES.includes(err.kind) ? Events.unreachable : failEvent;
      const result = event === Events.unreachable ? 'unreachable' : 'failed';
      this.logger.error({ event, ...fields, result, kind: err.kind }, message);
      await this.record(fields, action, event, result, { message });
      return result;
    }
    const badInput = isBadInput(err);
    const message = err instanceof Error ? err.message : String(err);
    this.logger.error({ event: failEvent, ...fields, result: 'failed' }, message);
    await this.record(fields, action, failEvent, 'failed', { message });
    return badInput ? 'bad-input' : 'failed';
  }

  /** The plan as `onramp status` keeps it: pushed or refused, lines masked. */
  protected planRecord(push: PushOutcome, profile: Profile): PlanRecord {
    const time = new Date(this.deps.now()).toISOString();
    const lines = displayLines(push.lines, profile);
    if (!push.ok && push.reason === 'refused') return { outcome: 'refused', time, lines, refusals: push.refusals };
    return { outcome: 'pushed', time, lines };
  }

  /**
   * Whatever answered is not the device. Where the device was last seen, that
   * is news about the device (replaced, or its key made anew): its status says
   * so. Anywhere else it is an impostor, or the device somewhere new that has
   * yet to prove it: noted beside the status, whose address and result stay.
   */
  private async recordRefusedKey(seen: string, fields: Fields, action: Action): Promise<void> {
    const previous = this.deps.status.get(fields.device);
    const reason = `host key ${seen} at ${fields.ip ?? '?'} refused`;
    if (previous === undefined || fields.ip === undefined || previous.ip === fields.ip) {
      await this.record(fields, action, Events.hostkeyChanged, 'failed', { message: reason });
      return;
    }
    await this.deps.status.noteRefusedLease(fields.device, fields.site, {
      ip: fields.ip, ...(fields.mac === undefined ? {} : { mac: fields.mac }), time: new Date(this.deps.now()).toISOString(), reasons: [reason],
    });
  }

  credentials(site: Site): Credentials {
    return resolveCredentials(site.credentials, site);
  }

  /** The baseline file, or (`intended: template`, a port map entry) the model's template rendered with site + device vars and the site credentials. */
  async intendedConfig(site: Site, entry: SiteDevice | PortmapEntry, credentials: Credentials): Promise<string> {
    if ('intended' in entry && entry.intended === 'baseline') {
      const baseline = this.deps.inventory.baselineText(entry);
      if (baseline !== undefined) return baseline;
    }
    return renderTemplate(this.deps.inventory.templatesDir, entry.model, templateVars(site, entry, credentials));
  }

  /**
   * Saves the running config as a version (unless it is the latest one
   * already), masked, and for a site with `backups.restorable` with its
   * sealed unmasked copy; with `rollback`, the inverse of the push about to
   * be made from it is kept beside that version, masked like it.
   */
  protected async saveBackup(
    site: Site, host: string, running: string, profile: Profile, fields: Fields, trigger: BackupTrigger, rollback?: readonly string[],
  ): Promise<BackupVersion | undefined> {
    const unmasked = normaliseConfig(running, profile);
    const masked = maskSecrets(unmasked, profile);
    const sealed = sealedCopy(site, this.deps.backupKeys, host, unmasked, masked);
    const version = await this.deps.backups.save(host, masked, this.deps.now(), trigger, sealed);
    const from = version ?? (await this.deps.backups.list(host)).at(-1);
    if (rollback !== undefined && from !== undefined) await this.deps.backups.saveRollback(host, from.id, displayLines(rollback, profile));
    const kept = rollback === undefined || from === undefined ? {} : { rollbackBeside: from.id };
    if (version === undefined) {
      // A scheduled backup always ends in one event its execution can be found by; a remediation's is routine.
      const level = fields.execution === undefined ? 'debug' : 'info';
      this.logger[level]({ event: Events.backupSaved, ...fields, result: 'skipped', ...kept }, 'running config unchanged since the last backup');
    } else {
      this.logger.info({ event: Events.backupSaved, ...fields, result: 'ok', version: version.id, cause: version.cause, ...kept }, `backup ${version.id} saved: ${version.cause ?? ''}`);
    }
    return version;
  }

  /** Where a device is worked on when no lease or operator names the address: where it was last verified, else the site's `ip:`. */
  async addressOf(device: SiteDevice): Promise<string> {
    return (await this.deps.identities.get(device.hostname))?.ip ?? device.ip ?? device.hostname;
  }

  /** The session reached the device (host key matched, login worked): this is where, and from which MAC, it was verified. */
  protected async verifiedAt(hostname: string, ip: string, mac: string | undefined): Promise<void> {
    await this.deps.identities.verified(hostname, ip, mac, this.deps.now());
  }

  protected factoryCredentials(site: Site): Credentials {
    if (site.factoryCredentials === undefined) throw new CredentialError(`${site.file}: factoryCredentials: not set; a factory switch cannot be logged in to`);
    return resolveCredentials(site.factoryCredentials, site);
  }

  protected async learn(site: Site, entry: PortmapEntry, ip: string, mac: string | undefined): Promise<void> {
    const learned = {
      hostname: entry.hostname, site: site.name, model: entry.model, profile: entry.profile, ip, mac: mac ?? '',
      vars: entry.vars, provisionedAt: new Date(this.deps.now()).toISOString(),
    };
    await this.deps.learned.record(learned);
    this.deps.inventory.addLearnedDevice(site, learnedToDevice(learned, site.file));
  }

}
