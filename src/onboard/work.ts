import { maskSecrets, normaliseConfig, type ConfigDiff } from '../config/index.js';
import { getProfile, isDeviceError, ProfileError, type DeviceErrorKind, type HostKeyStore, type Profile } from '../device/index.js';
import {
  CredentialError, resolveCredentials, SiteFileError, templateVars,
  type Credentials, type DeviceRef, type Inventory, type PortmapEntry, type Site, type SiteDevice,
} from '../inventory/index.js';
import { Events, type EventName, type Logger, type Result } from '../log/index.js';
import {
  checkCompliance, compareConfigs, displayLines, dryRunLines, guardedPlan, logRefusals, provisionDevice, renderTemplate, TemplateError, type PushOutcome, type Refusal,
} from '../provision/index.js';
import type { BackupTrigger, BackupVersion, VersionStore } from '../backups/index.js';
import { LockAbortedError, LockBusyError } from '../lock/index.js';
import { JobDeadline, JobStoppedError, JobTimeoutError } from './deadline.js';
import { guardFor } from './guard.js';
import { JobLocks, type LockPolicy } from './job-locks.js';
import { identify, type FactoryLease, type IdentityProbe } from './identity.js';
import { learnedToDevice, type LearnedBook } from './learned.js';
import { deviceIdentity, targetFor, withSession, type DeviceConnector, type SessionLike } from './session.js';
import type { Action, DeviceStatus, PlanRecord, StatusBook } from './status.js';
import type { VerifiedIdentities } from './verified-identities.js';

export interface WorkDeps {
  inventory: Inventory;
  logger: Logger;
  connector: DeviceConnector;
  status: StatusBook;
  backups: VersionStore;
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
}

/**
 * How one piece of work ended; `bad-input` is a site, template or credential
 * problem, not the device's; `deferred`, put off by a stop before it changed anything.
 */
export type Outcome = Result | 'bad-input' | 'deferred';

export interface CheckOutcome {
  result: Outcome;
  diff?: ConfigDiff;
  /** With `dryRun`: the lines a remediation would type, secrets masked. */
  lines?: string[];
}

export interface ProvisionOutcome {
  result: Outcome;
  /** The lines pushed, or with dry-run the lines that would be (secrets masked). */
  lines: string[];
}

interface Fields {
  device: string;
  ip?: string;
  site: string;
  mac?: string;
  /** The scheduled backup this work is, when it is one. */
  execution?: number;
}

/** Results after which a renewal inside the window needs no new check. */
export const SETTLED: readonly Outcome[] = ['ok', 'drift', 'remediated', 'provisioned'];

/** Failures of the link itself: the device could not be reached or stopped answering. Auth, protocol and rejections are answers. */
const LINK_FAILURES: readonly DeviceErrorKind[] = ['unreachable', 'closed', 'timeout'];

function isBadInput(err: unknown): boolean {
  return err instanceof CredentialError || err instanceof TemplateError || err instanceof SiteFileError || err instanceof ProfileError;
}

/** A template or baseline that fails validation is the site's input to fix; any other refusal is the push failing. */
function refusedOutcome(refusals: readonly Refusal[]): Outcome {
  return refusals.every((refusal) => refusal.class === 'invalid-intended') ? 'bad-input' : 'failed';
}

function refusalMessage(refusals: readonly Refusal[]): string {
  return `plan refused: ${refusals.map((refusal) => `${refusal.class}: ${refusal.reason}`).join('; ')}`;
}

function factoryKey(mac: string): string {
  return `Switch ${mac}`;
}

/**
 * The device work itself: drift check (and remediation), factory switch
 * identification and provisioning, backups. Every path ends in one logged
 * event with a result and one status record; errors do not escape.
 */
export class DeviceWork {
  constructor(private readonly deps: WorkDeps) {}

  private get logger(): Logger {
    return this.deps.logger;
  }

