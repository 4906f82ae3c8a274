/**
 * Scheduling primitives: a concurrency limit (global, per site) and a keyed
 * lock (one job per device at a time). In-process only.
 */
export interface Limiter {
  <T>(work: () => Promise<T>): Promise<T>;
  readonly active: number;
  readonly pending: number;
}

/** At most `n` works run at once; the others wait in arrival order. */
export function limit(n: number): Limiter {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`limit: expected a positive integer, got ${n}`);
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    active--;
    const next = waiting.shift();
    if (next) {
      active++;
      next();
    }
  };
  const run = async <T>(work: () => Promise<T>): Promise<T> => {
    if (active < n) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      release();
    }
  };
  Object.defineProperties(run, {
    active: { get: () => active },
    pending: { get: () => waiting.length },
  });
  return run as Limiter;
}

/** Work under the same key runs one at a time, in arrival order; different keys run in parallel. */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  isLocked(key: string): boolean {
    return this.tails.has(key);
  }

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
