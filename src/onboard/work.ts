import { performance } from 'node:perf_hooks';
import type { ConfigDiff } from '../config/index.js';
import { getProfile } from '../device/index.js';
import type { Credentials, DeviceRef } from '../inventory/index.js';
import { Events, type EventName } from '../log/index.js';
import { checkCompliance, displayLines, dryRunLines, guardedPlan, logRefusals, planDigest, provisionDevice } from '../provision/index.js';
import type { BackupTrigger } from '../backups/index.js';
import { firmwareCompliance } from './firmware-compliance.js';
import { guardFor } from './guard.js';
import { JobBase, refusalMessage, refusedOutcome, type Fields, type Outcome } from './job-base.js';
import { deviceIdentity, targetFor, withSession } from './session.js';
import type { Action, DeviceStatus } from './status.js';

export interface CheckOutcome {
  result: Outcome;
  diff?: ConfigDiff;
  /** With `dryRun`, or a confirmed plan that is not the plan now: the lines a remediation would type, secrets masked. */
  lines?: string[];
  /** With those lines: their plan's digest (planDigest), which confirms them. */
  digest?: string;
  /** A confirmed plan was not the plan now: nothing was sent, and `lines` are the plan now. */
  changed?: boolean;
}

export interface ProvisionOutcome {
  result: Outcome;
  /** The lines pushed, or with dry-run the lines that would be (secrets masked). */
  lines: string[];
}

/**
 * The work on known devices: drift check (and remediation), backups, and
 * `provision IP NAME`. Every path ends in one logged event with a result and
 * one status record; errors do not escape.
 */
export class DeviceWork extends JobBase {
  /**
   * Fetch, normalise, diff against the baseline; remediate when asked or when
   * the site says so, or with `dryRun` only plan it. `confirmed`: the digest
   * of the plan a person confirmed (a dry run's); the remediation then sends
   * only that plan, made again from the config fetched in this job, under
   * its lock.
   */
  async check(ref: DeviceRef, options: { ip?: string; mac?: string; remediate?: boolean; dryRun?: boolean; confirmed?: string } = {}): Promise<CheckOutcome> {
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
        const fetchStarted = performance.now();
        const running = await session.runningConfig();
        const runningFetchMs = performance.now() - fetchStarted;
        await this.verifiedAt(device.hostname, host, options.mac);
        const firmware = await firmwareCompliance(session, site, device.model, profile, this.logger, fields);
        const os = firmware === undefined ? {} : { firmware };
        const { diff, features } = checkCompliance(intended, running, profile, device.hostname, site.compliance);
        const checkedAt = this.deps.now();
        const summary = { added: diff.added, removed: diff.removed };
        if (diff.equal) {
          this.logger.info({ event: Events.checkOk, ...fields, result: 'ok', features }, 'Configuration OK');
          await this.record(fields, 'check', Events.checkOk, 'ok', { checkedAt, features, ...os });
          return { result: 'ok' };
        }
        const drifted = features.filter((feature) => !feature.compliant).map((feature) => feature.name);
        this.logger.warn(
          { event: Events.checkDrift, ...fields, result: 'drift', diff: diff.unified, ...summary, features },
          `configuration drift in ${drifted.join(', ')}: +${diff.added} -${diff.removed}\n${diff.unified}`,
        );
        const remediate = options.remediate ?? site.policy.onDrift === 'remediate';
        if (!remediate) {
          await this.record(fields, 'check', Events.checkDrift, 'drift', { checkedAt, diff: summary, features, ...os });
          return { result: 'drift', diff };
        }
        const guard = guardFor(site, host, 'remediate');
        if (options.dryRun === true) {
          // What the push would do, refusal included: a dry run that hid it would promise a push that never happens.
          const preview = guardedPlan(intended, running, profile, device.hostname, guard, site.compliance);
          if (preview.refusals.length > 0) logRefusals(this.logger, { ...fields, dryRun: true }, preview.refusals, profile);
          await this.record(fields, 'check', Events.checkDrift, 'drift', { checkedAt, diff: summary, features });
          return { result: 'drift', diff, lines: displayLines(preview.plan.lines, profile), digest: planDigest(preview.plan.lines, running, profile, site.compliance) };
        }
        phase = { action: 'remediate', failEvent: Events.provisionFailed };
        deadline.beginPush();
        const push = await provisionDevice({
          session, intended, profile, logger: this.logger, fields, running, runningFetchMs, announce: false, onFailure: site.policy.onFailure,
          guard, scope: site.compliance, ...this.stopBudget(site), ...(options.confirmed === undefined ? {} : { confirmed: options.confirmed }),
          backup: async (text, rollback) => {
            await this.saveBackup(site, device.hostname, text, profile, fields, { kind: 'remediation', afterLease: options.mac !== undefined }, rollback);
          },
        });
        if (!push.ok && push.reason === 'stopped') return { result: await this.stoppedPush(push, fields, 'remediate'), diff };
        if (!push.ok && push.reason === 'changed') {
          const lines = displayLines(push.lines, profile);
          const message = `the plan is not the one confirmed (the switch's config changed since it was shown): nothing sent; the plan now has ${String(lines.length)} line(s), to be confirmed`;
          this.logger.warn({ event: Events.planChanged, ...fields, result: 'drift', commands: lines, sent: 0 }, message);
          await this.record(fields, 'remediate', Events.planChanged, 'drift', { checkedAt, diff: summary, features, message });
          return { result: 'drift', diff, lines, digest: push.digest, changed: true };
        }
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
        return this.saveBackup(site, device.hostname, running, profile, fields, options.trigger ?? { kind: 'event' });
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
        return provisionDevice({
          session, intended, profile, logger: this.logger, fields, onFailure: site.policy.onFailure, guard: guardFor(site, ip, 'provision'), ...this.stopBudget(site),
        });
      });
      if (!push.ok && push.reason === 'stopped') return { result: await this.stoppedPush(push, fields, 'provision'), lines: [] };
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

}
