export type SubmitResult = 'queued' | 'merged';

interface Job {
  key: string;
  site: string;
  siteLimit: number;
  run: () => Promise<void>;
}

/**
 * Runs device jobs with a global limit, a per-site limit, and at most one job
 * per device key: a job submitted while one for the same key is queued or
 * running is merged into it (the running job already does that work).
 */
export class JobScheduler {
  private readonly pending: Job[] = [];
  private readonly busyKeys = new Set<string>();
  private readonly runningPerSite = new Map<string, number>();
  private running = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly globalLimit: number, private readonly onError: (err: unknown, key: string) => void) {
    if (!Number.isInteger(globalLimit) || globalLimit < 1) throw new RangeError(`concurrency must be a positive integer, got ${globalLimit}`);
  }

  submit(key: string, site: string, siteLimit: number, run: () => Promise<void>): SubmitResult {
    if (this.busyKeys.has(key)) return 'merged';
    this.busyKeys.add(key);
    this.pending.push({ key, site, siteLimit, run });
    this.pump();
    return 'queued';
  }

  /** True while a job for `key` is queued or running. */
  busy(key: string): boolean {
    return this.busyKeys.has(key);
  }

  get active(): number {
    return this.running;
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.running === 0 && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    for (let index = 0; index < this.pending.length && this.running < this.globalLimit; ) {
      const job = this.pending[index];
      if (job === undefined) break;
      const siteRunning = this.runningPerSite.get(job.site) ?? 0;
      if (siteRunning >= job.siteLimit) {
        index++;
        continue;
      }
      this.pending.splice(index, 1);
      this.start(job);
    }
  }

  private start(job: Job): void {
    this.running++;
    this.runningPerSite.set(job.site, (this.runningPerSite.get(job.site) ?? 0) + 1);
    const finish = (): void => {
      this.running--;
      this.runningPerSite.set(job.site, (this.runningPerSite.get(job.site) ?? 1) - 1);
      this.busyKeys.delete(job.key);
      this.pump();
      if (this.running === 0 && this.pending.length === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    };
    // Deferred so that submit() never runs device work synchronously inside the engine's matching.
    void Promise.resolve()
      .then(job.run)
      .catch((err: unknown) => { this.onError(err, job.key); })
      .finally(finish);
  }
}
