import { getProfile, isDeviceError, type Profile } from '../device/index.js';
import type { PortmapEntry, Site } from '../inventory/index.js';
import { Events } from '../log/index.js';
import { compareConfigs, provisionDevice } from '../provision/index.js';
import { JobTimeoutError, type JobDeadline } from './deadline.js';
import { FirmwareStage, type FirmwareResult } from './firmware-stage.js';
import { guardFor } from './guard.js';
import { identify, type FactoryLease, type IdentityProbe } from './identity.js';
import { factoryKey, JobBase, refusalMessage, refusedOutcome, SETTLED, type Fields, type Outcome, type WorkDeps } from './job-base.js';
import { deviceIdentity, targetFor, withSession, type SessionLike } from './session.js';
import type { DeviceStatus } from './status.js';

/**
 * The work on factory switches: identity from the port map, then
 * provisioning with the factory login, verified with the site's. Every path
 * ends in one logged event with a result and one status record; errors do
 * not escape.
 */
export class FactoryWork extends JobBase {
  private readonly firmware: FirmwareStage;

  constructor(deps: WorkDeps) {
    super(deps);
    this.firmware = new FirmwareStage(deps.firmware, deps.logger, deps.now);
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
    // After an OS upgrade the session is a new one, and the switch may be back at another address.
    const factorySession = async (profile: Profile, after?: { ip: string }): Promise<SessionLike> => {
      if (options.dryRun === true) throw new Error('dry run: not connecting');
      const ip = after?.ip ?? lease.ip;
      if (after === undefined && open?.profile.name === profile.name) return open.session;
      await closeOpen();
      const session = await deadline.connector.open(targetFor(site, ip, this.factoryCredentials(site), profile, { kind: 'factory', mac: lease.mac }));
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
    site: Site, entry: PortmapEntry, factoryLease: FactoryLease, factorySession: (profile: Profile, after?: { ip: string }) => Promise<SessionLike>, deadline: JobDeadline,
    factoryFields: Fields,
  ): Promise<Outcome> {
    const profile = getProfile(entry.profile);
    const credentials = this.credentials(site);
    const intended = await this.intendedConfig(site, entry, credentials);
    // Its OS first: on another version than the site names for its model, it is upgraded and back before its config.
    const os = await this.firmware.run({
      site, entry, lease: factoryLease, session: await factorySession(profile), deadline, credentials: this.factoryCredentials(site), fields: factoryFields,
    });
    if (os.kind === 'failed') return this.firmwareFailed(factoryFields, os);
    const lease: FactoryLease = os.kind === 'upgraded' ? { ...factoryLease, ip: os.ip } : factoryLease;
    const fields: Fields = { device: entry.hostname, ip: lease.ip, site: site.name, mac: lease.mac };
    const session = os.kind === 'upgraded' ? await factorySession(profile, { ip: lease.ip }) : await factorySession(profile);
    deadline.beginPush();
    const push = await provisionDevice({
      session, intended, profile, logger: this.logger, fields, announce: false, onFailure: site.policy.onFailure, guard: guardFor(site, lease.ip, 'provision'),
      ...this.stopBudget(site),
    });
    if (!push.ok && push.reason === 'stopped') return this.stoppedPush(push, factoryFields, 'provision');
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
    await this.record(fields, 'provision', Events.provisionDone, 'provisioned', { checkedAt, ...(os.firmware === undefined ? {} : { firmware: os.firmware }) });
    await this.record(factoryFields, 'provision', Events.provisionDone, 'provisioned', { message: `became ${entry.hostname}` });
    return 'provisioned';
  }

  /** The OS upgrade failed or could not begin: reported, and the switch is not provisioned. */
  private async firmwareFailed(fields: Fields, os: Extract<FirmwareResult, { kind: 'failed' }>): Promise<Outcome> {
    await this.record(fields, 'provision', Events.firmwareUpgradeFailed, 'failed', { message: os.message, firmware: os.firmware });
    return 'failed';
  }
}
