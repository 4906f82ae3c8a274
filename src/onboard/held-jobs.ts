import { Events, Tally, type Logger } from '../log/index.js';
import type { StateStore } from '../state/index.js';
import { isQueuedWork, type QueuedWork } from './work-queue.js';

/** A job that came while the shared store could not be reached, and when it was seen (a lease: its line's time). */
export interface HeldJob {
  work: QueuedWork;
  seenAt: number;
}

/** STATE/held-jobs.jsonl: this box's own, as its input positions are. */
export const HELD_FILE = 'held-jobs.jsonl';
/** How many jobs are held at most; beyond, each is dropped and reported (a day of leases of a large site fits). */
export const MAX_HELD = 10_000;

function isHeldJob(value: unknown): value is HeldJob {
  if (typeof value !== 'object' || value === null) return false;
  const job = value as Record<string, unknown>;
  return isQueuedWork(job.work) && typeof job.seenAt === 'number' && Number.isFinite(job.seenAt);
}

/**
 * The jobs an appliance could not record in the shared store (it was out
 * of reach), in the order they came: kept in memory and appended to a file
 * of the state directory, so that a restart during the outage loses none;
 * bounded by MAX_HELD. Taken all at once when the store is back.
 */
export class HeldJobs {
  private jobs: HeldJob[] = [];
  private writing: Promise<void> = Promise.resolve();
  private readonly dropped = new Tally();

  constructor(private readonly state: StateStore, private readonly logger: Logger) {}

  get size(): number {
    return this.jobs.length;
  }

  /** At start: the jobs an earlier run held and did not get to; a line that is not one is counted and passed over. */
  async load(): Promise<number> {
    const text = await this.state.readText([HELD_FILE]) ?? '';
    let invalid = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = undefined;
      }
      if (isHeldJob(parsed) && this.jobs.length < MAX_HELD) this.jobs.push(parsed);
      else invalid++;
    }
    if (invalid > 0) this.logger.warn({ event: Events.jobsResumed, invalid, file: this.state.path(HELD_FILE) }, `${String(invalid)} line(s) of ${this.state.path(HELD_FILE)} are not held jobs; passed over`);
    return this.jobs.length;
  }

  add(job: HeldJob): void {
    if (this.jobs.length >= MAX_HELD) {
      const count = this.dropped.add();
      if (count !== undefined) {
        this.logger.error({ event: Events.jobsDropped, count, work: job.work, limit: MAX_HELD },
          `${String(count)} job(s) dropped: ${String(MAX_HELD)} are held already while the shared store cannot be reached`);
      }
      return;
    }
    this.jobs.push(job);
    const line = `${JSON.stringify(job)}\n`;
    this.write(() => this.state.appendText([HELD_FILE], line));
  }

  /** Every job held, oldest first; they stay in the file until settle() is called. */
  take(): HeldJob[] {
    const jobs = this.jobs;
    this.jobs = [];
    return jobs;
  }

  /** Writes the file as the jobs held now are (none: no file): what was taken has been recorded. */
  settle(): Promise<void> {
    const jobs = this.jobs.slice();
    this.write(() => (jobs.length === 0 ? this.state.remove([HELD_FILE]) : this.state.writeText([HELD_FILE], jobs.map((job) => `${JSON.stringify(job)}\n`).join(''))));
    return this.writing;
  }

  flushed(): Promise<void> {
    return this.writing;
  }

  private write(step: () => Promise<void>): void {
    this.writing = this.writing.then(step).catch((err: unknown) => {
      this.logger.error({ err, file: this.state.path(HELD_FILE) }, 'held jobs could not be written to the state directory; they are kept in memory only');
    });
  }
}
