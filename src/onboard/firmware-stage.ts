import { setTimeout as delay } from 'node:timers/promises';
import { getProfile, isDeviceError, readFacts, type Profile } from '../device/index.js';
import { ImageCheckError, runUpgradeSteps, stepValues, UpgradeStepError, type ImageChecker, type ImageServer, type StepValues } from '../firmware/index.js';
import type { Credentials, FirmwareTarget, PortmapEntry, Site } from '../inventory/index.js';
import { Events, type Logger } from '../log/index.js';
import { JobStoppedError, JobTimeoutError, type JobDeadline } from './deadline.js';
import type { FactoryLease } from './identity.js';
import type { Fields } from './job-base.js';
import type { ReturnWatch } from './return-watch.js';
import { targetFor, type SessionLike } from './session.js';
import type { FirmwareStatus } from './status.js';

/** What the firmware stage needs beyond a job's own: the image check, the image server, and who hears leases. */
export interface FirmwareDeps {
  checker: ImageChecker;
  /** Serves the sites' image files; absent when onramp runs without `--firmware-http`. */
  server?: ImageServer;
  returns: ReturnWatch;
  /** `--firmware-timeout`: how long a reloaded switch has to come back, for every site. */
  returnTimeoutMs?: number;
}

/** What the stage takes from the job's world: its log and clock, and the signal of a stop. */
export interface StageContext {
  logger: Logger;
  now: () => number;
  stopping?: AbortSignal;
}

export type FirmwareResult =
  /** No version named for the model, or the switch runs it already. */
  | { kind: 'current'; firmware?: FirmwareStatus }
  /** Upgraded, back at `ip`, the same switch on the site's version; every session the upgrade opened is closed. */
  | { kind: 'upgraded'; ip: string; firmware: FirmwareStatus }
  /** Reported, not to be provisioned; `at`: where it answers now (to be parked), absent when it did not come back. */
  | { kind: 'failed'; message: string; firmware?: FirmwareStatus; at?: string };

/** The site's firmware for a model, if it names one. */
export function firmwareFor(site: Site, model: string): FirmwareTarget | undefined {
  const key = model.toLowerCase();
  return site.firmware.find((target) => target.model.toLowerCase() === key);
}

/** Versions as switches print them and sites write them: case and runs of blanks do not matter. */
export function sameVersion(a: string, b: string): boolean {
  const norm = (text: string): string => text.trim().replace(/\s+/g, ' ').toLowerCase();
  return norm(a) === norm(b);
}

/** The first probe after a reload waits this long: the switch is still going down. */
const FIRST_PROBE_MS = 1000;
const MAX_PROBE_GAP_MS = 5000;

export interface FirmwareInput {
  site: Site;
  /** What it is to become: a port map entry, or a device a parked switch was assigned to replace. */
  entry: Pick<PortmapEntry, 'model' | 'profile'>;
  lease: FactoryLease;
  /** The factory session, open with the entry's profile; closed by the reload when the switch is upgraded. */
  session: SessionLike;
  deadline: JobDeadline;
  credentials: Credentials;
  fields: Fields;
}

/**
 * A factory switch's OS, before its config: when the site names a version
 * for the switch's model and the switch runs another, the image is checked
 * by onramp, the profile's steps fetch, verify, select and reload it, and
 * onramp waits (bounded) for the switch to come back, by its next DHCPACK or
 * SSH answering. Back, it must show the host key pinned for its factory MAC
 * and the site's version before it is provisioned.
 */
export class FirmwareStage {
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly stopping: AbortSignal | undefined;

  constructor(private readonly deps: FirmwareDeps, context: StageContext) {
    this.logger = context.logger;
    this.now = context.now;
    this.stopping = context.stopping;
  }

