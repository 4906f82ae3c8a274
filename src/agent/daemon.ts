import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';

const DETACHED_MARK = 'ONRAMP_DETACHED';

/**
 * `--detach` as SEC does it: the process that was started returns at once and
 * a copy of it goes on in its own session, with no terminal. Node cannot
 * fork(), so the copy is a fresh process with the same arguments; it knows it
 * is the daemon by an environment mark. Returns true in the process that
 * should exit.
 */
export function detachSelf(): boolean {
  if (process.env[DETACHED_MARK] === '1') return false;
  const script = process.argv[1];
  if (script === undefined) return false;
  const child = spawn(process.execPath, [...process.execArgv, script, ...process.argv.slice(2)], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, [DETACHED_MARK]: '1' },
  });
  child.unref();
  return true;
}

export async function writePidFile(path: string): Promise<void> {
  await writeFile(path, `${process.pid}\n`, { mode: 0o644 });
}

/** Removes the pid file only if it still names this process (a newer instance may have taken it over). */
export async function removePidFile(path: string): Promise<void> {
  const text = await readFile(path, 'utf8').catch(() => '');
  if (text.trim() === String(process.pid)) await rm(path, { force: true });
}

/** A pid file whose process is gone is stale. */
export async function readLivePid(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  const pid = text === undefined ? NaN : Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}
