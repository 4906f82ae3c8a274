import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { ExitCode } from '../exit-codes.js';
import { alive, claimPidFile } from './pid-file.js';

const DETACHED_MARK = 'ONRAMP_DETACHED';
const READY = 'onramp:running';
// Rules, site files and inputs are read before the daemon reports; systemd's own start timeout is 90 s.
const DETACH_TIMEOUT_MS = 60_000;

/** True in the copy of onramp that `--detach` started. */
export function isDetachedCopy(): boolean {
  return process.env[DETACHED_MARK] === '1';
}

/**
 * `--detach` as SEC does it, except that the process that was started
 * returns only once the daemon runs: node cannot fork(), so the daemon is a
 * fresh copy with the same arguments, in its own session, which knows it is
 * the daemon by an environment mark. Until it reports that it is running
 * (rules, site files and inputs open, pid file written) its stderr is passed
 * on; if it exits first, its exit code is returned, so a start-up error
 * reaches the terminal or systemd. Returns undefined in the daemon copy.
 */
export async function detachSelf(timeoutMs = DETACH_TIMEOUT_MS): Promise<number | undefined> {
  if (isDetachedCopy()) return undefined;
  const script = process.argv[1];
  if (script === undefined) throw new Error('cannot find the onramp program to start');
  const child = spawn(process.execPath, [...process.execArgv, script, ...process.argv.slice(2)], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, [DETACHED_MARK]: '1' },
  });
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  const outcome = await new Promise<'running' | 'timeout' | number>((done) => {
    const timer = setTimeout(() => { done('timeout'); }, timeoutMs);
    child.on('message', (message) => {
      if (message !== READY) return;
      clearTimeout(timer);
      done('running');
    });
    // 'close', not 'exit': everything the daemon wrote to stderr has been passed on by then.
    child.once('close', (code) => {
      clearTimeout(timer);
      done(code ?? ExitCode.Runtime);
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      process.stderr.write(`onramp run: cannot start the daemon: ${err.message}\n`);
      done(ExitCode.Runtime);
    });
  });
  if (outcome === 'timeout') {
    process.stderr.write(`onramp run: the daemon (pid ${String(child.pid)}) did not report running within ${String(timeoutMs / 1000)}s; stopped it\n`);
    child.kill('SIGTERM');
  }
  child.stderr?.destroy();
  if (child.connected) child.disconnect();
  child.unref();
  return outcome === 'running' ? ExitCode.Ok : outcome === 'timeout' ? ExitCode.Runtime : outcome;
}

/**
 * In the daemon copy: tells the waiting parent that start-up is complete, and
 * cuts the ties to it. Once the parent has gone, stderr is a pipe nobody
 * reads (SEC's daemon has /dev/null there): a late write must not crash.
 */
export async function reportRunning(): Promise<void> {
  const send = process.send?.bind(process);
  if (!isDetachedCopy() || send === undefined || !process.connected) return;
  process.stderr.on('error', () => undefined);
  await new Promise<void>((done) => {
    send(READY, (err: Error | null) => {
      if (err !== null) process.stderr.write(`onramp run: cannot tell the starting process: ${err.message}\n`);
      done();
    });
  });
  process.disconnect();
}

export class PidFileBusyError extends Error {
  constructor(readonly path: string, readonly pid: number) {
    super(`${path}: onramp is already running with pid ${String(pid)}`);
  }
}

/**
 * Writes this process's pid file, creating its directory. A pid file whose
 * process is gone (or is no longer onramp) is replaced; one naming a running
 * onramp is a PidFileBusyError.
 */
export async function writePidFile(path: string): Promise<void> {
  const holder = await claimPidFile(path);
  if (holder !== undefined) throw new PidFileBusyError(path, holder);
}

/** A pid file whose process is gone is stale. */
export async function readLivePid(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  const pid = text === undefined ? NaN : Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return alive(pid) ? pid : undefined;
}
