import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../log/index.js';
import type { Book, BookEdit, SharedStore } from '../state/index.js';
import { clientConfig, poolConfig, type StoreAddress } from './connection.js';
import { migrate } from './migrations.js';
import { TransactionEdit } from './records.js';

/** SQLSTATEs of a transaction PostgreSQL chose to abort for another's sake: it is run again. */
const RETRIED = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 5;

export interface PostgresStoreOptions {
  address: StoreAddress;
  password: string | undefined;
  /** This appliance's name, recorded beside what it writes. */
  appliance: string;
  /** This box's state directory. */
  root: string;
  logger: Logger;
  /** Connections this appliance keeps at most. */
  connections?: number;
}

/**
 * The shared state in PostgreSQL: every book is rows of onramp_records
 * (book, key, value), each change a transaction that holds what it read
 * (see TransactionEdit) until it commits. Opening it applies the schema's
 * missing steps, and refuses a database whose schema is newer.
 */
export class PostgresStore implements SharedStore {
  readonly root: string;
  readonly url: string;
  readonly appliance: string;
  /** This process among the appliances on the database (two may share a name by mistake; a restart is a new instance). */
  readonly instance = randomUUID();
  readonly pool: pg.Pool;
  private readonly logger: Logger;
  private readonly settings: pg.ClientConfig;

  private constructor(options: PostgresStoreOptions, pool: pg.Pool, settings: pg.ClientConfig) {
    this.root = options.root;
    this.url = options.address.url;
    this.appliance = options.appliance;
    this.pool = pool;
    this.logger = options.logger;
    this.settings = settings;
  }

  /** The settings of one more connection of its own (the one holding switch locks). */
  connectionConfig(): pg.ClientConfig {
    return this.settings;
  }

  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const settings = clientConfig(options.address, options.password, options.appliance);
    const pool = new pg.Pool(poolConfig(settings, options.connections ?? 10));
    const store = new PostgresStore(options, pool, settings);
    // An idle connection the server cut (a restart) is an error event of the pool, not a crash; the next query reconnects.
    pool.on('error', (err) => {
      store.logger.warn({ err: { message: err.message }, store: store.url }, `a connection to ${store.url} was lost`);
    });
    try {
      const client = await pool.connect();
      try {
        const applied = await migrate(client, options.appliance);
        if (applied.length > 0) options.logger.info({ store: store.url, versions: applied }, `${store.url}: schema steps ${applied.join(', ')} applied`);
      } finally {
        client.release();
      }
    } catch (err) {
      await pool.end();
      throw err;
    }
    return store;
  }

  where<T>(book: Book<T>): string {
    return `${this.url} (book ${book.name})`;
  }

  async get<T>(book: Book<T>, key: string): Promise<T | undefined> {
    const { rows } = await this.pool.query<{ value: T }>('SELECT value FROM onramp_records WHERE book = $1 AND key = $2', [book.name, key]);
    return rows[0]?.value;
  }

  async all<T>(book: Book<T>): Promise<Record<string, T>> {
    const { rows } = await this.pool.query<{ key: string; value: T }>('SELECT key, value FROM onramp_records WHERE book = $1', [book.name]);
    return Object.fromEntries(rows.map((row) => [row.key, row.value]));
  }

  edit<T, R>(book: Book<T>, work: (edit: BookEdit<T>) => Promise<R> | R): Promise<R> {
    return this.transaction(async (client) => {
      const edit = new TransactionEdit(client, book);
      const result = await work(edit);
      await edit.commit(this.appliance);
      return result;
    });
  }

  /** Runs `work` in a transaction, again when PostgreSQL aborted it for a deadlock or a serialization failure. */
  async transaction<R>(work: (client: pg.PoolClient) => Promise<R>): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken = false;
      // A connection cut between two statements (a server restart) is an error event of the client: without a
      // listener it would end the process; the next statement fails instead, and the client is not reused.
      const cut = (): void => { broken = true; };
      client.on('error', cut);
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => { broken = true; });
        const code = (err as { code?: unknown }).code;
        if (typeof code === 'string' && RETRIED.has(code) && attempt < MAX_ATTEMPTS) continue;
        throw err;
      } finally {
        client.off('error', cut);
        client.release(broken);
      }
    }
  }

  private closing: Promise<void> | undefined;

  /** Ends every connection; a second call waits for the first. */
  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }
}
