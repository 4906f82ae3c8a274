import { HostKeyStore } from '../device/index.js';
import { acceptHostKey, exitCodeOf, type DeviceStatus, type Onboarder, type PlanAnswer } from '../onboard/index.js';
import { Events } from '../log/index.js';
import type { SharedStore } from '../state/index.js';
import type { Site } from '../inventory/index.js';
import { HttpProblem } from './problem.js';

/** How an action from the console ended: the CLI's exit code, and the device's status after it. */
export interface ActionOutcome {
  exitCode: number;
  /** The status record's result after the action (ok, drift, failed …); absent when none was written. */
  result?: string;
  message: string;
  /** A remediation plan: the lines it would type, secrets masked. */
  lines?: string[];
  /** With those lines: the digest that confirms them (what remediate takes). */
  planDigest?: string;
  /** A remediation confirmed on another plan than the plan now: nothing was sent; `lines` and `planDigest` are the plan now. */
  changed?: boolean;
}

/** An action the console cannot take: why, and the HTTP status that says so. */
export class ActionRefused extends HttpProblem {
  declare readonly statusCode: 400 | 403 | 404 | 409;
}

export type ActionKind = 'check' | 'plan' | 'remediate' | 'backup' | 'accept-hostkey';

/**
 * The operator's actions. Each is what the CLI command does, through the
 * same onboarder functions, so the per-device lock, the guard rails and the
 * host-key checks apply exactly as for `onramp check`, `onramp backup` and
 * `onramp hostkeys accept`.
 */
export interface ConsoleActions {
  /** Undefined when actions can be taken; else why not (a read-only console). */
  readonly unavailable: string | undefined;
  check(host: string): Promise<ActionOutcome>;
  /** The remediation's lines for the device as it is now, sent nowhere, and the digest that confirms them. */
  plan(host: string): Promise<ActionOutcome>;
  /** Pushes the plan of `planDigest` (plan's), made again under the device's lock; any other plan is answered, not sent. */
  remediate(host: string, planDigest: string): Promise<ActionOutcome>;
  backup(host: string): Promise<ActionOutcome>;
  acceptHostKey(host: string, fingerprint: string): Promise<ActionOutcome>;
}

/** A console serving a state directory: nothing is run from here. */
export function readOnlyActions(reason: string): ConsoleActions {
  const refuse = (): Promise<ActionOutcome> => Promise.reject(new ActionRefused(409, reason));
  return { unavailable: reason, check: refuse, plan: refuse, remediate: refuse, backup: refuse, acceptHostKey: refuse };
}

/** The running appliance's onboarder does the work; its status book says how it ended. */
export function applianceActions(onboarder: () => Onboarder | undefined, store: SharedStore, sitesDir: string): ConsoleActions {
  const using = (): Onboarder => {
    const current = onboarder();
    if (current === undefined) throw new ActionRefused(409, 'the rules loaded use no native action (onboard, check, provision, backup): onramp works on no device');
    return current;
  };
  const known = (sites: readonly Site[], host: string): void => {
    const names = sites.flatMap((site) => [...site.devices.map((device) => device.hostname), ...site.portmap.map((entry) => entry.hostname)]);
    if (!names.some((name) => name.toLowerCase() === host.toLowerCase())) throw new ActionRefused(404, `${host} is not a device of any site`);
  };
  const outcome = (work: Onboarder, host: string, exitCode: number): ActionOutcome => {
    const status: DeviceStatus | undefined = work.status.get(host);
    return {
      exitCode,
      ...(status === undefined ? {} : { result: status.result }),
      message: status === undefined ? `exit ${String(exitCode)}` : describe(status),
    };
  };
  const planOutcome = (work: Onboarder, host: string, plan: PlanAnswer): ActionOutcome => ({
    ...outcome(work, host, plan.exitCode), lines: plan.lines,
    ...(plan.digest === undefined ? {} : { planDigest: plan.digest }), ...(plan.changed === true ? { changed: true } : {}),
  });
  const onDevice = async (host: string, run: (work: Onboarder) => Promise<ActionOutcome>): Promise<ActionOutcome> => {
    const work = using();
    known(work.sites, host);
    return run(work);
  };
  return {
    unavailable: undefined,
    check: (host) => onDevice(host, async (work) => outcome(work, host, await work.checkHost(host))),
    plan: (host) => onDevice(host, async (work) => planOutcome(work, host, await work.planHost(host))),
    remediate: (host, planDigest) => onDevice(host, async (work) => {
      const plan = await work.remediateConfirmed(host, planDigest);
      return plan.changed === true ? planOutcome(work, host, plan) : outcome(work, host, plan.exitCode);
    }),
    backup: (host) => onDevice(host, async (work) => outcome(work, host, await work.backupHost(host))),
    acceptHostKey: (host, fingerprint) => onDevice(host, async (work) => {
      const names = work.sites.flatMap((site) => [...site.devices.map((device) => device.hostname), ...site.portmap.map((entry) => entry.hostname)]);
      const accepted = await acceptHostKey(new HostKeyStore(store, sitesDir), host, fingerprint, () => Promise.resolve(names));
      if ('error' in accepted) throw new ActionRefused(409, accepted.error);
      return { exitCode: exitCodeOf('ok'), message: accepted.message };
    }),
  };
}

/** The device's last outcome in a sentence, as the result page and the API say it. */
function describe(status: DeviceStatus): string {
  const counts = status.diff === undefined ? '' : ` (+${String(status.diff.added)} -${String(status.diff.removed)})`;
  switch (status.result) {
    case 'ok':
      return status.action === 'backup' ? `backed up: ${status.message ?? 'saved'}` : 'Configuration OK';
    case 'drift':
      return status.lastEvent === Events.planChanged ? status.message ?? 'the plan changed: nothing sent' : `configuration drift${counts}`;
    case 'remediated':
      return `drift remediated${counts}, saved and verified`;
    case 'provisioned':
      return 'provisioned, saved and verified';
    default:
      return `${status.result}: ${status.message ?? status.lastEvent}`;
  }
}
