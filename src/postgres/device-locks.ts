import { createHash } from 'node:crypto';
import pg from 'pg';
import { LockAbortedError, LockBusyError, myself, type HeldLock, type Holder, type LockWait } from '../lock/index.js';
import { LockLostError } from '../onboard/deadline.js';
import type { FleetLocks } from '../onboard/job-locks.js';
import { isUnreachable } from './unreachable.js';
import type { PostgresStore } from './store.js';

/** How often a wait for a switch another appliance holds asks again. */
const POLL_MS = 200;

/** A switch's lock in the database: a 64-bit advisory key from its name (the one-key space, apart from the two-key locks of lock-keys.ts). */
function lockId(key: string): string {
  return BigInt.asIntN(64, BigInt(`0x${createHash('sha256').update(`device ${key}`).digest('hex').slice(0, 16)}`)).toString();
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done);
  });
}

/**
 * Switch locks shared by every appliance on one database: session-level
 * advisory locks on one connection of this appliance kept for them, so that
 * they end with the connection, whichever way it ends (the process killed,
 * the box lost once TCP gives up on it, the server restarted). Who holds a
 * lock is written beside it (onramp_device_locks) and believed only while
 * that session still holds it. When the connection breaks, every lock held
 * on it is reported lost, and the next take opens a new connection.
 */
export class PgDeviceLocks implements FleetLocks {
  private session: Promise<pg.Client> | undefined;
  private readonly held = new Map<string, (reason: string) => void>();
  private turn: Promise<void> = Promise.resolve();

  constructor(private readonly store: PostgresStore) {}

  /** Throws LockLostError when the database cannot be reached: the job is done again once it can. */
  async take(key: string, what: string, wait: LockWait, lost: (reason: string) => void): Promise<HeldLock> {
    try {
      return await this.tryTake(key, what, wait, lost);
    } catch (err) {
      if (isUnreachable(err)) throw new LockLostError(key, `the database cannot be reached: ${(err as Error).message}`);
      throw err;
    }
  }

  private async tryTake(key: string, what: string, wait: LockWait, lost: (reason: string) => void): Promise<HeldLock> {
    const id = lockId(key);
    const started = Date.now();
    let told: string | undefined;
    for (;;) {
      if (wait.signal?.aborted === true) throw new LockAbortedError(key);
      const client = await this.connection();
      const rows = await this.inTurn(() => client.query<{ taken: boolean; backend: number }>('SELECT pg_try_advisory_lock($1::bigint) AS taken, pg_backend_pid() AS backend', [id]));
      const [row] = rows;
      if (row?.taken === true) {
        this.held.set(key, lost);
        const holder: Holder = { ...myself(what), appliance: this.store.appliance };
        await this.store.pool.query(
          `INSERT INTO onramp_device_locks (key, appliance, backend_pid, holder) VALUES ($1, $2, $3, $4)
           ON CONFLICT (key) DO UPDATE SET appliance = EXCLUDED.appliance, backend_pid = EXCLUDED.backend_pid, holder = EXCLUDED.holder`,
          [key, this.store.appliance, row.backend, JSON.stringify(holder)],
        ).catch(() => undefined);
        return { release: () => this.release(key, id, client) };
      }
      const holder = await this.holder(key);
      const now = JSON.stringify(holder ?? null);
      if (now !== told) {
        told = now;
        wait.onBusy?.(holder);
      }
      const left = wait.waitMs - (Date.now() - started);
      if (left <= 0) throw new LockBusyError(key, holder, wait.waitMs);
      await pause(Math.min(POLL_MS, left), wait.signal);
    }
  }

  /** Who holds `key`, as it wrote when it took it, while its session still holds an advisory lock. */
  private async holder(key: string): Promise<Holder | undefined> {
    const { rows } = await this.store.pool.query<{ holder: Holder }>(
      `SELECT d.holder FROM onramp_device_locks d WHERE d.key = $1
       AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.pid = d.backend_pid)`,
      [key],
    );
    return rows[0]?.holder;
  }

  private async release(key: string, id: string, client: pg.Client): Promise<void> {
    if (!this.held.delete(key)) return;
    // A broken session has let go already.
    if (this.session === undefined || await this.session !== client) return;
    await this.inTurn(() => client.query('SELECT pg_advisory_unlock($1::bigint)', [id])).catch(() => undefined);
  }

  /** The session's statements one after another (a client runs one at a time; queuing several on it is deprecated). */
  private inTurn<R extends pg.QueryResultRow>(statement: () => Promise<pg.QueryResult<R>>): Promise<R[]> {
    const result = this.turn.then(statement);
    this.turn = result.then(() => undefined, () => undefined);
    return result.then((answer) => answer.rows);
  }

  private connection(): Promise<pg.Client> {
    this.session ??= this.open();
    return this.session;
  }

  private async open(): Promise<pg.Client> {
    const client = new pg.Client(this.store.connectionConfig());
    const broken = (reason: string): void => {
      if (this.session === undefined) return;
      this.session = undefined;
      const lost = [...this.held.values()];
      this.held.clear();
      for (const tell of lost) tell(reason);
    };
    client.on('error', (err) => { broken(err.message); });
    client.on('end', () => { broken('the connection ended'); });
    try {
      await client.connect();
    } catch (err) {
      this.session = undefined;
      throw err;
    }
    return client;
  }

  /** Lets go of every lock and closes the session. */
  async close(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    this.held.clear();
    if (session !== undefined) await (await session).end().catch(() => undefined);
  }
}
