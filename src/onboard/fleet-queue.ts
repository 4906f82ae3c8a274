import { createHash } from 'node:crypto';
import { Events, type Logger } from '../log/index.js';
import type { HeldJobs } from './held-jobs.js';
import type { QueuedWork } from './work-queue.js';

/** A job of the fleet's queue, this appliance's until it ends it. */
export interface ClaimedJob {
  readonly id: string;
  readonly work: QueuedWork;
  /** It ran (whatever came of it): nobody takes it over. */
  done(result: string): Promise<void>;
  /** It did not run (a stop came first, or its switch lock was lost): any appliance may take it, at once. */
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
  /** This appliance's jobs that are not ended (after an outage: those whose end or release could not be written). */
  unfinished(): Promise<ClaimedJob[]>;
  /** Writes that this appliance is here; throws while the store cannot be reached. */
  alive(): Promise<void>;
  /** Whether an error of the store says it could not be reached (the job is then held, not lost). */
  unreachable(err: unknown): boolean;
  /** How often to look for jobs to take over. */
  readonly sweepEveryMs: number;
}

/** How a job comes round again: `renewal` when it is a lease as it first came (subject to the renewal window), `seenAt` when it was seen. */
export interface Resumption {
  seenAt: number;
  renewal: boolean;
}

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5000;

/**
 * What makes two jobs the same work wherever they come from: a lease's job
 * by its MAC and address (both failover peers log the same DHCPACK, at the
 * same time), an operator's assignment by its MAC and time, a rule's check
 * or provisioning by its device, a backup by its device and the event that
 * asked for it. Within the window, the second is
 * dropped.
 */
export function dedupeKey(work: QueuedWork): string {
  switch (work.kind) {
    case 'check':
      return work.ip !== undefined && work.mac !== undefined ? `lease ${work.mac} ${work.ip}` : `check ${work.device.toLowerCase()}`;
    case 'factory':
      // An assignment may come within the window of the lease that parked the switch: it is not that lease again.
      return work.assigned === undefined ? `lease ${work.mac} ${work.ip}` : `assigned ${work.mac} ${work.assigned}`;
    case 'provision':
      return `provision ${work.name.toLowerCase()} ${work.ip}`;
    case 'backup':
      return `backup ${work.device.toLowerCase()} ${createHash('sha256').update(work.line ?? '').digest('hex').slice(0, 16)}`;
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => { setTimeout(resolve, ms).unref(); });
}

interface WaitingWork {
  work: QueuedWork;
  seenAt: number;
  start: (job: ClaimedJob) => void;
}

/**
 * An appliance's side of the shared queue: each job is claimed in the order
 * its work came before it is scheduled here, and only while this appliance
 * holds fewer claimed jobs than it runs at once (`capacity`): work beyond
 * waits here, unclaimed, so that a peer with room claims it first, and the
 * fleet's work is shared by what each appliance can take rather than by
 * which reads its log first. A job taken over from a peer
 * is already this appliance's when its work comes round again (resumed),
 * and is ended as such. While the store cannot be reached, jobs are held
 * (HeldJobs: on disk, bounded) and the store is tried again with a growing
 * pause; once it answers, this appliance's jobs that lost their lock or
 * whose end could not be written are done again, then the held ones, in
 * the order they came.
 */
export class FleetQueue {
  private claiming: Promise<void> = Promise.resolve();
  /** Work not claimed yet, in the order it came, while this appliance has no room for it; the next is at `waitingHead`. */
  private waiting: WaitingWork[] = [];
  private waitingHead = 0;
  /** Claims asked of the store and not answered yet. */
  private asking = 0;
  private readonly wake: (() => void)[] = [];
  private readonly tickets = new Map<QueuedWork, ClaimedJob>();
  /** Jobs taken over, by dedupe key, until their work is scheduled again. */
  private readonly preclaimed = new Map<string, ClaimedJob>();
  /** Ends that could not be written (the store was out of reach), written when it is back. */
  private readonly unwritten = new Map<string, { job: ClaimedJob; result: string }>();
  private sweeper: NodeJS.Timeout | undefined;
  /** Date.now() since the store could not be reached; undefined while it can. */
  private outageSince: number | undefined;
  private stopped = false;
  private resume: ((work: QueuedWork, how: Resumption) => void) | undefined;
  private settledElsewhere: () => Promise<void> = () => Promise.resolve();

