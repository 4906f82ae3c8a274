import { entryFromJson, type JournalEntry, type SharedTimeline, type TimelineRow } from '../journal/index.js';
import { Events } from '../log/index.js';
import { LOCKS } from './lock-keys.js';
import type { PostgresStore } from './store.js';
import { jsonb } from './jsonb.js';

/** Entries the database keeps, the newest of every appliance together; the last drift of each device is kept apart, whatever its age. */
export const TIMELINE_KEEP = 500_000;
/** Rows this appliance records between two prunes of the oldest. */
const PRUNE_EVERY = 2000;

interface EventRow {
  seq: string;
  instance: string;
  entry: unknown;
}

/**
 * The fleet's timeline in onramp_events: each appliance's entries, a burst
 * per transaction. The transactions take one advisory lock in turn, so that
 * seq is handed out in the order rows become visible: a reader asking for
 * what came after the last seq it saw never misses a row that commits
 * later with a smaller one. Each device's last drift is kept in
 * onramp_drifts past the timeline's bound, as the state directory keeps it
 * past the journal's rotation.
 */
export class PgTimeline implements SharedTimeline {
  private recordedSincePrune = 0;

  constructor(private readonly store: PostgresStore, private readonly keep = TIMELINE_KEEP) {}

  async record(entries: readonly JournalEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const drifts = new Map<string, JournalEntry>();
    for (const entry of entries) {
      if (entry.event === Events.checkDrift && entry.device !== undefined) drifts.set(entry.device.toLowerCase(), entry);
    }
    await this.store.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCKS.timeline]);
      await client.query(
        `INSERT INTO onramp_events (instance, appliance, entry)
         SELECT $1, $2, item.entry FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS item(entry, n) ORDER BY item.n`,
        [this.store.instance, this.store.appliance, jsonb(entries)],
      );
      for (const [device, entry] of drifts) {
        await client.query(
          `INSERT INTO onramp_drifts (device, entry, appliance) VALUES ($1, $2, $3)
           ON CONFLICT (device) DO UPDATE SET entry = EXCLUDED.entry, appliance = EXCLUDED.appliance
           WHERE (onramp_drifts.entry->>'time')::double precision <= (EXCLUDED.entry->>'time')::double precision`,
          [device, jsonb(entry), this.store.appliance],
        );
      }
    });
    this.recordedSincePrune += entries.length;
    if (this.recordedSincePrune >= PRUNE_EVERY) {
      this.recordedSincePrune = 0;
      await this.store.pool.query('DELETE FROM onramp_events WHERE seq <= (SELECT max(seq) FROM onramp_events) - $1', [this.keep]);
    }
  }

  async newest(limit: number): Promise<TimelineRow[]> {
    const { rows } = await this.store.pool.query<EventRow>(
      'SELECT seq, instance, entry FROM (SELECT seq, instance, entry FROM onramp_events ORDER BY seq DESC LIMIT $1) AS newest ORDER BY seq', [limit]);
    return this.rowsOf(rows);
  }

  async after(seq: number, limit: number): Promise<TimelineRow[]> {
    const { rows } = await this.store.pool.query<EventRow>('SELECT seq, instance, entry FROM onramp_events WHERE seq > $1 ORDER BY seq LIMIT $2', [seq, limit]);
    return this.rowsOf(rows);
  }

  async lastDrifts(): Promise<JournalEntry[]> {
    const { rows } = await this.store.pool.query<{ entry: unknown }>('SELECT entry FROM onramp_drifts');
    return rows.flatMap((row) => entryFromJson(row.entry) ?? []);
  }

  /** Rows whose entry is not one (written by hand) are passed over. */
  private rowsOf(rows: readonly EventRow[]): TimelineRow[] {
    return rows.flatMap((row) => {
      const entry = entryFromJson(row.entry);
      return entry === undefined ? [] : [{ seq: Number(row.seq), own: row.instance === this.store.instance, entry }];
    });
  }
}
