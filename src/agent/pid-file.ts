import { readFileSync } from 'node:fs';
import { link, mkdir, readFile, readlink, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/**
 * Files that name the onramp process holding something: the daemon's pid
 * file, and the short-lived locks around shared state. A file is created
 * complete (written aside, then hard-linked into place, which fails when the
 * name exists), so a reader never sees it empty, and two processes can never
 * both hold it. One left behind by a process that is gone is replaced.
 */

/** Takes `path` for this process; returns the pid of the live onramp holding it instead, if any. */
export async function claimPidFile(path: string): Promise<number | undefined> {
  await mkdir(dirname(path), { recursive: true });
  const mine = `${path}.${String(process.pid)}.new`;
  await writeFile(mine, `${String(process.pid)}\n`, { mode: 0o644 });
  try {
    // A stale file is cleared and the claim retried; a second loss means another process is claiming right now.
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await link(mine, path);
        return undefined;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = await pidFileHolder(path);
      if (holder !== undefined) return holder;
      await clearStale(path);
    }
    throw new Error(`${path}: cannot be claimed: other processes keep replacing it`);
  } finally {
    await rm(mine, { force: true });
  }
}

/** Removes `path` only if it still names this process (a newer instance may have taken it over). */
export async function releasePidFile(path: string): Promise<void> {
  if ((await readPid(path)) === process.pid) await rm(path, { force: true });
}

/** The pid in `path` when that process is alive and is onramp; a number reused by another program does not count. */
export async function pidFileHolder(path: string): Promise<number | undefined> {
  const pid = await readPid(path);
  if (pid === undefined || pid === process.pid || !alive(pid)) return undefined;
  return (await runsOnramp(pid)) ? pid : undefined;
}

async function readPid(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  const pid = text === undefined ? NaN : Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Moves the stale file aside before deleting it: if another process cleared
 * it and claimed the name in between, what was moved is that live claim, and
 * it is put back.
 */
async function clearStale(path: string): Promise<void> {
  const aside = `${path}.${String(process.pid)}.stale`;
  try {
    await rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if ((await pidFileHolder(aside)) !== undefined) await link(aside, path).catch(() => undefined);
  await rm(aside, { force: true });
}

/**
 * Whether the process runs. An exited daemon stays a zombie until init
 * reaps it, which some inits (a container's or a microVM's) do only now and
 * then, and signal 0 still reaches a zombie: where /proc tells, one counts
 * as gone.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${String(pid)}/stat`, 'latin1');
  } catch {
    return false;
  }
  // pid (comm) state …: comm may hold spaces and parentheses, so the state follows the last ')'.
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
}

/**
 * Pid files outlast a reboot, so the number may by now be an unrelated
 * program's. Where /proc exists, the process counts as onramp only if it runs
 * this same program file; elsewhere any live process does.
 */
async function runsOnramp(pid: number): Promise<boolean> {
  const cmdline = await readFile(`/proc/${String(pid)}/cmdline`, 'utf8').catch(() => undefined);
  if (cmdline === undefined) return stat('/proc/self').then(() => false, () => true);
  const program = process.argv[1];
  if (program === undefined) return true;
  const mine = await realpath(program).catch(() => resolve(program));
  const cwd = await readlink(`/proc/${String(pid)}/cwd`).catch(() => '/');
  for (const arg of cmdline.split('\0').slice(1)) {
    if (arg === '' || arg.startsWith('-')) continue;
    if ((await realpath(resolve(cwd, arg)).catch(() => undefined)) === mine) return true;
  }
  return false;
}
