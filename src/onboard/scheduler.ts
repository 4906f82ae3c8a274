export type SubmitResult = 'queued' | 'follow-up' | 'merged' | 'stopped';

interface Job<T> {
  key: string;
  site: string;
  siteLimit: number;
  run: () => Promise<void>;
  /** What the job is, for whoever must write down the jobs a stop left unstarted. */
  tag: T | undefined;
}

/**
 * Runs device jobs with a global limit, a per-site limit, and at most one job
 * per device key at a time. A job submitted while one for the same key is
 * queued or running is merged into it (the running job already does that
 * work), unless it is submitted as a follow-up: then it waits, and runs once
 * the current one has finished. A key has at most one follow-up; a second is
 * merged into it. Once stopped, nothing more starts.
 */
export class JobScheduler<T = undefined> {
  private readonly pending: Job<T>[] = [];
  private readonly busyKeys = new Set<string>();
  private readonly followUps = new Map<string, Job<T>>();
  private stopped = false;
  private readonly runningPerSite = new Map<string, number>();
  private running = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly globalLimit: number, private readonly onError: (err: unknown, key: string) => void) {
    if (!Number.isInteger(globalLimit) || globalLimit < 1) throw new RangeError(`concurrency must be a positive integer, got ${globalLimit}`);
  }

  submit(key: string, site: string, siteLimit: number, run: () => Promise<void>, options: { followUp?: boolean; tag?: T } = {}): SubmitResult {
    if (this.stopped) return 'stopped';
    const job: Job<T> = { key, site, siteLimit, run, tag: options.tag };
    if (this.busyKeys.has(key)) {
      if (options.followUp !== true || this.followUps.has(key)) return 'merged';
      this.followUps.set(key, job);
      return 'follow-up';
    }
    this.busyKeys.add(key);
    this.pending.push(job);
    this.pump();
    return 'queued';
  }

  /**
   * Starts nothing more, and hands back the tags of the jobs that had not
   * started (follow-ups included), in the order they would have run. Jobs
   * running go on; idle() tells when they are done.
   */
  stop(): T[] {
    this.stopped = true;
    const unstarted = [...this.pending, ...this.followUps.values()];
    this.pending.length = 0;
    this.followUps.clear();
    return unstarted.flatMap((job) => (job.tag === undefined ? [] : [job.tag]));
  }

  /** True while a job for `key` is queued or running. */
  busy(key: string): boolean {
    return this.busyKeys.has(key);
  }

  get active(): number {
    return this.running;
  }

  /** Jobs waiting to start, follow-ups included. */
  get queued(): number {
    return this.pending.length + this.followUps.size;
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.running === 0 && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    for (let index = 0; !this.stopped && index < this.pending.length && this.running < this.globalLimit; ) {
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

  private start(job: Job<T>): void {
    this.running++;
    this.runningPerSite.set(job.site, (this.runningPerSite.get(job.site) ?? 0) + 1);
    const finish = (): void => {
      this.running--;
      this.runningPerSite.set(job.site, (this.runningPerSite.get(job.site) ?? 1) - 1);
      const followUp = this.followUps.get(job.key);
      this.followUps.delete(job.key);
      // The key stays busy through its follow-up, so nothing else slips in between.
      if (followUp === undefined) this.busyKeys.delete(job.key);
      else this.pending.push(followUp);
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
