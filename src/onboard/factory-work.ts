import { getProfile, isDeviceError, type DeviceFacts, type MacEntry, type Profile } from '../device/index.js';
import type { Credentials, PortmapEntry, Site, SiteDevice } from '../inventory/index.js';
import { Events, type EventName } from '../log/index.js';
import { compareConfigs, provisionDevice, withPortsReset } from '../provision/index.js';
import type { Assignment } from './assignments.js';
import { JobTimeoutError, type JobDeadline } from './deadline.js';
import { SwitchSessions } from './factory-session.js';
import { FirmwareStage, type FirmwareResult } from './firmware-stage.js';
import { guardFor } from './guard.js';
import { identify, type FactoryLease, type IdentityProbe, type Observed } from './identity.js';
import { factoryKey, JobBase, refusalMessage, refusedOutcome, SETTLED, type Fields, type Outcome, type WorkDeps } from './job-base.js';
import { checkModel } from './model-match.js';
import { factsRecord, ParkingWork } from './parking.js';
import { deviceIdentity, targetFor, withSession } from './session.js';
import type { DeviceStatus, ParkedRecord, ParkReason } from './status.js';

/** Why the port map gave no entry to provision, and what to do about it: park the switch, or only report. */
interface Unidentified {
  reason: ParkReason;
  event: EventName;
  message: string;
  candidates?: string[];
}

/** What one factory-switch job works with. */
interface FactoryJob {
  site: Site;
  lease: FactoryLease;
  fields: Fields;
  sessions: SwitchSessions;
  deadline: JobDeadline;
  /** The profile spoken to the switch before its family is known. */
  fallback: Profile;
  /** The login it takes now: the factory one, or a parked switch's site login (resolved when first needed: a missing secret fails the job, not its start). */
  login: () => Credentials;
  /** A parked switch: its ports are as parking left them, and are reset to what its new config says. */
  parked?: true;
}

/**
 * The work on factory switches: identity from the port map (MAC, serial,
 * option 82, LLDP, MAC tables), the model it reports checked against its
 * entry, then provisioning with the factory login, verified with the
 * site's. A switch the port map does not identify is parked (or, with
 * `policy.unknown: report`, only reported). Every path ends in one logged
 * event with a result and one status record; errors do not escape.
 */
export class FactoryWork extends JobBase {
  private readonly parking: ParkingWork;
  private readonly firmware: FirmwareStage;

  constructor(deps: WorkDeps) {
    super(deps);
    this.parking = new ParkingWork(deps);
    this.firmware = new FirmwareStage(deps.firmware, { logger: deps.logger, now: deps.now, ...(deps.stopping === undefined ? {} : { stopping: deps.stopping }) });
  }

  /** A port map hostname already held by a live switch other than `mac`. */
  holder(hostname: string, mac: string): DeviceStatus | undefined {
    const status = this.deps.status.get(hostname);
    if (status === undefined || status.mac === undefined || status.mac === '' || status.mac === mac) return undefined;
    return SETTLED.includes(status.result) ? status : undefined;
  }

  /** The profile to speak to a factory switch before its model is known: the port map's, when it has only one. */
  private factoryProfile(site: Site): Profile {
    const names = [...new Set(site.portmap.map((entry) => entry.profile))];
    return getProfile(names.length === 1 && names[0] !== undefined ? names[0] : 'generic');
  }

