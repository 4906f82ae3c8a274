import { setTimeout as delay } from 'node:timers/promises';
import { Events, Tally, type Logger } from '../log/index.js';
import type { DeadLetterFile } from './dead-letter.js';
import type { NotifyPayload } from './payload.js';

/** The clock a queue reads and waits on; tests pass one that does not really wait. */
export interface NotifyClock {
  now(): number;
  wait(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: NotifyClock = {
  now: () => Date.now(),
  wait: (ms, signal) => delay(ms, undefined, { signal }),
};

export interface HookLimits {
  retries: number;
  perMinute: number;
  /** The wait before the first retry; each next one waits twice as long. */
  backoffMs: number;
}

const WINDOW_MS = 60_000;

/**
 * One hook's deliveries, in order, one at a time, off the caller's path:
 * push() only queues. Beyond the rate limit a notification is dropped and
 * counted; one that fails every attempt goes to the dead-letter file.
 */
export class HookQueue {
  private readonly waiting: NotifyPayload[] = [];
  private readonly accepted: number[] = [];
  private readonly dropped = new Tally();
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    readonly name: string,
    private readonly deliver: (payload: NotifyPayload) => Promise<void>,
    private readonly limits: HookLimits,
    private readonly deadLetters: DeadLetterFile,
    private readonly logger: Logger,
    private readonly clock: NotifyClock,
  ) {}

  push(payload: NotifyPayload): void {
    if (this.stopping.signal.aborted) return;
    const now = this.clock.now();
    while (this.accepted.length > 0 && (this.accepted[0] ?? now) <= now - WINDOW_MS) this.accepted.shift();
    if (this.accepted.length >= this.limits.perMinute) {
      const count = this.dropped.add();
      // Logged after this write: push() runs inside the logger's own write of the event.
      if (count !== undefined) queueMicrotask(() => { this.logDropped(count); });
      return;
    }
    this.accepted.push(now);
    this.waiting.push(payload);
    this.running ??= this.drain().finally(() => { this.running = undefined; });
  }

  /** Waits for what is queued to be delivered or given up. */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  /** Stops retrying: the attempt under way ends, and everything not delivered goes to the dead-letter file. */
  async close(): Promise<void> {
    this.stopping.abort();
    await this.idle();
    const rest = this.dropped.rest();
    if (rest > 0) this.logDropped(rest);
  }

  private logDropped(count: number): void {
    this.logger.warn({ event: Events.notifyDropped, hook: this.name, count }, `${this.name}: notifications beyond ${String(this.limits.perMinute)} a minute dropped`);
  }

  private async drain(): Promise<void> {
    for (let payload = this.waiting.shift(); payload !== undefined; payload = this.waiting.shift()) {
      await this.send(payload);
    }
  }

  private async send(payload: NotifyPayload): Promise<void> {
    let attempts = 0;
    let error = 'onramp stopped before delivery';
    while (!this.stopping.signal.aborted) {
      attempts++;
      try {
        await this.deliver(payload);
        return;
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
      if (attempts > this.limits.retries) break;
      try {
        await this.clock.wait(this.limits.backoffMs * 2 ** (attempts - 1), this.stopping.signal);
      } catch {
        break; // aborted by close()
      }
    }
    await this.deadLetters.write({ time: new Date(this.clock.now()).toISOString(), hook: this.name, attempts, error, payload }, (err) => {
      this.logger.error({ err, hook: this.name }, `${this.name}: cannot write the dead-letter file ${this.deadLetters.path}`);
    });
    this.logger.warn(
      { event: Events.notifyFailed, hook: this.name, site: payload.site, notified: payload.event, attempts, error },
      `${this.name}: ${payload.event} not delivered after ${String(attempts)} attempt(s) (${error}); written to ${this.deadLetters.path}`,
    );
  }
}
