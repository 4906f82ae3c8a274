import type { Logger } from '../log/index.js';
import type { StateStore } from '../state/index.js';
import { parseEntry, type JournalEntry } from './entry.js';
import type { SharedTimeline } from './shared.js';

/** STATE/held-events.jsonl: this box's entries the shared timeline could not take yet, oldest first. */
export const HELD_EVENTS_FILE = 'held-events.jsonl';
/** Entries held at most (a long outage of a busy appliance); beyond, the shared timeline misses them, the box's journal does not. */
export const MAX_HELD_EVENTS = 100_000;
/** Entries recorded in one step. */
const BATCH = 500;
const FIRST_RETRY_MS = 1000;
const LAST_RETRY_MS = 30_000;

/**
 * Carries the journal's entries to the shared timeline, a burst at a time,
 * in the order they were logged. While the store cannot take them, they are
 * held on disk (HELD_EVENTS_FILE, bounded) and tried again with backoff;
 * once it takes them, the held ones go first. Every step (a delivery, a
 * hold) is run one after another, so an entry never overtakes an older one.
 */
export class TimelineOutbox {
  private queue: JournalEntry[] = [];
  private held = 0;
  private failing = false;
  private deliveryDue = false;
  private retry: NodeJS.Timeout | undefined;
  private retryMs = FIRST_RETRY_MS;
  private closed = false;
  private dropped = 0;
  private steps: Promise<void> = Promise.resolve();

  constructor(private readonly timeline: SharedTimeline, private readonly state: StateStore, private readonly logger: Logger) {
    // What an earlier run held and did not get to goes before anything logged now.
    this.then(async () => {
      await this.countHeld();
      if (this.held > 0) this.deliverSoon();
    });
  }

  send(entries: readonly JournalEntry[]): void {
    if (entries.length === 0) return;
    // Not push(...entries): a burst of a replay can be more entries than a call takes arguments.
    this.queue = this.queue.concat(entries);
    if (this.failing) this.then(() => this.hold());
    else this.deliverSoon();
  }

  /** Delivers what is waiting if the store is there (else holds it), and stops trying. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    this.retry = undefined;
    if (this.failing) this.then(() => this.hold());
    else this.deliverSoon();
    await this.steps;
  }

  private deliverSoon(): void {
    if (this.deliveryDue) return;
    this.deliveryDue = true;
    this.then(async () => {
      this.deliveryDue = false;
      await this.deliver();
    });
  }

  private then(step: () => Promise<void>): void {
    this.steps = this.steps.then(step).catch((err: unknown) => {
      // Without an event field: what the journal cannot carry must not be fed back into it.
      this.logger.error({ err }, `events held for the shared store could not be kept in ${this.state.path(HELD_EVENTS_FILE)}`);
    });
  }

  private async deliver(): Promise<void> {
    try {
      const caughtUp = this.held;
      if (this.held > 0) await this.deliverHeld();
      while (this.queue.length > 0) {
        const batch = this.queue.slice(0, BATCH);
        await this.timeline.record(batch);
        this.queue.splice(0, batch.length);
      }
      if (this.failing || caughtUp > 0) {
        const dropped = this.dropped;
        this.logger.info({ held: caughtUp, dropped }, `the shared store took the ${String(caughtUp)} event(s) held for it${dropped > 0 ? `; ${String(dropped)} beyond ${String(MAX_HELD_EVENTS)} are only in this box's journal` : ''}`);
      }
      this.failing = false;
      this.dropped = 0;
      this.retryMs = FIRST_RETRY_MS;
    } catch (err) {
      if (!this.failing) {
        this.logger.warn({ err: { message: err instanceof Error ? err.message : String(err) } },
          `events not recorded in the shared store; held in ${this.state.path(HELD_EVENTS_FILE)} and recorded once it takes them`);
      }
      this.failing = true;
      await this.hold();
      if (!this.closed) {
        this.retry = setTimeout(() => {
          this.retry = undefined;
          this.deliverSoon();
        }, this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, LAST_RETRY_MS);
      }
    }
  }

  /** The held file, in batches; on a failure the part not recorded is written back, so nothing is recorded twice. */
  private async deliverHeld(): Promise<void> {
    const text = await this.state.readText([HELD_EVENTS_FILE]) ?? '';
    const entries: JournalEntry[] = [];
    for (const line of text.split('\n')) {
      const entry = line === '' ? undefined : parseEntry(line);
      if (entry !== undefined) entries.push(entry);
    }
    let sent = 0;
    try {
      while (sent < entries.length) {
        const batch = entries.slice(sent, sent + BATCH);
        await this.timeline.record(batch);
        sent += batch.length;
      }
    } catch (err) {
      if (sent > 0) {
        const rest = entries.slice(sent);
        await this.state.writeText([HELD_EVENTS_FILE], rest.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
        this.held = rest.length;
      }
      throw err;
    }
    await this.state.remove([HELD_EVENTS_FILE]);
    this.held = 0;
  }

  private async hold(): Promise<void> {
    const entries = this.queue;
    this.queue = [];
    const room = Math.max(0, MAX_HELD_EVENTS - this.held);
    const kept = entries.slice(0, room);
    this.dropped += entries.length - kept.length;
    if (kept.length === 0) return;
    await this.state.appendText([HELD_EVENTS_FILE], kept.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    this.held += kept.length;
  }

  private async countHeld(): Promise<void> {
    const text = await this.state.readText([HELD_EVENTS_FILE]) ?? '';
    this.held = text.split('\n').filter((line) => line !== '').length;
  }
}
