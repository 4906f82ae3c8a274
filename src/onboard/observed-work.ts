import { performance } from 'node:perf_hooks';
import type { DeviceRef, Inventory, Site } from '../inventory/index.js';
import { FactoryWork } from './factory-work.js';
import type { FactoryLease } from './identity.js';
import { factoryKey, type Outcome, type WorkDeps } from './job-base.js';
import { DeviceWork, type CheckOutcome, type ProvisionOutcome } from './work.js';

/** What device work is: a drift check (remediation included), a provisioning (by name or of a factory switch), a backup. */
export type JobKind = 'check' | 'provision' | 'backup';

/** One piece of device work as it ended. */
export interface JobReport {
  kind: JobKind;
  site: string;
  /** The device's name; a factory switch is `Switch <mac>` until it is provisioned. */
  device: string;
  result: Outcome;
  seconds: number;
}

/**
 * Told when device work starts and ends, whoever asked for it (a lease, a
 * rule, the CLI or the console), at whatever log level: metrics count work
 * here rather than from log lines, which carry no job kind and which a
 * quieter log level would hide.
 */
export interface JobObserver {
  started(kind: JobKind, site: string, device: string): void;
  ended(report: JobReport): void;
}

interface Job<T> {
  kind: JobKind;
  site: string;
  device: string;
  run: () => Promise<T>;
  resultOf: (value: T) => Outcome;
}

async function observed<T>(observer: JobObserver, job: Job<T>): Promise<T> {
  const { kind, site, device } = job;
  const started = performance.now();
  observer.started(kind, site, device);
  let result: Outcome = 'failed';
  try {
    const value = await job.run();
    result = job.resultOf(value);
    return value;
  } finally {
    observer.ended({ kind, site, device, result, seconds: (performance.now() - started) / 1000 });
  }
}

/** DeviceWork whose every check, provisioning and backup is reported to an observer. */
export class ObservedWork extends DeviceWork {
  private readonly inventory: Inventory;

  constructor(deps: WorkDeps, private readonly observer: JobObserver) {
    super(deps);
    this.inventory = deps.inventory;
  }

  override check(ref: DeviceRef, options: Parameters<DeviceWork['check']>[1] = {}): Promise<CheckOutcome> {
    return observed(this.observer, { kind: 'check', site: ref.site.name, device: ref.device.hostname, run: () => super.check(ref, options), resultOf: (outcome) => outcome.result });
  }

  override backup(ref: DeviceRef, options: Parameters<DeviceWork['backup']>[1] = {}): Promise<Outcome> {
    return observed(this.observer, { kind: 'backup', site: ref.site.name, device: ref.device.hostname, run: () => super.backup(ref, options), resultOf: (outcome) => outcome });
  }

  override provisionAs(ip: string, name: string, options: Parameters<DeviceWork['provisionAs']>[2] = {}): Promise<ProvisionOutcome> {
    // An unknown name is reported by the work itself, under no site.
    const site = (this.inventory.findDevice(name)?.site ?? this.inventory.findPortmapEntry(name)?.site)?.name ?? '';
    return observed(this.observer, { kind: 'provision', site, device: name, run: () => super.provisionAs(ip, name, options), resultOf: (outcome) => outcome.result });
  }
}

/** FactoryWork whose every provisioning is reported to an observer. */
export class ObservedFactoryWork extends FactoryWork {
  constructor(deps: WorkDeps, private readonly observer: JobObserver) {
    super(deps);
  }

  override provisionFactory(site: Site, lease: FactoryLease, options: Parameters<FactoryWork['provisionFactory']>[2] = {}): Promise<Outcome> {
    return observed(this.observer, {
      kind: 'provision', site: site.name, device: factoryKey(lease.mac), run: () => super.provisionFactory(site, lease, options), resultOf: (outcome) => outcome,
    });
  }

  override provisionAssigned(...args: Parameters<FactoryWork['provisionAssigned']>): Promise<Outcome> {
    const [site, assignment] = args;
    return observed(this.observer, {
      kind: 'provision', site: site.name, device: factoryKey(assignment.mac), run: () => super.provisionAssigned(...args), resultOf: (outcome) => outcome,
    });
  }
}