  constructor(
    private readonly claims: JobClaims, private readonly held: HeldJobs, private readonly logger: Logger, private readonly now: () => number,
    /** Claimed jobs this appliance holds at most: as many as it runs at once. */
    private readonly capacity: number,
  ) {}

  /** While the store cannot be reached (or jobs held are still to be done), new jobs are held. */
  get holding(): boolean {
    return this.outageSince !== undefined;
  }

  /**
   * Claims `work`, then calls `start` with it; nothing when another appliance
   * has it; held while the store cannot be reached. With no room here, it
   * waits its turn unclaimed.
   */
  claim(work: QueuedWork, start: (job: ClaimedJob) => void, seenAt: number = this.now()): void {
    const key = dedupeKey(work);
    const taken = this.preclaimed.get(key);
    if (taken !== undefined) {
      this.preclaimed.delete(key);
      this.start(work, taken, start);
      return;
    }
    // After a stop too: it is claimed at the next start.
    if (this.holding || this.stopped) {
      this.hold(work, seenAt);
      return;
    }
    this.waiting.push({ work, seenAt, start });
    this.claimWaiting();
  }

  /** Claims waiting work, oldest first, while this appliance has room for it. */
  private claimWaiting(): void {
    while (this.waitingHead < this.waiting.length && this.tickets.size + this.asking < this.capacity && !this.stopped) {
      const next = this.takeWaiting();
      if (next === undefined) break;
      this.asking++;
      this.claiming = this.claiming.then(() => this.claimOne(next)).catch((err: unknown) => {
        this.logger.error({ err, work: next.work }, 'the job could not be claimed in the shared queue; not run here');
      }).finally(() => {
        this.asking--;
        this.claimWaiting();
        for (const wake of this.wake.splice(0)) wake();
      });
    }
  }

