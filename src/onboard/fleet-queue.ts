import { createHash } from 'node:crypto';
import { Events, type Logger } from '../log/index.js';
import type { QueuedWork } from './work-queue.js';

/** A job of the fleet's queue, this appliance's until it ends it. */
export interface ClaimedJob {
  readonly work: QueuedWork;
  /** It ran (whatever came of it): nobody takes it over. */
  done(result: string): Promise<void>;
  /** It did not run (a stop came first): any appliance may take it, at once. */
  release(): Promise<void>;
}

/**
 * The queue several appliances share (src/postgres). A job is claimed by
 * the first appliance that asks for its work; another asking for the same
 * within the window (`dedupe`: the same lease, seen by both failover peers)
 * gets nothing. Jobs whose appliance went quiet are taken over.
 */
export interface JobClaims {
  claim(work: QueuedWork, dedupe: string | undefined, seenAt: number): Promise<ClaimedJob | undefined>;
  /** Jobs released, or of appliances not heard from for the takeover time: now this appliance's. */
  takeOver(): Promise<ClaimedJob[]>;
  /** How often to look for jobs to take over. */
  readonly sweepEveryMs: number;
}

/**
 * What makes two jobs the same work wherever they come from: a lease's job
 * by its MAC and address (both failover peers log the same DHCPACK), a
 * rule's check or provisioning by its device, a backup by its device and
 * the event that asked for it. Within the window, the second is dropped.
 */
export function dedupeKey(work: QueuedWork): string {
  switch (work.kind) {
    case 'check':
      return work.ip !== undefined && work.mac !== undefined ? `lease ${work.mac} ${work.ip}` : `check ${work.device.toLowerCase()}`;
    case 'factory':
      return `lease ${work.mac} ${work.ip}`;
    case 'provision':
      return `provision ${work.name.toLowerCase()} ${work.ip}`;
    case 'backup':
      return `backup ${work.device.toLowerCase()} ${createHash('sha256').update(work.line ?? '').digest('hex').slice(0, 16)}`;
  }
}

/**
 * An appliance's side of the shared queue: each job is claimed in the order
 * its work came before it is scheduled here; a job taken over from a peer
 * is already this appliance's when its work comes round again (resumed),
 * and is ended as such.
 */
export class FleetQueue {
  private claiming: Promise<void> = Promise.resolve();
  private readonly tickets = new Map<QueuedWork, ClaimedJob>();
  /** Jobs taken over, by dedupe key, until their work is scheduled again. */
  private readonly preclaimed = new Map<string, ClaimedJob>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly claims: JobClaims, private readonly logger: Logger, private readonly now: () => number) {}

  /** Claims `work`, then calls `start` with it; nothing when another appliance has it. */
  claim(work: QueuedWork, start: (job: ClaimedJob) => void): void {
    const key = dedupeKey(work);
    const taken = this.preclaimed.get(key);
    if (taken !== undefined) {
      this.preclaimed.delete(key);
      this.start(work, taken, start);
      return;
    }
    const seenAt = this.now();
    this.claiming = this.claiming.then(async () => {
      const job = await this.claims.claim(work, key, seenAt);
      if (job === undefined) {
        this.logger.debug({ event: Events.jobClaimedElsewhere, work, reason: 'another appliance has this job' }, 'another appliance has taken this job');
        return;
      }
      this.start(work, job, start);
    }).catch((err: unknown) => {
      this.logger.error({ err, work }, 'the job could not be claimed in the shared queue; not run here');
    });
  }

  private start(work: QueuedWork, job: ClaimedJob, start: (job: ClaimedJob) => void): void {
    this.tickets.set(work, job);
    start(job);
  }

  /** The job `work` was claimed as, until it ends. */
  ticketOf(work: QueuedWork): ClaimedJob | undefined {
    return this.tickets.get(work);
  }

  async end(work: QueuedWork, result: string): Promise<void> {
    const job = this.tickets.get(work);
    this.tickets.delete(work);
    await job?.done(result);
  }

  async release(work: QueuedWork): Promise<void> {
    const job = this.tickets.get(work);
    this.tickets.delete(work);
    await job?.release();
  }

  /**
   * Looks for jobs to take over every sweepEveryMs: each is resumed (its
   * work goes through the same checks as when it first came); one whose work
   * is not scheduled again (passed over, or refused) is ended at once.
   */
  startSweeping(resume: (work: QueuedWork) => void, settled: () => Promise<void>): void {
    const sweep = async (): Promise<void> => {
      const jobs = await this.claims.takeOver();
      if (jobs.length === 0) return;
      this.logger.info({ event: Events.jobsTakenOver, count: jobs.length, jobs: jobs.map((job) => job.work) }, `${String(jobs.length)} job(s) taken over from appliances gone quiet`);
      for (const job of jobs) {
        this.preclaimed.set(dedupeKey(job.work), job);
        resume(job.work);
      }
      await settled();
      for (const job of jobs) {
        const key = dedupeKey(job.work);
        if (this.preclaimed.get(key) !== job) continue;
        this.preclaimed.delete(key);
        await job.done('passed over');
      }
    };
    let running = false;
    this.sweeper = setInterval(() => {
      if (running) return;
      running = true;
      sweep().catch((err: unknown) => {
        this.logger.warn({ err }, 'jobs to take over could not be looked for; looking again shortly');
      }).finally(() => { running = false; });
    }, this.claims.sweepEveryMs);
    this.sweeper.unref();
  }

  /** No more sweeps; claims under way finish. */
  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    await this.claiming;
  }

  settled(): Promise<void> {
    return this.claiming;
  }
}