  /** A factory `Switch`: identity from the port map, its model checked, provisioned with the factory login and verified with the site's; else parked. */
  async provisionFactory(site: Site, lease: FactoryLease, options: { dryRun?: boolean } = {}): Promise<Outcome> {
    const fields: Fields = { device: factoryKey(lease.mac), ip: lease.ip, site: site.name, mac: lease.mac };
    const deadline = this.startJob(site, `provision factory switch ${lease.mac}`);
    const dryRun = options.dryRun === true;
    const sessions = new SwitchSessions(
      (profile, ip) => deadline.connector.open(targetFor(site, ip, this.factoryCredentials(site), profile, { kind: 'factory', mac: lease.mac })),
      lease.ip,
      dryRun,
    );
    const job: FactoryJob = { site, lease, fields, sessions, deadline, fallback: this.factoryProfile(site), login: () => this.factoryCredentials(site) };
    const probe: IdentityProbe = {
      facts: () => sessions.readFacts(job.fallback),
      lldpNeighbors: async () => (await sessions.session(job.fallback)).lldpNeighbors(),
      macTables: async (devices) => {
        if (dryRun) throw new Error('dry run: not connecting');
        return this.uplinkTables(devices, deadline);
      },
    };
    try {
      const outcome = await identify(site, lease, probe, (hostname) => this.holder(hostname, lease.mac) !== undefined);
      // Read when the identity needed it (serial), else now: what the switch says it is decides what it may be given.
      const facts = (): Promise<DeviceFacts> => sessions.readFacts(job.fallback);
      if (outcome.kind === 'unknown') {
        this.logger.warn({ event: Events.identityUnknown, ...fields, result: 'failed', seen: outcome.seen }, `no port map entry matches this switch: ${outcome.seen.join('; ')}`);
        return await this.unidentified(job, facts, outcome.observed, { reason: 'unknown', event: Events.identityUnknown, message: outcome.seen.join('; ') }, dryRun);
      }
      if (outcome.kind === 'ambiguous') {
        this.logger.warn({ event: Events.identityAmbiguous, ...fields, result: 'failed', source: outcome.source, candidates: outcome.candidates }, `${outcome.source} matches ${outcome.candidates.join(' and ')}; not provisioned`);
        const message = `ambiguous: ${outcome.candidates.join(', ')}`;
        return await this.unidentified(job, facts, outcome.observed, { reason: 'ambiguous', event: Events.identityAmbiguous, message, candidates: outcome.candidates }, dryRun);
      }
      const { entry, source } = outcome;
      const holder = this.holder(entry.hostname, lease.mac);
      if (holder !== undefined) {
        this.logger.error({ event: Events.identityConflict, ...fields, result: 'failed', hostname: entry.hostname, holderMac: holder.mac, holderIp: holder.ip }, `${entry.hostname} is already a live switch (${holder.mac ?? '?'} at ${holder.ip ?? '?'}); not overwritten`);
        const message = `conflict with ${entry.hostname}`;
        return await this.unidentified(job, facts, outcome.observed, { reason: 'conflict', event: Events.identityConflict, message, candidates: [entry.hostname] }, dryRun);
      }
      this.logger.info({ event: Events.identityFound, ...fields, result: 'ok', source, hostname: entry.hostname }, `identified as ${entry.hostname} by ${source}`);
      const reported = await facts();
      const verdict = checkModel(entry, reported);
      if (verdict.kind === 'mismatch') {
        this.logger.error({ event: Events.identityModelMismatch, ...fields, ...factsFields(reported), result: 'failed', source, hostname: entry.hostname, expected: entry.model }, `identified as ${entry.hostname} by ${source}, but ${verdict.reason}; its template is not pushed`);
        const message = `model mismatch with ${entry.hostname}: ${verdict.reason}`;
        return await this.unidentified(job, facts, outcome.observed, { reason: 'model-mismatch', event: Events.identityModelMismatch, message, candidates: [entry.hostname] }, dryRun);
      }
      if (verdict.kind === 'unconfirmed') {
        this.logger.warn({ ...fields, hostname: entry.hostname, model: 'unconfirmed' }, `the switch's show version was not recognised: its model cannot be checked against ${entry.model}`);
      }
      if (dryRun) {
        await this.record(fields, 'identify', Events.identityFound, 'skipped', { message: `would provision ${entry.hostname}` });
        return 'skipped';
      }
      return await this.provisionIdentified(job, entry, reported);
    } catch (err) {
      return await this.fail(err, fields, 'provision', Events.provisionFailed);
    } finally {
      await sessions.close();
      deadline.end();
    }
  }

