import { readFileSync, statSync } from 'node:fs';
import type { ClientConfig, PoolConfig } from 'pg';

/** Bad `--store` or password settings: onramp does not start (exit 2). */
export class StoreSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreSettingsError';
  }
}

export interface StoreAddress {
  host: string;
  port: number;
  user: string;
  database: string;
  ssl: 'disable' | 'require' | 'verify-full';
  /** The address as printed in messages and commands: never with a password. */
  url: string;
}

const SSL_MODES = new Set(['disable', 'require', 'verify-full']);
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$/;

/**
 * `postgres://USER@HOST[:PORT]/DATABASE[?sslmode=disable|require|verify-full]`.
 * A password in the URL is refused: a command line is visible to every user
 * of the box and lands in shell histories and logs; it comes from PGPASSWORD
 * or a 0600 file instead.
 */
export function parseStoreUrl(text: string): StoreAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new StoreSettingsError(`--store: expected postgres://USER@HOST[:PORT]/DATABASE, got ${JSON.stringify(text.replace(/:[^@/]*@/, ':…@').slice(0, 200))}`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new StoreSettingsError(`--store: expected a postgres:// URL, got a ${url.protocol.replace(/:$/, '')} URL`);
  }
  if (url.password !== '') {
    throw new StoreSettingsError('--store: the URL carries a password; give it in PGPASSWORD or a 0600 file (--store-password-file) instead, so that it is in no command line or log');
  }
  const user = decodeURIComponent(url.username);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!NAME.test(user)) throw new StoreSettingsError(`--store: expected a user name (postgres://USER@HOST/DATABASE), got ${JSON.stringify(user.slice(0, 80))}`);
  if (!NAME.test(database)) throw new StoreSettingsError(`--store: expected a database name (postgres://USER@HOST/DATABASE), got ${JSON.stringify(database.slice(0, 80))}`);
  if (url.hostname === '') throw new StoreSettingsError('--store: the URL names no host');
  const sslmode = url.searchParams.get('sslmode') ?? 'disable';
  if (!SSL_MODES.has(sslmode)) throw new StoreSettingsError(`--store: sslmode: expected disable, require or verify-full, got ${JSON.stringify(sslmode.slice(0, 40))}`);
  const unknown = [...url.searchParams.keys()].filter((key) => key !== 'sslmode');
  if (unknown.length > 0) throw new StoreSettingsError(`--store: unknown parameter ${JSON.stringify(unknown[0]?.slice(0, 40))}; only sslmode is understood`);
  const port = url.port === '' ? 5432 : Number(url.port);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const shown = `postgres://${encodeURIComponent(user)}@${url.host}/${encodeURIComponent(database)}${sslmode === 'disable' ? '' : `?sslmode=${sslmode}`}`;
  return { host, port, user, database, ssl: sslmode as StoreAddress['ssl'], url: shown };
}

const SECRET_FILE_MODES = new Set([0o600, 0o400]);

/** The password: a 0600 (or 0400) file when one is named, else PGPASSWORD, else none (trust or peer authentication). */
export function storePassword(passwordFile: string | undefined): string | undefined {
  if (passwordFile === undefined) {
    const fromEnv = process.env.PGPASSWORD;
    return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
  }
  let mode: number;
  try {
    const stats = statSync(passwordFile);
    if (!stats.isFile()) throw new StoreSettingsError(`--store-password-file: ${passwordFile} is not a regular file`);
    mode = stats.mode & 0o777;
  } catch (err) {
    if (err instanceof StoreSettingsError) throw err;
    throw new StoreSettingsError(`--store-password-file: cannot read ${passwordFile} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!SECRET_FILE_MODES.has(mode)) {
    throw new StoreSettingsError(`--store-password-file: ${passwordFile} has mode ${mode.toString(8).padStart(4, '0')}; it must be 0600 or 0400 (chmod 600 ${passwordFile})`);
  }
  const password = readFileSync(passwordFile, 'utf8').replace(/\r?\n$/, '');
  if (password === '') throw new StoreSettingsError(`--store-password-file: ${passwordFile} is empty`);
  return password;
}

/** Settings every connection of one appliance shares. */
export function clientConfig(address: StoreAddress, password: string | undefined, appliance: string): ClientConfig {
  return {
    host: address.host,
    port: address.port,
    user: address.user,
    database: address.database,
    ...(password === undefined ? {} : { password }),
    ...(address.ssl === 'disable' ? {} : { ssl: { rejectUnauthorized: address.ssl === 'verify-full' } }),
    // The database names who is connected (pg_stat_activity), and a dead peer's connection is noticed by TCP keepalives.
    application_name: `onramp ${appliance}`.slice(0, 63),
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    connectionTimeoutMillis: 5000,
    // A statement stuck behind a lost peer's lock ends rather than holding its caller forever.
    statement_timeout: 30_000,
  };
}

/** The pool of one appliance's connections: `max` at most, an idle one closed after a while. */
export function poolConfig(client: ClientConfig, max: number): PoolConfig {
  return { ...client, max, idleTimeoutMillis: 30_000 };
}
