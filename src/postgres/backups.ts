import { createHash } from 'node:crypto';
import { describeCause, newVersionId, rollbackLines, rollbackText, type BackupTrigger, type BackupVersion, type VersionStore } from '../backups/index.js';
import { diffConfigs } from '../config/index.js';
import { LOCKS } from './lock-keys.js';
import type { PostgresStore } from './store.js';

interface VersionRow {
  id: string;
  time: Date;
  sha256: string;
  cause: string | null;
}

function versionOf(row: VersionRow): BackupVersion {
  return { id: row.id, time: row.time.toISOString(), sha256: row.sha256, ...(row.cause === null ? {} : { cause: row.cause }) };
}

/**
 * The backup store in the database: every appliance saves into one history
 * per device (onramp_backups), and `onramp history` on any of them reads
 * it. As the file store: a config equal to the latest version is not
 * stored again, beyond `keep` versions the oldest are pruned, and a
 * version may carry its sealed unmasked copy and a push's rollback.
 */
export class PostgresBackups implements VersionStore {
  constructor(private readonly store: PostgresStore, private readonly keep: number) {
    if (!Number.isSafeInteger(keep) || keep < 1) throw new RangeError(`backups.keep must be a positive integer, got ${String(keep)}`);
  }

  async list(host: string): Promise<BackupVersion[]> {
    const { rows } = await this.store.pool.query<VersionRow>('SELECT id, time, sha256, cause FROM onramp_backups WHERE device = $1 ORDER BY seq', [host]);
    return rows.map(versionOf);
  }

  async read(host: string, id: string): Promise<string | undefined> {
    return this.column(host, id, 'config');
  }

  async readSealed(host: string, id: string): Promise<string | undefined> {
    return this.column(host, id, 'sealed');
  }

  async restorable(host: string): Promise<Set<string>> {
    const { rows } = await this.store.pool.query<{ id: string }>('SELECT id FROM onramp_backups WHERE device = $1 AND sealed IS NOT NULL', [host]);
    return new Set(rows.map((row) => row.id));
  }

  async saveRollback(host: string, id: string, maskedLines: readonly string[]): Promise<void> {
    const { rowCount } = await this.store.pool.query('UPDATE onramp_backups SET rollback = $3 WHERE device = $1 AND id = $2', [host, id, rollbackText(maskedLines)]);
    if (rowCount === 0) throw new Error(`${host} has no backup version ${id} to keep a rollback beside`);
  }

  async readRollback(host: string, id: string): Promise<string[] | undefined> {
    const text = await this.column(host, id, 'rollback');
    return text === undefined ? undefined : rollbackLines(text);
  }

  save(host: string, maskedConfig: string, nowMs: number, trigger: BackupTrigger = { kind: 'event' }, sealed?: string): Promise<BackupVersion | undefined> {
    const sha256 = createHash('sha256').update(maskedConfig).digest('hex');
    // One device's history is changed by one appliance at a time: two saving at once each keep theirs, in turn.
    return this.store.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCKS.backups, host]);
      const { rows: latestRows } = await client.query<{ id: string; sha256: string; config: string }>(
        'SELECT id, sha256, config FROM onramp_backups WHERE device = $1 ORDER BY seq DESC LIMIT 1', [host]);
      const latest = latestRows[0];
      if (latest?.sha256 === sha256) {
        if (sealed !== undefined) await client.query('UPDATE onramp_backups SET sealed = $3 WHERE device = $1 AND id = $2', [host, latest.id, sealed]);
        return undefined;
      }
      const { rows: ids } = await client.query<{ id: string }>('SELECT id FROM onramp_backups WHERE device = $1', [host]);
      const taken = new Set(ids.map((row) => row.id));
      const id = newVersionId(nowMs, (candidate) => taken.has(candidate));
      const diff = diffConfigs(latest?.config ?? '', maskedConfig, { expected: 'previous', actual: 'new' });
      const version: BackupVersion = { id, time: new Date(nowMs).toISOString(), sha256, cause: describeCause(trigger, diff.added, diff.removed) };
      await client.query(
        'INSERT INTO onramp_backups (device, id, time, sha256, cause, config, sealed, appliance) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [host, id, version.time, sha256, version.cause, maskedConfig, sealed ?? null, this.store.appliance],
      );
      await client.query(
        'DELETE FROM onramp_backups WHERE device = $1 AND seq NOT IN (SELECT seq FROM onramp_backups WHERE device = $1 ORDER BY seq DESC LIMIT $2)',
        [host, this.keep],
      );
      return version;
    });
  }

  private async column(host: string, id: string, column: 'config' | 'sealed' | 'rollback'): Promise<string | undefined> {
    const { rows } = await this.store.pool.query<{ text: string | null }>(`SELECT ${column} AS text FROM onramp_backups WHERE device = $1 AND id = $2`, [host, id]);
    return rows[0]?.text ?? undefined;
  }
}
