import { claimPidFile, releasePidFile } from './pid-file.js';

const RETRY_MS = 10;

/** A lock file held by another running onramp (`pid`). */
export class LockBusyError extends Error {
  constructor(readonly path: string, readonly pid: number, waitedMs: number) {
    super(`${path}: held by onramp pid ${String(pid)}${waitedMs > 0 ? ` for more than ${String(waitedMs / 1000)}s` : ''}`);
  }
}

/**
 * Takes the lock file `path` (the holder's pid, created exclusively; one left
 * by a process that is gone is taken over). Waits up to `waitMs` for another
 * holder to finish, then throws LockBusyError. Returns the release.
 */
export async function acquireLock(path: string, waitMs: number): Promise<() => Promise<void>> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const holder = await claimPidFile(path);
    if (holder === undefined) return () => releasePidFile(path);
    if (Date.now() >= deadline) throw new LockBusyError(path, holder, waitMs);
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}

/** Runs `work` holding the lock file `path` (see acquireLock). */
export async function withLock<T>(path: string, waitMs: number, work: () => Promise<T>): Promise<T> {
  const release = await acquireLock(path, waitMs);
  try {
    return await work();
  } finally {
    await release();
  }
}
