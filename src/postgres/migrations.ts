import type pg from 'pg';
import { LOCKS } from './lock-keys.js';
import { StoreSettingsError } from './connection.js';

/** One step of the schema; applied once, in order, each in its own transaction. */
export interface Migration {
  version: number;
  /** Recorded with the version: a database whose step N has another name was made by another program. */
  name: string;
  sql: string;
}

/** The schema, oldest step first. A released step is never changed: a change is a new step. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'records and backups',
    sql: `
      CREATE TABLE onramp_records (
        book text NOT NULL,
        key text NOT NULL,
        value jsonb NOT NULL,
        appliance text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (book, key)
      );
      CREATE TABLE onramp_backups (
        device text NOT NULL,
        id text NOT NULL,
        seq bigserial NOT NULL,
        time timestamptz NOT NULL,
        sha256 text NOT NULL,
        cause text,
        config text NOT NULL,
        sealed text,
        rollback text,
        appliance text,
        PRIMARY KEY (device, id)
      );
      CREATE INDEX onramp_backups_history ON onramp_backups (device, seq);
    `,
  },
  {
    version: 2,
    name: 'appliances, jobs and device locks',
    sql: `
      CREATE TABLE onramp_appliances (
        instance uuid PRIMARY KEY,
        name text NOT NULL,
        host text NOT NULL,
        pid integer NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        seen_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE onramp_jobs (
        id bigserial PRIMARY KEY,
        work jsonb NOT NULL,
        owner uuid,
        appliance text,
        taken_at timestamptz,
        attempts integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        done_at timestamptz,
        result text
      );
      CREATE INDEX onramp_jobs_open ON onramp_jobs (id) WHERE done_at IS NULL;
      CREATE TABLE onramp_claims (
        key text PRIMARY KEY,
        seen_at timestamptz NOT NULL,
        job bigint,
        appliance text NOT NULL
      );
      CREATE TABLE onramp_device_locks (
        key text PRIMARY KEY,
        appliance text NOT NULL,
        backend_pid integer NOT NULL,
        holder jsonb NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'shared timeline',
    sql: `
      CREATE TABLE onramp_events (
        seq bigserial PRIMARY KEY,
        instance uuid NOT NULL,
        appliance text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        entry jsonb NOT NULL
      );
      CREATE TABLE onramp_drifts (
        device text PRIMARY KEY,
        entry jsonb NOT NULL,
        appliance text NOT NULL
      );
    `,
  },
];

export const SCHEMA_VERSION = Math.max(...MIGRATIONS.map((migration) => migration.version));

export class SchemaError extends StoreSettingsError {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaError';
  }
}

/**
 * Brings the database's schema up to this program's, holding a lock so that
 * two appliances starting at once do not both apply a step. A database
 * whose schema is newer than the program (another appliance was upgraded
 * first) is refused: this program would not know what the newer steps mean.
 * Returns the versions applied now.
 */
export async function migrate(client: pg.ClientBase, appliance: string, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  await client.query('SELECT pg_advisory_lock($1, 0)', [LOCKS.migrations]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS onramp_schema (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      applied_by text NOT NULL
    )`);
    const { rows } = await client.query<{ version: number; name: string }>('SELECT version, name FROM onramp_schema ORDER BY version');
    const latest = Math.max(0, ...migrations.map((migration) => migration.version));
    const newest = rows.at(-1)?.version ?? 0;
    if (newest > latest) {
      throw new SchemaError(`the database's onramp schema is version ${String(newest)}, newer than this onramp's (${String(latest)}): upgrade onramp here before starting it against this database`);
    }
    for (const row of rows) {
      const ours = migrations.find((migration) => migration.version === row.version);
      if (ours?.name !== row.name) {
        throw new SchemaError(`the database's onramp schema step ${String(row.version)} is ${JSON.stringify(row.name)}, not this onramp's ${JSON.stringify(ours?.name ?? 'none')}: it was made by another program`);
      }
    }
    const applied: number[] = [];
    for (const migration of migrations) {
      if (rows.some((row) => row.version === migration.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO onramp_schema (version, name, applied_by) VALUES ($1, $2, $3)', [migration.version, migration.name, appliance]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
      applied.push(migration.version);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1, 0)', [LOCKS.migrations]);
  }
}
