import { performance } from 'node:perf_hooks';
import { NotRestorableError, restorableText } from '../backups/index.js';
import { getProfile } from '../device/index.js';
import type { DeviceRef } from '../inventory/index.js';
import { Events } from '../log/index.js';
import { displayLines, guardedPlan, logRefusals, provisionDevice } from '../provision/index.js';
import { guardFor } from './guard.js';
import { JobBase, refusalMessage, refusedOutcome, type Fields, type Outcome } from './job-base.js';
import { deviceIdentity, targetFor, withSession } from './session.js';

export interface RestoreOutcome {
  result: Outcome;
  /** The lines typed (or, dry, that would be), secrets masked. */
  lines: string[];
  /** What happened, or why nothing was done, in words for the operator. */
  message?: string;
}

/**
 * `onramp restore HOST --version V`: the version's unmasked config pushed
 * back as the intended config, whole (no compliance scope: everything the
 * version held comes back), through the same planner, guard rails,
 * rollback and verification as a remediation, under the device's lock and
 * after its identity and host key are verified. The config it replaces is
 * saved first, so a restore can itself be undone.
 */
export class RestoreWork extends JobBase {
  async restore(ref: DeviceRef, version: string, options: { ip?: string; dryRun?: boolean } = {}): Promise<RestoreOutcome> {
    const { site, device } = ref;
    const host = options.ip ?? await this.addressOf(device);
    const fields: Fields = { device: device.hostname, ip: host, site: site.name };
    let intended: string;
    try {
      intended = await restorableText(this.deps.backups, site, device.hostname, version);
    } catch (err) {
      // The request is what is wrong, not the device: no device event.
      if (!(err instanceof NotRestorableError)) throw err;
      return { result: 'bad-input', lines: [], message: err.message };
    }
    const deadline = this.startJob(site, `restore ${device.hostname}`);
    try {
      const profile = getProfile(device.profile);
      return await withSession(deadline.connector, targetFor(site, host, this.credentials(site), profile, deviceIdentity(device.hostname)), async (session) => {
        const fetchStarted = performance.now();
        const running = await session.runningConfig();
        const runningFetchMs = performance.now() - fetchStarted;
        await this.verifiedAt(device.hostname, host, undefined);
        const guard = guardFor(site, host, 'remediate');
        if (options.dryRun === true) {
          const preview = guardedPlan(intended, running, profile, device.hostname, guard);
          const lines = displayLines(preview.plan.lines, profile);
          if (preview.refusals.length === 0) return { result: 'skipped', lines };
          logRefusals(this.logger, { ...fields, dryRun: true }, preview.refusals, profile);
          return { result: refusedOutcome(preview.refusals), lines, message: refusalMessage(preview.refusals) };
        }
        deadline.beginPush();
        const push = await provisionDevice({
          session, intended, profile, logger: this.logger, fields, running, runningFetchMs, announce: false, onFailure: site.policy.onFailure,
          guard, ...this.stopBudget(site),
          backup: async (text, rollback) => { await this.saveBackup(site, device.hostname, text, profile, fields, { kind: 'restore', version }, rollback); },
        });
        if (!push.ok && push.reason === 'stopped') return { result: await this.stoppedPush(push, fields, 'restore'), lines: [] };
        const plan = this.planRecord(push, profile);
        if (!push.ok) {
          const why = push.reason === 'refused' ? refusalMessage(push.refusals)
            : push.reason === 'rejected' ? `rejected: ${push.command ?? ''}` : 'residual diff after push';
          const message = `restore of ${version}: ${why}`;
          await this.record(fields, 'restore', push.reason === 'refused' ? Events.planRefused : Events.provisionFailed, 'failed', { plan, message });
          return { result: push.reason === 'refused' ? refusedOutcome(push.refusals) : 'failed', lines: displayLines(push.lines, profile), message };
        }
        const message = `restored version ${version} with ${String(push.lines.length)} line(s), saved and verified`;
        this.logger.info({ event: Events.provisionDone, ...fields, result: 'restored', version, lines: push.lines.length }, message);
        await this.record(fields, 'restore', Events.provisionDone, 'restored', { checkedAt: this.deps.now(), plan, message });
        return { result: 'restored', lines: displayLines(push.lines, profile), message };
      });
    } catch (err) {
      return { result: await this.fail(err, fields, 'restore', Events.provisionFailed), lines: [] };
    } finally {
      deadline.end();
    }
  }
}