  private async record(fields: Fields, action: Action, lastEvent: EventName, result: Exclude<Outcome, 'deferred'>, extra: Partial<DeviceStatus> = {}): Promise<void> {
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
  private startJob(site: Site, what: string): JobDeadline {
    const { stopping } = this.deps;
    const locks = new JobLocks({ ...this.deps.locks, ...(stopping === undefined ? {} : { signal: stopping }) }, what);
    return new JobDeadline(this.deps.connector, site.ssh.jobTimeoutMs, locks, stopping);
  }

  /** Logs and records a failure; returns its outcome. */
  private async fail(err: unknown, fields: Fields, action: Action, failEvent: EventName): Promise<Outcome> {
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
  private planRecord(push: PushOutcome, profile: Profile): PlanRecord {
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

  private async saveBackup(host: string, running: string, profile: Profile, fields: Fields, trigger: BackupTrigger): Promise<BackupVersion | undefined> {
    const masked = maskSecrets(normaliseConfig(running, profile), profile);
    const version = await this.deps.backups.save(host, masked, this.deps.now(), trigger);
    if (version === undefined) {
      // A scheduled backup always ends in one event its execution can be found by; a remediation's is routine.
      const level = fields.execution === undefined ? 'debug' : 'info';
      this.logger[level]({ event: Events.backupSaved, ...fields, result: 'skipped' }, 'running config unchanged since the last backup');
    } else {
      this.logger.info({ event: Events.backupSaved, ...fields, result: 'ok', version: version.id, cause: version.cause }, `backup ${version.id} saved: ${version.cause ?? ''}`);
    }
    return version;
  }

  /** Where a device is worked on when no lease or operator names the address: where it was last verified, else the site's `ip:`. */
  async addressOf(device: SiteDevice): Promise<string> {
    return (await this.deps.identities.get(device.hostname))?.ip ?? device.ip ?? device.hostname;
  }

  /** The session reached the device (host key matched, login worked): this is where, and from which MAC, it was verified. */
  private async verifiedAt(hostname: string, ip: string, mac: string | undefined): Promise<void> {
    await this.deps.identities.verified(hostname, ip, mac, this.deps.now());
  }

  /** Fetch, normalise, diff against the baseline; remediate when asked or when the site says so, or with `dryRun` only plan it. */
  async check(ref: DeviceRef, options: { ip?: string; mac?: string; remediate?: boolean; dryRun?: boolean } = {}): Promise<CheckOutcome> {
    const { site, device } = ref;
    const host = options.ip ?? await this.addressOf(device);
    const fields: Fields = { device: device.hostname, ip: host, site: site.name };
    if (options.mac !== undefined) fields.mac = options.mac;
    this.logger.info({ event: Events.checkStart, ...fields }, 'checking configuration');
    const deadline = this.startJob(site, `check ${device.hostname}`);
    // Once the push starts, a failure is the remediation's.
    let phase: { action: Action; failEvent: EventName } = { action: 'check', failEvent: Events.checkFailed };
    try {
      const profile = getProfile(device.profile);
      const credentials = this.credentials(site);
      const intended = await this.intendedConfig(site, device, credentials);
      return await withSession(deadline.connector, targetFor(site, host, credentials, profile, deviceIdentity(device.hostname)), async (session) => {
        const running = await session.runningConfig();
        await this.verifiedAt(device.hostname, host, options.mac);
        const { diff, features } = checkCompliance(intended, running, profile, device.hostname, site.compliance);
        const checkedAt = this.deps.now();
        const summary = { added: diff.added, removed: diff.removed };
        if (diff.equal) {
          this.logger.info({ event: Events.checkOk, ...fields, result: 'ok', features }, 'Configuration OK');
          await this.record(fields, 'check', Events.checkOk, 'ok', { checkedAt, features });
          return { result: 'ok' };
        }
        const drifted = features.filter((feature) => !feature.compliant).map((feature) => feature.name);
        this.logger.warn(
          { event: Events.checkDrift, ...fields, result: 'drift', diff: diff.unified, ...summary, features },
          `configuration drift in ${drifted.join(', ')}: +${diff.added} -${diff.removed}\n${diff.unified}`,
        );
        const remediate = options.remediate ?? site.policy.onDrift === 'remediate';
        if (!remediate) {
          await this.record(fields, 'check', Events.checkDrift, 'drift', { checkedAt, diff: summary, features });
          return { result: 'drift', diff };
        }
        const guard = guardFor(site, host, 'remediate');
        if (options.dryRun === true) {
          // What the push would do, refusal included: a dry run that hid it would promise a push that never happens.
          const preview = guardedPlan(intended, running, profile, device.hostname, guard, site.compliance);
          if (preview.refusals.length > 0) logRefusals(this.logger, { ...fields, dryRun: true }, preview.refusals, profile);
          await this.record(fields, 'check', Events.checkDrift, 'drift', { checkedAt, diff: summary, features });
          return { result: 'drift', diff, lines: displayLines(preview.plan.lines, profile) };
        }
        phase = { action: 'remediate', failEvent: Events.provisionFailed };
        deadline.beginPush();
        const push = await provisionDevice({
          session, intended, profile, logger: this.logger, fields, running, announce: false, onFailure: site.policy.onFailure,
          guard, scope: site.compliance,
          backup: async (text) => { await this.saveBackup(device.hostname, text, profile, fields, { kind: 'remediation', afterLease: options.mac !== undefined }); },
        });
        const plan = this.planRecord(push, profile);
        if (!push.ok && push.reason === 'refused') {
          await this.record(fields, 'remediate', Events.planRefused, 'failed', { checkedAt, diff: summary, features, plan, message: refusalMessage(push.refusals) });
          return { result: refusedOutcome(push.refusals), diff };
        }
        if (!push.ok) {
          await this.record(fields, 'remediate', Events.provisionFailed, 'failed', { diff: summary, plan, message: push.reason === 'rejected' ? `rejected: ${push.command ?? ''}` : 'residual diff after push' });
          return { result: 'failed', diff };
        }
        this.logger.info({ event: Events.provisionDone, ...fields, result: 'remediated', lines: push.lines.length }, `drift remediated with ${push.lines.length} line(s), saved and verified`);
        await this.record(fields, 'remediate', Events.provisionDone, 'remediated', { checkedAt, diff: summary, plan });
        return { result: 'remediated', diff };
      });
    } catch (err) {
      return { result: await this.fail(err, fields, phase.action, phase.failEvent) };
    } finally {
      deadline.end();
    }
  }

  /** Fetch and store the running config; `execution` when it is a scheduled backup. */
  async backup(ref: DeviceRef, options: { ip?: string; execution?: number; trigger?: BackupTrigger } = {}): Promise<Outcome> {
    const { site, device } = ref;
    const host = options.ip ?? await this.addressOf(device);
    const fields: Fields = { device: device.hostname, ip: host, site: site.name };
    if (options.execution !== undefined) fields.execution = options.execution;
    const deadline = this.startJob(site, `backup ${device.hostname}`);
    try {
      const profile = getProfile(device.profile);
      const target = targetFor(site, host, this.credentials(site), profile, deviceIdentity(device.hostname));
      const version = await withSession(deadline.connector, target, async (session) => {
        const running = await session.runningConfig();
        await this.verifiedAt(device.hostname, host, undefined);
        return this.saveBackup(device.hostname, running, profile, fields, options.trigger ?? { kind: 'event' });
      });
      const message = version === undefined ? 'unchanged' : `version ${version.id}${version.cause === undefined ? '' : `: ${version.cause}`}`;
      const extra: Partial<DeviceStatus> = { message };
      if (options.execution !== undefined) {
        extra.execution = { id: options.execution, result: 'ok', time: new Date(this.deps.now()).toISOString(), ...(version === undefined ? {} : { version: version.id }) };
      }
      await this.record(fields, 'backup', Events.backupSaved, 'ok', extra);
      return 'ok';
    } catch (err) {
      return await this.fail(err, fields, 'backup', Events.backupSaved);
    } finally {
      deadline.end();
    }
  }

  /** `provision IP NAME`: NAME's config (device or port map entry) pushed to IP. */
  async provisionAs(ip: string, name: string, options: { dryRun?: boolean; factory?: boolean } = {}): Promise<ProvisionOutcome> {
    const known = this.deps.inventory.findDevice(name);
    const mapped = known === undefined ? this.deps.inventory.findPortmapEntry(name) : undefined;
    const site = known?.site ?? mapped?.site;
    const entry = known?.device ?? mapped?.entry;
    if (site === undefined || entry === undefined) {
      this.logger.error({ event: Events.unknownDevice, device: name, ip, result: 'failed' }, `${name} is neither a device nor a port map entry of any site`);
      return { result: 'bad-input', lines: [] };
    }
    const fields: Fields = { device: entry.hostname, ip, site: site.name };
    const deadline = this.startJob(site, `provision ${entry.hostname}`);
    try {
      const profile = getProfile(entry.profile);
      if (options.dryRun === true) {
        // Secrets are masked in what a dry run shows, so it needs none: it runs where they are not set.
        const standIn: Credentials = { username: site.credentials.username, password: 'dry-run' };
        return { result: 'skipped', lines: dryRunLines(await this.intendedConfig(site, entry, standIn), profile) };
      }
      const credentials = this.credentials(site);
      const intended = await this.intendedConfig(site, entry, credentials);
      const login = options.factory === true ? this.factoryCredentials(site) : credentials;
      const push = await withSession(deadline.connector, targetFor(site, ip, login, profile, deviceIdentity(entry.hostname)), async (session) => {
        await this.verifiedAt(entry.hostname, ip, undefined);
        deadline.beginPush();
        return provisionDevice({ session, intended, profile, logger: this.logger, fields, onFailure: site.policy.onFailure, guard: guardFor(site, ip, 'provision') });
      });
      const plan = this.planRecord(push, profile);
      if (!push.ok && push.reason === 'refused') {
        await this.record(fields, 'provision', Events.planRefused, 'failed', { plan, message: refusalMessage(push.refusals) });
        return { result: refusedOutcome(push.refusals), lines: [] };
      }
      if (!push.ok) {
        await this.record(fields, 'provision', Events.provisionFailed, 'failed', { message: push.reason, plan });
        return { result: 'failed', lines: push.lines };
      }
      if (mapped !== undefined) await this.learn(site, mapped.entry, ip, undefined);
      await this.record(fields, 'provision', Events.provisionDone, 'provisioned', { checkedAt: this.deps.now(), plan });
      return { result: 'provisioned', lines: push.lines };
    } catch (err) {
      return { result: await this.fail(err, fields, 'provision', Events.provisionFailed), lines: [] };
    } finally {
      deadline.end();
    }
  }

  private factoryCredentials(site: Site): Credentials {
    if (site.factoryCredentials === undefined) throw new CredentialError(`${site.file}: factoryCredentials: not set; a factory switch cannot be logged in to`);
    return resolveCredentials(site.factoryCredentials, site);
  }

  private async learn(site: Site, entry: PortmapEntry, ip: string, mac: string | undefined): Promise<void> {
    const learned = {
      hostname: entry.hostname, site: site.name, model: entry.model, profile: entry.profile, ip, mac: mac ?? '',
      vars: entry.vars, provisionedAt: new Date(this.deps.now()).toISOString(),
    };
    await this.deps.learned.record(learned);
    this.deps.inventory.addLearnedDevice(site, learnedToDevice(learned, site.file));
  }

  /** A port map hostname already held by a live switch other than `mac`. */
  private holder(hostname: string, mac: string): DeviceStatus | undefined {
    const status = this.deps.status.get(hostname);
    if (status === undefined || status.mac === undefined || status.mac === '' || status.mac === mac) return undefined;
    return SETTLED.includes(status.result) ? status : undefined;
  }

  /** The profile to speak to a factory switch before its model is known: the port map's, when it has only one. */
  private factoryProfile(site: Site): Profile {
    const names = [...new Set(site.portmap.map((entry) => entry.profile))];
    return getProfile(names.length === 1 && names[0] !== undefined ? names[0] : 'generic');
  }

  /** A factory `Switch`: identity from the port map, provision with factory credentials, verify with the site's. */
  async provisionFactory(site: Site, lease: FactoryLease, options: { dryRun?: boolean } = {}): Promise<Outcome> {
    const fields: Fields = { device: factoryKey(lease.mac), ip: lease.ip, site: site.name, mac: lease.mac };
    const deadline = this.startJob(site, `provision factory switch ${lease.mac}`);
    let open: { session: SessionLike; profile: Profile } | undefined;
    const closeOpen = async (): Promise<void> => {
      const current = open;
      open = undefined;
      if (current !== undefined) await current.session.close();
    };
    const factorySession = async (profile: Profile): Promise<SessionLike> => {
      if (options.dryRun === true) throw new Error('dry run: not connecting');
      if (open?.profile.name === profile.name) return open.session;
      await closeOpen();
      const session = await deadline.connector.open(targetFor(site, lease.ip, this.factoryCredentials(site), profile, { kind: 'factory', mac: lease.mac }));
      open = { session, profile };
      return session;
    };
    const probe: IdentityProbe = {
      lldpNeighbors: async () => (await factorySession(this.factoryProfile(site))).lldpNeighbors(),
      macTables: async (devices) => {
        if (options.dryRun === true) throw new Error('dry run: not connecting');
        const tables = [];
        for (const name of devices) {
          const ref = this.deps.inventory.findDevice(name);
          if (ref === undefined) continue;
          const target = targetFor(ref.site, await this.addressOf(ref.device), this.credentials(ref.site), getProfile(ref.device.profile), deviceIdentity(ref.device.hostname));
          try {
            tables.push({ device: ref.device.hostname, entries: await withSession(deadline.connector, target, (session) => session.macTable()) });
          } catch (err) {
            if (err instanceof JobTimeoutError) throw err;
            this.logger.warn({ event: Events.unreachable, device: ref.device.hostname, site: ref.site.name, kind: isDeviceError(err) ? err.kind : 'error' }, `MAC table of uplink ${ref.device.hostname} not read: ${err instanceof Error ? err.message : String(err)}`);
          }
        }
        return tables;
      },
    };
    try {
      const outcome = await identify(site, lease, probe, (hostname) => this.holder(hostname, lease.mac) !== undefined);
      if (outcome.kind === 'unknown') {
        this.logger.warn({ event: Events.identityUnknown, ...fields, result: 'failed', seen: outcome.seen }, `no port map entry matches this switch: ${outcome.seen.join('; ')}`);
        await this.record(fields, 'identify', Events.identityUnknown, 'failed', { message: outcome.seen.join('; ') });
        return 'failed';
      }
      if (outcome.kind === 'ambiguous') {
        this.logger.warn({ event: Events.identityAmbiguous, ...fields, result: 'failed', source: outcome.source, candidates: outcome.candidates }, `${outcome.source} matches ${outcome.candidates.join(' and ')}; nothing pushed`);
        await this.record(fields, 'identify', Events.identityAmbiguous, 'failed', { message: `ambiguous: ${outcome.candidates.join(', ')}` });
        return 'failed';
      }
      const { entry, source } = outcome;
      const holder = this.holder(entry.hostname, lease.mac);
      if (holder !== undefined) {
        this.logger.error({ event: Events.identityConflict, ...fields, result: 'failed', hostname: entry.hostname, holderMac: holder.mac, holderIp: holder.ip }, `${entry.hostname} is already a live switch (${holder.mac ?? '?'} at ${holder.ip ?? '?'}); not overwritten`);
        await this.record(fields, 'identify', Events.identityConflict, 'failed', { message: `conflict with ${entry.hostname}` });
        return 'failed';
      }
      this.logger.info({ event: Events.identityFound, ...fields, result: 'ok', source, hostname: entry.hostname }, `identified as ${entry.hostname} by ${source}`);
      if (options.dryRun === true) {
        await this.record(fields, 'identify', Events.identityFound, 'skipped', { message: `would provision ${entry.hostname}` });
        return 'skipped';
      }
      return await this.provisionIdentified(site, entry, lease, factorySession, deadline, fields);
    } catch (err) {
      return await this.fail(err, fields, 'provision', Events.provisionFailed);
    } finally {
      await closeOpen();
      deadline.end();
    }
  }

  private async provisionIdentified(
    site: Site, entry: PortmapEntry, lease: FactoryLease, factorySession: (profile: Profile) => Promise<SessionLike>, deadline: JobDeadline,
    factoryFields: Fields,
  ): Promise<Outcome> {
    const fields: Fields = { device: entry.hostname, ip: lease.ip, site: site.name, mac: lease.mac };
    const profile = getProfile(entry.profile);
    const credentials = this.credentials(site);
    const intended = await this.intendedConfig(site, entry, credentials);
    const session = await factorySession(profile);
    deadline.beginPush();
    const push = await provisionDevice({
      session, intended, profile, logger: this.logger, fields, announce: false, onFailure: site.policy.onFailure, guard: guardFor(site, lease.ip, 'provision'),
    });
    const plan = this.planRecord(push, profile);
    if (!push.ok && push.reason === 'refused') {
      await this.record(factoryFields, 'provision', Events.planRefused, 'failed', { plan, message: `${entry.hostname}: ${refusalMessage(push.refusals)}` });
      return refusedOutcome(push.refusals);
    }
    if (!push.ok) {
      await this.record(factoryFields, 'provision', Events.provisionFailed, 'failed', { message: `${entry.hostname}: ${push.reason}`, plan });
      return 'failed';
    }
    // It is that device now: its key, pinned under its factory MAC, is its name's, and the
    // verifying session below must meet the same box.
    await this.deps.hostKeys.transfer(lease.mac, entry.hostname);
    // The template replaced the factory login with the site's: prove it works and the switch took its name.
    const verified = await withSession(deadline.connector, targetFor(site, lease.ip, credentials, profile, deviceIdentity(entry.hostname)), async (fresh) => ({
      hostname: fresh.hostname(),
      diff: compareConfigs(intended, await fresh.runningConfig(), profile, entry.hostname),
    }));
    if (verified.hostname.toLowerCase() !== entry.hostname.toLowerCase() || !verified.diff.equal) {
      const why = verified.diff.equal ? `prompt says ${verified.hostname}` : `running config differs (+${verified.diff.added} -${verified.diff.removed})`;
      this.logger.error({ event: Events.provisionFailed, ...fields, result: 'failed', diff: verified.diff.unified }, `verification with site credentials failed: ${why}`);
      await this.record(factoryFields, 'provision', Events.provisionFailed, 'failed', { message: why });
      return 'failed';
    }
    await this.learn(site, entry, lease.ip, lease.mac);
    await this.verifiedAt(entry.hostname, lease.ip, lease.mac);
    this.logger.info({ event: Events.provisionDone, ...fields, result: 'provisioned', lines: push.lines.length }, `provisioned as ${entry.hostname}, saved, verified with site credentials`);
    const checkedAt = this.deps.now();
    await this.record(fields, 'provision', Events.provisionDone, 'provisioned', { checkedAt });
    await this.record(factoryFields, 'provision', Events.provisionDone, 'provisioned', { message: `became ${entry.hostname}` });
    return 'provisioned';
  }
}