  /**
   * A parked switch an operator assigned: logged in to with the site
   * credentials its parking config set, behind the host key pinned for its
   * MAC when it was parked; its model checked again against the entry, then
   * provisioned as that entry.
   */
  async provisionAssigned(site: Site, assignment: Assignment, entry: PortmapEntry | SiteDevice, ip: string): Promise<Outcome> {
    const lease: FactoryLease = { ip, mac: assignment.mac };
    const fields: Fields = { device: factoryKey(assignment.mac), ip, site: site.name, mac: assignment.mac };
    const deadline = this.startJob(site, `provision parked switch ${assignment.mac} as ${entry.hostname}`);
    const login = (): Credentials => this.credentials(site);
    const sessions = new SwitchSessions(
      (profile, at) => deadline.connector.open(targetFor(site, at, login(), profile, { kind: 'factory', mac: assignment.mac })),
      ip,
      false,
    );
    const job: FactoryJob = { site, lease, fields, sessions, deadline, fallback: getProfile(entry.profile), login, parked: true };
    this.logger.info(
      { event: Events.assigned, ...fields, hostname: entry.hostname, assignedAt: assignment.time, ...(assignment.serial === undefined ? {} : { serial: assignment.serial }) },
      `parked switch assigned as ${entry.hostname}: provisioning it`,
    );
    const parked = this.deps.status.get(fields.device)?.parked;
    let outcome: Outcome;
    try {
      const facts = await sessions.readFacts(job.fallback);
      const verdict = checkModel(entry, facts);
      if (verdict.kind === 'mismatch') {
        const message = `assigned as ${entry.hostname}, but ${verdict.reason}; still parked`;
        this.logger.error({ event: Events.identityModelMismatch, ...fields, ...factsFields(facts), result: 'failed', hostname: entry.hostname, expected: entry.model }, message);
        await this.record(fields, 'park', Events.identityModelMismatch, 'parked', { message, ...(parked === undefined ? {} : { parked }) });
        return 'bad-input';
      }
      outcome = await this.provisionIdentified(job, entry, facts);
    } catch (err) {
      outcome = await this.fail(err, fields, 'provision', Events.provisionFailed);
    } finally {
      await sessions.close();
      deadline.end();
    }
    if (outcome !== 'provisioned' && outcome !== 'deferred') await this.stillParked(fields, entry.hostname, parked);
    return outcome;
  }

  /**
   * An assignment that did not go through leaves the switch as parking left
   * it (nothing was saved): its status says parked again, with why it is
   * not yet NAME, so its next lease is still known as a parked switch's.
   */
  private async stillParked(fields: Fields, name: string, parked: ParkedRecord | undefined): Promise<void> {
    const failed = this.deps.status.get(fields.device);
    const message = `assigned as ${name}, not provisioned yet: ${failed?.message ?? 'failed'}`;
    await this.record(fields, 'park', failed?.lastEvent === undefined ? Events.provisionFailed : failed.lastEvent as EventName, 'parked', {
      message, ...(parked === undefined ? {} : { parked }),
    });
  }

  private async uplinkTables(devices: string[], deadline: JobDeadline): Promise<{ device: string; entries: MacEntry[] }[]> {
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
  }

  /** No entry to provision: parked (the site's default), or with `policy.unknown: report` only reported, as is everything in a dry run. */
  private async unidentified(job: FactoryJob, readFacts: () => Promise<DeviceFacts>, observed: Observed, why: Unidentified, dryRun: boolean): Promise<Outcome> {
    if (job.site.factoryCredentials === undefined) {
      // Without a factory login nothing can be read from the switch nor parked on it: it is only reported.
      await this.record(job.fields, 'identify', why.event, 'failed', { message: `${why.message}; the site has no factoryCredentials, so it is not parked` });
      return 'failed';
    }
    const facts = await readFacts();
    const recorded = factsRecord(facts);
    const withFacts = recorded === undefined ? {} : { facts: recorded };
    if (job.site.policy.unknown === 'report') {
      await this.record(job.fields, 'identify', why.event, 'failed', { message: why.message, ...withFacts });
      return 'failed';
    }
    if (dryRun) {
      await this.record(job.fields, 'identify', why.event, 'skipped', { message: `would park: ${why.message}` });
      return 'skipped';
    }
    return this.parking.park({
      site: job.site, lease: job.lease, sessions: job.sessions, deadline: job.deadline, fields: job.fields, fallback: job.fallback,
      reason: why.reason, observed, facts, ...(why.candidates === undefined ? {} : { candidates: why.candidates }),
    });
  }

