import { Counter, Histogram, type Registry } from 'prom-client';
import type { JobKind, JobObserver, JobReport } from '../onboard/observed-work.js';

export const JOB_KINDS: readonly JobKind[] = ['check', 'provision', 'backup'];
// A check is one session and a fetch; a provisioning adds the push, the save and a second session to verify.
const CHECK_BUCKETS = [0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const PROVISION_BUCKETS = [1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200];

/**
 * Device work as the onboarder reports it: jobs by kind and result, how
 * long checks and provisionings take, and what runs now (by kind, and
 * which device, for the device state).
 */
export class JobStats implements JobObserver {
  private readonly total: Counter<'kind' | 'result'>;
  private readonly checkSeconds: Histogram<'site' | 'result'>;
  private readonly provisionSeconds: Histogram<'site' | 'result'>;
  /** Running jobs per lower-case device name and kind: a count, as a follow-up may overlap its predecessor's report. */
  private readonly runningByDevice = new Map<string, Map<JobKind, number>>();
  private readonly runningByKind = new Map<JobKind, number>();

  constructor(registry: Registry) {
    this.total = new Counter({
      name: 'onramp_jobs_total',
      help: 'Device jobs ended, by kind (check, provision, backup) and result (ok, drift, remediated, provisioned, failed, unreachable, skipped, bad-input, deferred).',
      labelNames: ['kind', 'result'],
      registers: [registry],
    });
    this.checkSeconds = new Histogram({
      name: 'onramp_check_duration_seconds',
      help: 'How long a drift check took, remediation included, by site and result.',
      labelNames: ['site', 'result'],
      buckets: CHECK_BUCKETS,
      registers: [registry],
    });
    this.provisionSeconds = new Histogram({
      name: 'onramp_provision_duration_seconds',
      help: 'How long a provisioning took (identification, push, save and verification), by site and result.',
      labelNames: ['site', 'result'],
      buckets: PROVISION_BUCKETS,
      registers: [registry],
    });
  }

  started(kind: JobKind, _site: string, device: string): void {
    this.runningByKind.set(kind, (this.runningByKind.get(kind) ?? 0) + 1);
    const key = device.toLowerCase();
    const kinds = this.runningByDevice.get(key) ?? new Map<JobKind, number>();
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    this.runningByDevice.set(key, kinds);
  }

  ended(report: JobReport): void {
    const { kind, site, device, result, seconds } = report;
    this.runningByKind.set(kind, Math.max(0, (this.runningByKind.get(kind) ?? 0) - 1));
    const key = device.toLowerCase();
    const kinds = this.runningByDevice.get(key);
    const left = (kinds?.get(kind) ?? 0) - 1;
    if (left > 0) kinds?.set(kind, left);
    else kinds?.delete(kind);
    if (kinds?.size === 0) this.runningByDevice.delete(key);
    this.total.inc({ kind, result });
    if (kind === 'check') this.checkSeconds.observe({ site, result }, seconds);
    if (kind === 'provision') this.provisionSeconds.observe({ site, result }, seconds);
  }

  /** How many jobs of `kind` run now. */
  runningOf(kind: JobKind): number {
    return this.runningByKind.get(kind) ?? 0;
  }

  /** True while a job of `kind` runs for the device. */
  running(device: string, kind: JobKind): boolean {
    return this.runningByDevice.get(device.toLowerCase())?.has(kind) === true;
  }
}
