/** Failed logins allowed per user name, and per client address, in one window. */
export const LOGIN_LIMITS = { perUser: 5, perAddress: 20, windowMs: 15 * 60 * 1000 };

interface Window {
  start: number;
  failures: number;
}

/**
 * Counts failed logins per user name and per client address over a fixed
 * window; past a limit, logins from that address or for that name are
 * refused unchecked until the window ends, so a password cannot be guessed
 * faster than that from one place, nor for one user from many.
 */
export class LoginThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly limits = LOGIN_LIMITS, private readonly now: () => number = Date.now) {}

  /** Seconds until a login may be tried again; 0 when it may now. */
  retryAfter(user: string, address: string): number {
    const wait = Math.max(this.waitFor(`user ${user}`, this.limits.perUser), this.waitFor(`address ${address}`, this.limits.perAddress));
    return Math.ceil(wait / 1000);
  }

  failed(user: string, address: string): void {
    this.count(`user ${user}`);
    this.count(`address ${address}`);
  }

  /** A successful login clears its user's count (not its address's: one good password does not license guessing others). */
  succeeded(user: string): void {
    this.windows.delete(`user ${user}`);
  }

  private current(key: string): Window | undefined {
    const window = this.windows.get(key);
    if (window !== undefined && this.now() - window.start >= this.limits.windowMs) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  private waitFor(key: string, limit: number): number {
    const window = this.current(key);
    if (window === undefined || window.failures < limit) return 0;
    return window.start + this.limits.windowMs - this.now();
  }

  private count(key: string): void {
    const window = this.current(key);
    if (window === undefined) this.windows.set(key, { start: this.now(), failures: 1 });
    else window.failures++;
    if (this.windows.size > 100_000) this.windows.clear();
  }
}