  private async provisionIdentified(job: FactoryJob, entry: PortmapEntry | SiteDevice, facts: DeviceFacts): Promise<Outcome> {
    const { site, deadline, fields: factoryFields } = job;
    const profile = getProfile(entry.profile);
    const credentials = this.credentials(site);
    const template = await this.intendedConfig(site, entry, credentials);
    // A switch whose upgrade failed and that was not parked then (it came back too late) is parked now, not upgraded again.
    if (job.parked !== true && this.deps.status.get(factoryFields.device)?.lastEvent === Events.firmwareUpgradeFailed) {
      const message = `its OS upgrade failed before (${this.deps.status.get(factoryFields.device)?.message ?? ''})`;
      return this.parkAfterUpgrade(job, entry, facts, { message, at: job.lease.ip }, profile);
    }
    // Its OS first: on another version than the site names for its model, it is upgraded and back before its config.
    const os = await this.firmware.run({
      site, entry, lease: job.lease, session: await job.sessions.session(profile), deadline, credentials: job.login(), fields: factoryFields,
    });
    if (os.kind === 'failed') return this.parkAfterUpgrade(job, entry, facts, os, profile);
    const reported = os.kind === 'upgraded' && os.firmware.running !== undefined ? { ...facts, version: os.firmware.running } : facts;
    const recorded = factsRecord(reported);
    const withFacts = recorded === undefined ? {} : { facts: recorded };
    const lease: FactoryLease = os.kind === 'upgraded' ? { ...job.lease, ip: os.ip } : job.lease;
    const fields: Fields = { device: entry.hostname, ip: lease.ip, site: site.name, mac: lease.mac };
    const session = os.kind === 'upgraded' ? await job.sessions.session(profile, { ip: lease.ip }) : await job.sessions.session(profile);
    const running = job.parked === true ? await session.runningConfig() : undefined;
    const intended = running === undefined ? template : withPortsReset(template, running, profile);
    deadline.beginPush();
    const push = await provisionDevice({
      session, intended, profile, logger: this.logger, fields, announce: false, onFailure: site.policy.onFailure, guard: guardFor(site, lease.ip, 'provision'),
      ...this.stopBudget(site),
      ...(running === undefined ? {} : { running }),
    });
    if (!push.ok && push.reason === 'stopped') return this.stoppedPush(push, factoryFields, 'provision');
    const plan = this.planRecord(push, profile);
    if (!push.ok && push.reason === 'refused') {
      await this.record(factoryFields, 'provision', Events.planRefused, 'failed', { plan, message: `${entry.hostname}: ${refusalMessage(push.refusals)}`, ...withFacts });
      return refusedOutcome(push.refusals);
    }
    if (!push.ok) {
      await this.record(factoryFields, 'provision', Events.provisionFailed, 'failed', { message: `${entry.hostname}: ${push.reason}`, plan, ...withFacts });
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
      await this.record(factoryFields, 'provision', Events.provisionFailed, 'failed', { message: why, ...withFacts });
      return 'failed';
    }
    // A port map entry becomes a device onramp knows; a configured device (a replacement) already is one.
    if (!('intended' in entry)) await this.learn(site, entry, lease.ip, lease.mac);
    await this.verifiedAt(entry.hostname, lease.ip, lease.mac);
    this.logger.info({ event: Events.provisionDone, ...fields, ...factsFields(reported), result: 'provisioned', lines: push.lines.length }, `provisioned as ${entry.hostname}, saved, verified with site credentials`);
    const checkedAt = this.deps.now();
    await this.record(fields, 'provision', Events.provisionDone, 'provisioned', { checkedAt, ...withFacts, ...(os.firmware === undefined ? {} : { firmware: os.firmware }) });
    await this.record(factoryFields, 'provision', Events.provisionDone, 'provisioned', { message: `became ${entry.hostname}`, ...withFacts });
    return 'provisioned';
  }

  /**
   * The OS upgrade failed or could not begin: the switch is not provisioned
   * but parked, as a switch onramp cannot make what its site says; one that
   * did not come back is recorded, and parked when it is next seen.
   */
  private async parkAfterUpgrade(
    job: FactoryJob, entry: PortmapEntry | SiteDevice, facts: DeviceFacts, os: Pick<Extract<FirmwareResult, { kind: 'failed' }>, 'message' | 'at' | 'firmware'>, profile: Profile,
  ): Promise<Outcome> {
    if (os.at === undefined) {
      const firmware = os.firmware === undefined ? {} : { firmware: os.firmware };
      await this.record(job.fields, 'provision', Events.firmwareUpgradeFailed, 'failed', { message: `${os.message}; it is parked when it is next seen`, ...firmware });
      return 'failed';
    }
    // A fresh session: the one the upgrade used may have been ended by the switch.
    await job.sessions.session(profile, { ip: os.at });
    return this.parking.park({
      site: job.site, lease: { ...job.lease, ip: os.at }, sessions: job.sessions, deadline: job.deadline, fields: { ...job.fields, ip: os.at }, fallback: job.fallback,
      reason: 'firmware', candidates: [entry.hostname], observed: {}, facts, note: os.message,
    });
  }
}

/** The facts as log fields: `serial`, `model`, `version` of what the switch reported. */
function factsFields(facts: DeviceFacts): Record<string, string> {
  const fields: Record<string, string> = {};
  if (facts.serial !== undefined) fields.serial = facts.serial;
  if (facts.model !== undefined) fields.reportedModel = facts.model;
  if (facts.version !== undefined) fields.version = facts.version;
  return fields;
}
