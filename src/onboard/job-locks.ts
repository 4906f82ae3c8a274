import type { DeviceTarget } from '../device/index.js';
import { lock, LockAbortedError, type HeldLock, type Holder, type LockWait } from '../lock/index.js';
import { LockLostError } from './deadline.js';

/**
 * Locks on switches shared by every appliance of a fleet (held by a
 * database session, so they die with it). A lock that is lost while held
 * (the session broke) is told to `lost`.
 */
export interface FleetLocks {
  take(key: string, what: string, wait: LockWait, lost: (reason: string) => void): Promise<HeldLock>;
}

/** How a process waits for a switch another worker holds. */
export interface LockPolicy {
  /** How long to wait; default the job's own time limit (ssh.jobTimeoutMs). */
  waitMs?: number;
  /** Ends every wait: onramp is stopping. */
  signal?: AbortSignal;
  /** Told when a switch is found busy, with who holds it (e.g. to print progress); what it returns is called when the wait ends. */
  onBusy?: (key: string, holder: Holder | undefined) => (() => void) | undefined;
  /** With a shared store: the switch is also taken for the fleet, after this machine's lock. */
  fleet?: FleetLocks;
}

/** The lock kind of switches: one per address and SSH port, across every onramp process of the machine. */
export const DEVICE_LOCK = 'device';

export function deviceLockKey(target: Pick<DeviceTarget, 'host' | 'port'>): string {
  return `${target.host.toLowerCase()}:${String(target.port)}`;
}

/**
 * The switches one job works on: each is locked before the job's first
 * session to it opens and stays locked until the job ends, so that no other
 * job, in this process, another, or (with a shared store) another
 * appliance, has a session on it in between (fetch, push and save are one
 * piece of work).
 */
export class JobLocks {
  private readonly held = new Map<string, HeldLock[]>();
  private readonly ended = new AbortController();
  private readonly lostListeners: ((err: LockLostError) => void)[] = [];

  constructor(private readonly policy: LockPolicy, private readonly what: string) {}

  /** `listener` hears of a lock lost while held: the job must send nothing more. */
  onLost(listener: (err: LockLostError) => void): void {
    this.lostListeners.push(listener);
  }

  async hold(target: Pick<DeviceTarget, 'host' | 'port'>, defaultWaitMs: number): Promise<void> {
    const key = deviceLockKey(target);
    if (this.held.has(key)) return;
    const signals = [this.ended.signal, ...(this.policy.signal === undefined ? [] : [this.policy.signal])];
    const waitEnded: (() => void)[] = [];
    const started = Date.now();
    const waitMs = this.policy.waitMs ?? defaultWaitMs;
    const wait = (left: number): LockWait => ({
      waitMs: left,
      signal: AbortSignal.any(signals),
      onBusy: (holder) => {
        const ended = this.policy.onBusy?.(key, holder);
        if (ended !== undefined) waitEnded.push(ended);
      },
    });
    const taken: HeldLock[] = [];
    try {
      taken.push(await lock(DEVICE_LOCK, key, this.what, wait(waitMs)));
      const { fleet } = this.policy;
      if (fleet !== undefined) {
        taken.push(await fleet.take(key, this.what, wait(Math.max(0, waitMs - (Date.now() - started))), (reason) => { this.lost(key, reason); }));
      }
    } catch (err) {
      for (const held of taken.reverse()) void held.release();
      throw err;
    } finally {
      for (const ended of waitEnded) ended();
    }
    if (this.ended.signal.aborted) {
      // The job gave up (its time ran out) while this lock was being taken.
      for (const held of taken.reverse()) void held.release();
      throw new LockAbortedError(key);
    }
    this.held.set(key, taken);
  }

  private lost(key: string, reason: string): void {
    if (!this.held.has(key)) return;
    const err = new LockLostError(key, reason);
    for (const listener of this.lostListeners) listener(err);
  }

  /** The job is over: every switch it holds is let go (the fleet's lock first), and a wait still under way ends. */
  end(): void {
    this.ended.abort();
    for (const locks of this.held.values()) for (const held of [...locks].reverse()) void held.release();
    this.held.clear();
  }
}
