import { hostname } from 'node:os';
import type { ClaimedJob, JobClaims } from '../onboard/fleet-queue.js';
import type { QueuedWork } from '../onboard/work-queue.js';
import { isUnreachable } from './unreachable.js';
import type { PostgresStore } from './store.js';
import { jsonb } from './jsonb.js';

export interface JobQueueSettings {
  /** An appliance not heard from for this long has its jobs taken over. */
  takeoverMs: number;
  /** The same work (a lease both failover peers saw) claimed again within this is the same job. */
  windowMs: number;
}

export const DEFAULT_TAKEOVER_MS = 30_000;
export const DEFAULT_DEDUPE_WINDOW_MS = 120_000;
/** Ended jobs and old claims are kept this long for whoever looks into the queue, then removed. */
const KEEP_ENDED = '1 day';

/**
 * The fleet's job queue in plain tables. Claiming a job is one transaction:
 * its dedupe key goes into onramp_claims, whose primary key lets one
 * appliance in (and again only once the window has passed since the time
 * the first claim saw), then the job row is written with this appliance as
 * its owner. Each appliance writes that it is alive (onramp_appliances)
 * every third of the takeover time; jobs whose owner is not heard from for
 * the takeover time, or that were released, are taken by a peer with
 * FOR UPDATE SKIP LOCKED, so two peers sweeping at once never take the same
 * one. An appliance takes over only once it has itself been heard without a
 * gap for the takeover time: after a database outage every appliance's
 * heartbeat is old, and each gets that long to write a new one before its
 * jobs count as abandoned. The switch locks (a session's advisory locks,
 * PgDeviceLocks) keep a job taken over from running on a switch while the
 * one that took it first still does.
 */
export class PgJobQueue implements JobClaims {
  readonly sweepEveryMs: number;
  private heartbeat: NodeJS.Timeout | undefined;
  /** Date.now() of the first heartbeat written since the last that failed; undefined while they fail. */
  private heardSince: number | undefined;

  constructor(private readonly store: PostgresStore, private readonly settings: JobQueueSettings) {
    this.sweepEveryMs = Math.max(250, Math.round(settings.takeoverMs / 4));
  }

  /** Says this appliance is here, and keeps saying it. */
  async start(): Promise<void> {
    await this.alive();
    this.heartbeat = setInterval(() => { this.alive().catch(() => undefined); }, Math.max(200, Math.round(this.settings.takeoverMs / 3)));
    this.heartbeat.unref();
  }

  /** Writes that this appliance is here; throws when the database cannot be reached. */
  async alive(): Promise<void> {
    try {
      await this.store.pool.query(
        `INSERT INTO onramp_appliances (instance, name, host, pid) VALUES ($1, $2, $3, $4)
         ON CONFLICT (instance) DO UPDATE SET seen_at = now()`,
        [this.store.instance, this.store.appliance, hostname(), process.pid],
      );
    } catch (err) {
      this.heardSince = undefined;
      throw err;
    }
    this.heardSince ??= Date.now();
  }

  unreachable(err: unknown): boolean {
    return isUnreachable(err);
  }

  async claim(work: QueuedWork, dedupe: string | undefined, seenAt: number): Promise<ClaimedJob | undefined> {
    const id = await this.store.transaction(async (client) => {
      if (dedupe !== undefined) {
        const { rowCount } = await client.query(
          `INSERT INTO onramp_claims (key, seen_at, appliance) VALUES ($1, to_timestamp($2 / 1000.0), $3)
           ON CONFLICT (key) DO UPDATE SET seen_at = EXCLUDED.seen_at, appliance = EXCLUDED.appliance, job = NULL
           WHERE abs(extract(epoch FROM EXCLUDED.seen_at - onramp_claims.seen_at)) * 1000 > $4`,
          [dedupe, seenAt, this.store.appliance, this.settings.windowMs],
        );
        if (rowCount === 0) return undefined;
      }
      const { rows } = await client.query<{ id: string }>(
        'INSERT INTO onramp_jobs (work, owner, appliance, taken_at) VALUES ($1, $2, $3, now()) RETURNING id',
        [jsonb(work), this.store.instance, this.store.appliance],
      );
      const job = rows[0]?.id;
      if (dedupe !== undefined && job !== undefined) await client.query('UPDATE onramp_claims SET job = $2 WHERE key = $1', [dedupe, job]);
      return job;
    });
    return id === undefined ? undefined : this.claimed(id, work);
  }

  async takeOver(): Promise<ClaimedJob[]> {
    if (this.heardSince === undefined || Date.now() - this.heardSince < this.settings.takeoverMs) return [];
    const { rows } = await this.store.pool.query<{ id: string; work: QueuedWork }>(
      `UPDATE onramp_jobs SET owner = $1, appliance = $2, taken_at = now(), attempts = attempts + 1
       WHERE id IN (
         SELECT j.id FROM onramp_jobs j LEFT JOIN onramp_appliances a ON a.instance = j.owner
         WHERE j.done_at IS NULL AND (j.owner IS NULL OR a.instance IS NULL OR a.seen_at < now() - make_interval(secs => $3 / 1000.0))
         ORDER BY j.id LIMIT 100 FOR UPDATE OF j SKIP LOCKED)
       RETURNING id, work`,
      [this.store.instance, this.store.appliance, this.settings.takeoverMs],
    );
    if (rows.length > 0) await this.prune();
    return rows.sort((a, b) => Number(a.id) - Number(b.id)).map((row) => this.claimed(row.id, row.work));
  }

  async unfinished(): Promise<ClaimedJob[]> {
    const { rows } = await this.store.pool.query<{ id: string; work: QueuedWork }>(
      'SELECT id, work FROM onramp_jobs WHERE owner = $1 AND done_at IS NULL ORDER BY id', [this.store.instance]);
    return rows.map((row) => this.claimed(row.id, row.work));
  }

  private async prune(): Promise<void> {
    await this.store.pool.query(`DELETE FROM onramp_jobs WHERE done_at < now() - interval '${KEEP_ENDED}'`);
    await this.store.pool.query(`DELETE FROM onramp_claims WHERE seen_at < now() - interval '${KEEP_ENDED}'`);
    await this.store.pool.query(`DELETE FROM onramp_appliances WHERE seen_at < now() - interval '${KEEP_ENDED}'`);
  }

  private claimed(id: string, work: QueuedWork): ClaimedJob {
    return {
      id,
      work,
      done: async (result) => {
        await this.store.pool.query('UPDATE onramp_jobs SET done_at = now(), result = $3 WHERE id = $1 AND owner = $2', [id, this.store.instance, result]);
      },
      release: async () => {
        await this.store.pool.query('UPDATE onramp_jobs SET owner = NULL WHERE id = $1 AND owner = $2 AND done_at IS NULL', [id, this.store.instance]);
      },
    };
  }

  /** Stops saying this appliance is here, and says it left: its released jobs are taken at once. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.store.pool.query('DELETE FROM onramp_appliances WHERE instance = $1', [this.store.instance]).catch(() => undefined);
  }
}
