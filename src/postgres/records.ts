import type pg from 'pg';
import type { Book, BookEdit } from '../state/index.js';
import { LOCKS } from './lock-keys.js';
import { jsonb } from './jsonb.js';

/**
 * One change of a book inside a transaction. A record read is locked for
 * the rest of the transaction (an advisory lock on the book and key, with
 * the book itself held shared); reading them all holds the book exclusive.
 * Writes are kept and made at the end, with the appliance's name beside
 * them.
 */
export class TransactionEdit<T> implements BookEdit<T> {
  private readonly read = new Map<string, T | undefined>();
  private readonly writes = new Map<string, T | undefined>();
  private bookHeld: 'shared' | 'exclusive' | undefined;

  constructor(private readonly client: pg.ClientBase, private readonly book: Book<T>) {}

  async get(key: string): Promise<T | undefined> {
    if (this.writes.has(key)) return this.writes.get(key);
    if (this.read.has(key)) return this.read.get(key);
    await this.lockRecord(key);
    const { rows } = await this.client.query<{ value: T }>('SELECT value FROM onramp_records WHERE book = $1 AND key = $2', [this.book.name, key]);
    const value = rows[0]?.value;
    this.read.set(key, value);
    return value;
  }

  async all(): Promise<Record<string, T>> {
    if (this.bookHeld !== 'exclusive') {
      await this.client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCKS.book, this.book.name]);
      this.bookHeld = 'exclusive';
    }
    const { rows } = await this.client.query<{ key: string; value: T }>('SELECT key, value FROM onramp_records WHERE book = $1', [this.book.name]);
    const records: Record<string, T> = {};
    for (const row of rows) {
      records[row.key] = row.value;
      this.read.set(row.key, row.value);
    }
    for (const [key, value] of this.writes) {
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
      if (value === undefined) delete records[key];
      else records[key] = value;
    }
    return records;
  }

  set(key: string, value: T): void {
    this.writes.set(key, value);
  }

  delete(key: string): void {
    this.writes.set(key, undefined);
  }

  /** Makes the writes; a record set to what it already was is left alone. */
  async commit(appliance: string | undefined): Promise<void> {
    for (const [key, value] of this.writes) {
      if (this.read.has(key) && JSON.stringify(this.read.get(key)) === JSON.stringify(value)) continue;
      await this.lockRecord(key);
      if (value === undefined) {
        await this.client.query('DELETE FROM onramp_records WHERE book = $1 AND key = $2', [this.book.name, key]);
        continue;
      }
      await this.client.query(
        `INSERT INTO onramp_records (book, key, value, appliance) VALUES ($1, $2, $3, $4)
         ON CONFLICT (book, key) DO UPDATE SET value = EXCLUDED.value, appliance = EXCLUDED.appliance, updated_at = now()`,
        [this.book.name, key, jsonb(value), appliance ?? null],
      );
    }
  }

  private readonly locked = new Set<string>();

  private async lockRecord(key: string): Promise<void> {
    if (this.locked.has(key)) return;
    if (this.bookHeld === undefined) {
      await this.client.query('SELECT pg_advisory_xact_lock_shared($1, hashtext($2))', [LOCKS.book, this.book.name]);
      this.bookHeld = 'shared';
    }
    if (this.bookHeld === 'shared') {
      await this.client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCKS.record, `${this.book.name}/${key}`]);
    }
    this.locked.add(key);
  }
}