  /** The oldest waiting work; a backlog of a replay is many thousands, so it is not shifted off one by one. */
  private takeWaiting(): WaitingWork | undefined {
    const next = this.waiting[this.waitingHead++];
    if (this.waitingHead === this.waiting.length) {
      this.waiting = [];
      this.waitingHead = 0;
    } else if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.waitingHead);
      this.waitingHead = 0;
    }
    return next;
  }

  private async claimOne({ work, seenAt, start }: WaitingWork): Promise<void> {
    // Queued behind a claim that found the store gone: held too, in its turn.
    if (this.holding) {
      this.hold(work, seenAt);
      return;
    }
    let job: ClaimedJob | undefined;
    try {
      job = await this.claims.claim(work, dedupeKey(work), seenAt);
    } catch (err) {
      if (!this.outage(err)) throw err;
      this.hold(work, seenAt);
      return;
    }
    if (job === undefined) {
      this.logger.debug({ event: Events.jobClaimedElsewhere, work, reason: 'another appliance has this job' }, 'another appliance has taken this job');
      return;
    }
    this.start(work, job, start);
  }

  /** Keeps `work` until the store is back. */
  hold(work: QueuedWork, seenAt: number): void {
    this.held.add({ work, seenAt });
  }

  /**
   * Tells the queue a store operation failed with `err`: true when that says
   * the store could not be reached (the caller holds its job, and the store
   * is tried again until it answers), false for any other error.
   */
  outage(err: unknown): boolean {
    if (!this.claims.unreachable(err)) return false;
    this.enterOutage(err);
    return true;
  }

  private enterOutage(err: unknown): void {
    if (this.outageSince !== undefined) return;
    this.outageSince = this.now();
    this.holdWaiting();
    this.logger.warn({ event: Events.storeUnreachable, err: { message: err instanceof Error ? err.message : String(err) } },
      'the shared store cannot be reached: jobs are held in the state directory until it is back; switches are not worked on meanwhile');
    void this.reconnect(0);
  }

  private async reconnect(firstPauseMs: number): Promise<void> {
    let wait = firstPauseMs;
    for (;;) {
      if (wait > 0) await pause(wait);
      wait = Math.min(Math.max(wait * 2, FIRST_RETRY_MS), MAX_RETRY_MS);
      if (this.stopped) return;
      try {
        await this.claims.alive();
        await this.recover();
        return;
      } catch (err) {
        if (!this.claims.unreachable(err)) this.logger.warn({ err }, 'catching up with the shared store failed; trying again shortly');
      }
    }
  }

  /** The store answers again: ends not written are written, jobs left without their lock done again, then those held. */
  private async recover(): Promise<void> {
    for (const [id, { job, result }] of this.unwritten) {
      await job.done(result);
      this.unwritten.delete(id);
    }
    const inHand = new Set([...this.tickets.values(), ...this.preclaimed.values()].map((job) => job.id));
    const again = (await this.claims.unfinished()).filter((job) => !inHand.has(job.id));
    const held = this.held.take();
    const since = this.outageSince;
    this.outageSince = undefined;
    this.logger.info(
      { event: Events.storeReconnected, held: held.length, resumed: again.length, ...(since === undefined ? {} : { outageMs: this.now() - since }) },
      `the shared store is back: ${String(again.length)} job(s) left unfinished and ${String(held.length)} held done now, in order`,
    );
    await this.redo(again, () => {
      for (const job of held) this.resume?.(job.work, { seenAt: job.seenAt, renewal: true });
    });
    await this.held.settle();
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
    this.claimWaiting();
    if (job === undefined) return;
    try {
      await job.done(result);
    } catch (err) {
      if (!this.outage(err)) throw err;
      this.unwritten.set(job.id, { job, result });
    }
  }

  /** The job did not run: another appliance (or this one) may take it; with the store out of reach, it is done again here when it is back. */
  async release(work: QueuedWork): Promise<void> {
    const job = this.tickets.get(work);
    this.tickets.delete(work);
    this.claimWaiting();
    try {
      await job?.release();
    } catch (err) {
      if (!this.outage(err)) throw err;
    }
  }

  /**
   * Starts the queue: jobs held by an earlier run are done first, then every
   * sweepEveryMs it looks for jobs to take over. `resume` puts a job's work
   * through the same checks as when it first came; `settled` resolves when
   * the work resumed has been scheduled or refused.
   */
  begin(resume: (work: QueuedWork, how: Resumption) => void, settled: () => Promise<void>): void {
    this.resume = resume;
    this.settledElsewhere = settled;
    if (this.held.size > 0) {
      this.outageSince = this.now();
      void this.reconnect(0);
    }
    let running = false;
    this.sweeper = setInterval(() => {
      if (running || this.holding) return;
      running = true;
      this.sweep().catch((err: unknown) => {
        if (!this.outage(err)) this.logger.warn({ err }, 'jobs to take over could not be looked for; looking again shortly');
      }).finally(() => { running = false; });
    }, this.claims.sweepEveryMs);
    this.sweeper.unref();
  }

  private async sweep(): Promise<void> {
    const jobs = await this.claims.takeOver();
    if (jobs.length === 0) return;
    this.logger.info({ event: Events.jobsTakenOver, count: jobs.length, jobs: jobs.map((job) => job.work) }, `${String(jobs.length)} job(s) taken over from appliances gone quiet`);
    await this.redo(jobs);
  }

  /**
   * Puts jobs this appliance owns through their checks again (each is
   * started as its work is scheduled); one whose work is not scheduled
   * (passed over, or refused) is ended at once. `more` resumes other work
   * in between.
   */
  private async redo(jobs: readonly ClaimedJob[], more?: () => void): Promise<void> {
    for (const job of jobs) {
      this.preclaimed.set(dedupeKey(job.work), job);
      this.resume?.(job.work, { seenAt: this.now(), renewal: false });
    }
    more?.();
    await this.settledElsewhere();
    await this.claiming;
    for (const job of jobs) {
      const key = dedupeKey(job.work);
      if (this.preclaimed.get(key) !== job) continue;
      this.preclaimed.delete(key);
      await job.done('passed over');
    }
  }

  /**
   * No more claims, sweeps or reconnects; claims under way finish. Work still
   * waiting for room is held with the rest: jobs held stay in the state
   * directory, and the next start claims them (a peer may have done them meanwhile).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweeper);
    await this.claiming;
    this.holdWaiting();
    for (const wake of this.wake.splice(0)) wake();
    await this.held.flushed();
  }

  /** Resolves when every work given has been claimed (or held, or found another's). */
  async settled(): Promise<void> {
    for (;;) {
      await this.claiming;
      if ((this.waitingHead === this.waiting.length && this.asking === 0) || this.stopped) return;
      await new Promise<void>((resolve) => { this.wake.push(resolve); });
    }
  }

  /** Work waiting for room goes to the held jobs, in its order. */
  private holdWaiting(): void {
    const waiting = this.waiting.slice(this.waitingHead);
    this.waiting = [];
    this.waitingHead = 0;
    for (const { work, seenAt } of waiting) this.hold(work, seenAt);
  }
}
