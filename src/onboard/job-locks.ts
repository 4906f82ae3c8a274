import type { DeviceTarget } from '../device/index.js';
import { lock, LockAbortedError, type HeldLock, type Holder } from '../lock/index.js';

/** How a process waits for a switch another worker holds. */
export interface LockPolicy {
  /** How long to wait; default the job's own time limit (ssh.jobTimeoutMs). */
  waitMs?: number;
  /** Ends every wait: onramp is stopping. */
  signal?: AbortSignal;
  /** Told when a switch is found busy, with who holds it (e.g. to print progress); what it returns is called when the wait ends. */
  onBusy?: (key: string, holder: Holder | undefined) => (() => void) | undefined;
}

/** The lock kind of switches: one per address and SSH port, across every onramp process of the machine. */
export const DEVICE_LOCK = 'device';

export function deviceLockKey(target: Pick<DeviceTarget, 'host' | 'port'>): string {
  return `${target.host.toLowerCase()}:${String(target.port)}`;
}

/**
 * The switches one job works on: each is locked before the job's first
 * session to it opens and stays locked until the job ends, so that no other
 * job, in this process or another, has a session on it in between (fetch,
 * push and save are one piece of work).
 */
export class JobLocks {
  private readonly held = new Map<string, HeldLock>();
  private readonly ended = new AbortController();

  constructor(private readonly policy: LockPolicy, private readonly what: string) {}

  async hold(target: Pick<DeviceTarget, 'host' | 'port'>, defaultWaitMs: number): Promise<void> {
    const key = deviceLockKey(target);
    if (this.held.has(key)) return;
    const signals = [this.ended.signal, ...(this.policy.signal === undefined ? [] : [this.policy.signal])];
    const waitEnded: (() => void)[] = [];
    let taken: HeldLock;
    try {
      taken = await lock(DEVICE_LOCK, key, this.what, {
        waitMs: this.policy.waitMs ?? defaultWaitMs,
        signal: AbortSignal.any(signals),
        onBusy: (holder) => {
          const ended = this.policy.onBusy?.(key, holder);
          if (ended !== undefined) waitEnded.push(ended);
        },
      });
    } finally {
      for (const ended of waitEnded) ended();
    }
    if (this.ended.signal.aborted) {
      // The job gave up (its time ran out) while this lock was being taken.
      void taken.release();
      throw new LockAbortedError(key);
    }
    this.held.set(key, taken);
  }

  /** The job is over: every switch it holds is let go, and a wait still under way ends. */
  end(): void {
    this.ended.abort();
    for (const held of this.held.values()) void held.release();
    this.held.clear();
  }
}
