export interface BackoffOptions {
  /** Delay before the first retry, before jitter. */
  baseMs: number;
  maxMs: number;
  /** Injectable for tests; defaults to Math.random. */
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 15_000 };

/**
 * Exponential backoff with jitter: attempt n waits between half and all of
 * base·2ⁿ (capped), so 200 switches behind one flapping uplink do not all
 * come back at the same instant.
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** attempt);
  const random = options.random ?? Math.random;
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export interface RetryOptions {
  retries: number;
  backoff: BackoffOptions;
  retryable: (err: unknown) => boolean;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/** Runs `attempt` until it succeeds, fails with a non-retryable error, or `retries` retries are spent; throws the last error. */
export async function withRetries<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (n >= options.retries || !options.retryable(err)) throw err;
      const delay = backoffDelay(n, options.backoff);
      options.onRetry?.(err, n + 1, delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