  async run(input: FirmwareInput): Promise<FirmwareResult> {
    const { site, entry, session, fields } = input;
    const target = firmwareFor(site, entry.model);
    if (target === undefined) return { kind: 'current' };
    const profile = getProfile(entry.profile);
    const running = (await readFacts(session, profile)).version;
    const status = (version: string | undefined, compliant: boolean, from?: string): FirmwareStatus => ({
      ...(version === undefined ? {} : { running: version }), wanted: target.version, compliant, ...(from === undefined ? {} : { upgradedFrom: from }),
    });
    if (running !== undefined && sameVersion(running, target.version)) {
      this.logger.info({ event: Events.firmwareCompliance, ...fields, result: 'ok', version: running }, `runs ${running}, the version the site names for ${target.model}`);
      return { kind: 'current', firmware: status(running, true) };
    }
    const fail = (message: string, extra: Record<string, unknown> = {}, after: { firmware?: FirmwareStatus; at?: string | null } = {}): FirmwareResult => {
      this.logger.error({ event: Events.firmwareUpgradeFailed, ...fields, result: 'failed', from: running, to: target.version, ...extra }, `OS upgrade to ${target.version} failed: ${message}`);
      const at = after.at === undefined ? input.lease.ip : after.at;
      return { kind: 'failed', message: `OS upgrade to ${target.version} failed: ${message}`, firmware: after.firmware ?? status(running, false), ...(at === null ? {} : { at }) };
    };
    if (running === undefined) return fail('the switch\'s OS version could not be read from show version; nothing installed');
    this.logger.info(
      { event: Events.firmwareUpgradeStarted, ...fields, from: running, to: target.version, overridden: target.overridden },
      `runs ${running}, the site names ${target.version} for ${target.model}: upgrading before its config`,
    );
    const started = this.now();
    let url: string;
    let values: StepValues;
    try {
      const digest = await this.deps.checker.check(target);
      const served = target.image.kind === 'url' ? target.image.url : this.deps.server?.urlOf(site.name, target);
      if (served === undefined) return fail(`${target.image.kind === 'file' ? target.image.path : 'the image'} is served by onramp, and onramp runs without --firmware-http ADDR:PORT; nothing installed`);
      url = served;
      values = stepValues(url, target, digest);
    } catch (err) {
      if (err instanceof ImageCheckError || err instanceof UpgradeStepError) return fail(err.message, { reason: err instanceof ImageCheckError ? err.reason : 'image-url' });
      throw err;
    }
    input.deadline.beginPush();
    input.deadline.extend(this.budget(target));
    const back = this.deps.returns.expect(input.lease.mac);
    try {
      await runUpgradeSteps(session, target.steps, values, (step) => {
        this.logger.debug({ ...fields, step, url }, `OS upgrade: ${step}`);
      });
    } catch (err) {
      back.cancel();
      if (err instanceof UpgradeStepError) {
        return fail(`${err.message}${err.bootChanged ? ' (the next boot already names the new image)' : '; nothing booted'}`, { step: err.step });
      }
      if (err instanceof JobTimeoutError || err instanceof JobStoppedError || !isDeviceError(err)) throw err;
      return fail(`${err.message}; nothing booted`, { kind: err.kind });
    }
    await session.close();
    const timeoutMs = this.deps.returnTimeoutMs ?? target.returnTimeoutMs;
    let returned: { ip: string; session: SessionLike };
    try {
      returned = await this.awaitReturn(input, profile, back.lease, timeoutMs);
    } catch (err) {
      if (err instanceof ReturnTimeoutError) return fail(err.message, { reason: 'no-return', timeoutMs }, { at: null });
      if (isDeviceError(err, 'hostkey-changed')) fail('after its reload the switch showed another host key than the one pinned for its MAC');
      throw err;
    } finally {
      back.cancel();
    }
    let version: string | undefined;
    try {
      version = (await readFacts(returned.session, profile)).version;
    } finally {
      await returned.session.close();
    }
    if (version === undefined || !sameVersion(version, target.version)) {
      return fail(`the switch came back on ${version ?? 'a version show version does not tell'}, not ${target.version}`, { version, ip: returned.ip }, { firmware: status(version, false, running), at: returned.ip });
    }
    this.logger.info(
      { event: Events.firmwareUpgradeDone, ...fields, ip: returned.ip, result: 'ok', from: running, to: version, seconds: Math.round((this.now() - started) / 1000) },
      `upgraded from ${running} to ${version}; back at ${returned.ip}, same host key`,
    );
    return { kind: 'upgraded', ip: returned.ip, firmware: status(version, true, running) };
  }

  /** What the upgrade may add to the job's time: each step's silence allowance and the wait for the switch. */
  private budget(target: FirmwareTarget): number {
    const steps = [target.steps.fetch, target.steps.verify, target.steps.boot, target.steps.reload];
    return steps.reduce((sum, step) => sum + (step?.timeoutMs ?? 0), 0) + (this.deps.returnTimeoutMs ?? target.returnTimeoutMs);
  }

  /**
   * Probes SSH, more and more rarely, at the address the switch had, or
   * at once where its next DHCPACK puts it. The host key must be the one
   * pinned for its factory MAC (the connector refuses any other).
   */
  private async awaitReturn(input: FirmwareInput, profile: Profile, lease: Promise<string>, timeoutMs: number): Promise<{ ip: string; session: SessionLike }> {
    const { site, deadline, credentials } = input;
    const until = this.now() + timeoutMs;
    let ip = input.lease.ip;
    // Until the lease comes, it ends a pause between probes; after, it is no reason to wake.
    const wake: { lease: Promise<void> | undefined } = {
      lease: lease.then((address) => {
        ip = address;
        this.logger.info({ ...input.fields, ip: address }, `DHCPACK: the switch is back at ${address}`);
      }),
    };
    let gap = FIRST_PROBE_MS;
    let lastError = 'no answer';
    for (;;) {
      const wait = Math.min(gap, until - this.now());
      if (wait > 0) {
        const pause = new AbortController();
        const waking: Promise<unknown>[] = [delay(wait, undefined, { signal: AbortSignal.any([pause.signal, ...(this.stopping === undefined ? [] : [this.stopping])]) }).catch(() => undefined)];
        if (wake.lease !== undefined) waking.push(wake.lease.then(() => { wake.lease = undefined; }));
        await Promise.race(waking);
        pause.abort();
      }
      if (this.stopping?.aborted === true) {
        // Its job is put off: at the next start, or at its next lease, the switch is taken as it then is.
        this.logger.info({ ...input.fields }, 'onramp is stopping while the switch reloads into its new OS: no longer waited for');
        throw new JobStoppedError();
      }
      const left = until - this.now();
      if (left <= 0) throw new ReturnTimeoutError(timeoutMs, lastError);
      try {
        const target = { ...targetFor(site, ip, credentials, profile, { kind: 'factory', mac: input.lease.mac }), retries: 0, timeoutMs: Math.max(1000, Math.min(site.ssh.timeoutMs, left)) };
        return { ip, session: await deadline.connector.open(target) };
      } catch (err) {
        if (!isDeviceError(err) || err.kind === 'hostkey-changed' || err.kind === 'auth') throw err;
        lastError = err.message;
      }
      gap = Math.min(gap * 2, MAX_PROBE_GAP_MS);
    }
  }
}

/** The switch did not answer SSH (nor take a lease it could be reached at) in time after its reload. */
class ReturnTimeoutError extends Error {
  constructor(timeoutMs: number, lastError: string) {
    super(`the switch did not come back within ${Math.round(timeoutMs / 1000)} s of its reload (last try: ${lastError})`);
    this.name = 'ReturnTimeoutError';
  }
}
