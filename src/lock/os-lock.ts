import { createHash } from 'node:crypto';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * Locks shared by every onramp process of the machine, that die with their
 * holder. Each is a Linux abstract-namespace Unix socket
 * (`\0onramp/<kind>/<hash of the key>`): the kernel lets one process listen
 * on a name and frees it the moment that process exits, however it exits,
 * and leaves no file behind. Whoever finds a lock taken connects to it: the
 * holder answers with who it is and keeps the connection open until it lets
 * go, so a waiter learns both who holds the lock and when it is free without
 * polling. (Abstract names belong to the network namespace: processes in
 * different namespaces do not see each other's locks.)
 */

/** Who holds a lock, as the holder itself tells; what a squatting non-onramp process says is not believed. */
export interface Holder {
  pid: number;
  /** The onramp command it runs (`run`, `check`, `backup`…). */
  command: string;
  /** The named agent it runs as, if any. */
  agent?: string;
  /** What it is doing with the lock (`check FS-S5850-CORE1`). */
  what: string;
  /** ISO time it took the lock. */
  since: string;
  /** The appliance it runs on, for a lock shared by several (src/postgres). */
  appliance?: string;
}

export interface HeldLock {
  release(): Promise<void>;
}

/** The environment mark that tells an `onramp run` it is the named agent NAME (set by `onramp agent start`). */
export const AGENT_ENV = 'ONRAMP_AGENT';
const MAX_FIELD = 200;
// A holder answers at once; one that does not say who it is within this is not onramp.
const ANSWER_TIMEOUT_MS = 2000;

/** The socket name of a lock; the key is hashed, so any key fits the 107 bytes a socket name has. */
function socketName(kind: string, key: string): string {
  return `\0onramp/${kind}/${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

export function myself(what: string): Holder {
  const agent = process.env[AGENT_ENV];
  return {
    pid: process.pid,
    command: process.argv[2] ?? 'onramp',
    ...(agent === undefined || agent === '' ? {} : { agent }),
    what,
    since: new Date().toISOString(),
  };
}

/** Takes the lock `kind`/`key` now, or says who holds it (undefined: a process that does not say, or no longer holds it). */
export async function tryLock(kind: string, key: string, what: string): Promise<HeldLock | { holder: Holder | undefined }> {
  const name = socketName(kind, key);
  // A holder that lets go between our try and our question is asked about no more: the lock is tried again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const taken = await listenOn(name, what);
    if (taken !== undefined) return taken;
    const answer = await ask(name);
    if (answer === undefined) continue;
    answer.socket.destroy();
    return { holder: answer.holder };
  }
  return { holder: undefined };
}

/** Listens on `name`, answering each asker with who holds it; undefined when another process listens there. */
async function listenOn(name: string, what: string): Promise<HeldLock | undefined> {
  const answer = `${JSON.stringify(myself(what))}\n`;
  const waiters = new Set<Socket>();
  const server = createServer((socket) => {
    waiters.add(socket);
    socket.on('close', () => waiters.delete(socket));
    socket.on('error', () => undefined);
    socket.write(answer);
  });
  const taken = await new Promise<boolean>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') resolve(false);
      else reject(err);
    });
    server.listen(name, () => { resolve(true); });
  });
  if (!taken) return undefined;
  // A held lock must not keep a process alive that has nothing else to do.
  server.unref();
  return { release: () => release(server, waiters) };
}

function release(server: Server, waiters: Set<Socket>): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => { resolve(); });
    for (const socket of waiters) socket.destroy();
  });
}

/** Who holds the lock `kind`/`key`, without waiting; undefined when it is free. */
export async function lockHolder(kind: string, key: string): Promise<Holder | undefined> {
  const answer = await ask(socketName(kind, key));
  answer?.socket.destroy();
  return answer?.holder;
}

/**
 * Connects to the holder of `name` and reads who it is; undefined when
 * nobody listens any more. The connection is left open: it closes when the
 * holder lets go.
 */
function ask(name: string): Promise<{ holder: Holder | undefined; socket: Socket } | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection(name);
    let text = '';
    const answered = (holder: Holder | undefined): void => {
      socket.removeAllListeners('data');
      socket.setTimeout(0);
      resolve({ holder, socket });
    };
    socket.setTimeout(ANSWER_TIMEOUT_MS, () => { answered(undefined); });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      const end = text.indexOf('\n');
      if (end >= 0) answered(parseHolder(text.slice(0, end)));
      else if (text.length > 4096) answered(undefined);
    });
    socket.once('error', () => { resolve(undefined); });
    socket.once('close', () => {
      if (text.indexOf('\n') < 0) resolve(undefined);
    });
  });
}

/** The holder's answer, with every field checked and cleaned: it is printed in messages. */
function parseHolder(line: string): Holder | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { pid, command, agent, what, since } = value as Record<string, unknown>;
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
  if (typeof command !== 'string' || typeof what !== 'string' || typeof since !== 'string') return undefined;
  const clean = (text: string): string => text.slice(0, MAX_FIELD).replace(/[^\x20-\x7e]/g, '?');
  return { pid, command: clean(command), what: clean(what), since: clean(since), ...(typeof agent === 'string' ? { agent: clean(agent) } : {}) };
}

/** How a holder is named in messages: `agent dhcp1 (pid 4711), check FS-S5850-CORE1 since …`, `onramp run (pid 4711), …`. */
export function describeHolder(holder: Holder | undefined): string {
  if (holder === undefined) return 'a process that is not onramp';
  const who = holder.agent === undefined ? `onramp ${holder.command} (pid ${String(holder.pid)})` : `agent ${holder.agent} (pid ${String(holder.pid)})`;
  return `${who}${holder.appliance === undefined ? '' : ` on ${holder.appliance}`}, ${holder.what} since ${holder.since}`;
}

export class LockBusyError extends Error {
  constructor(readonly key: string, readonly holder: Holder | undefined, readonly waitedMs: number) {
    super(`${key} is held by ${describeHolder(holder)}${waitedMs > 0 ? `; still held after ${String(Math.round(waitedMs / 1000))}s` : ''}`);
    this.name = 'LockBusyError';
  }
}

export class LockAbortedError extends Error {
  constructor(readonly key: string) {
    super(`stopped while waiting for ${key}`);
    this.name = 'LockAbortedError';
  }
}

export interface LockWait {
  /** How long to wait for the holder to let go; 0: not at all. */
  waitMs: number;
  /** Ends the wait (LockAbortedError), e.g. when onramp is stopping. */
  signal?: AbortSignal;
  /** Told once when the lock is found taken, and again whenever another process takes it meanwhile. */
  onBusy?: (holder: Holder | undefined) => void;
}

/**
 * Takes the lock `kind`/`key`, waiting up to `wait.waitMs` for its holder to
 * let go (LockBusyError after that), woken by the holder's connection
 * closing rather than by polling.
 */
export async function lock(kind: string, key: string, what: string, wait: LockWait): Promise<HeldLock> {
  const started = Date.now();
  let lastHolder: string | undefined;
  for (;;) {
    if (wait.signal?.aborted === true) throw new LockAbortedError(key);
    const attempt = await tryLock(kind, key, what);
    if ('release' in attempt) return attempt;
    const told = JSON.stringify(attempt.holder ?? null);
    if (told !== lastHolder) {
      lastHolder = told;
      wait.onBusy?.(attempt.holder);
    }
    const left = wait.waitMs - (Date.now() - started);
    if (left <= 0) throw new LockBusyError(key, attempt.holder, wait.waitMs);
    await freed(socketName(kind, key), left, wait.signal);
  }
}

/** Resolves when the holder of `name` lets go, after `timeoutMs`, or when `signal` aborts, whichever comes first. */
async function freed(name: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
  const answer = await ask(name);
  if (answer === undefined) return;
  const { socket } = answer;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      socket.destroy();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    signal?.addEventListener('abort', done);
    if (socket.destroyed) done();
    else socket.once('close', done);
  });
}
