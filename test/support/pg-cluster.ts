import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { isRoot } from './system.js';

// A throwaway PostgreSQL server, for the tests (test/support/postgres.ts) and the fleet benchmark alike.
const run = promisify(execFile);

/** The user the server runs as when started by root: PostgreSQL refuses to run as root. */
const UNPRIVILEGED = 'nobody';
const NOBODY_UID = 65534;
const NOBODY_GID = 65534;
/** The cluster's superuser, which clients connect as. */
export const PG_USER = 'onramp';

/** Debian keeps the server binaries out of PATH, one folder per major version: the newest is used. */
export function postgresBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = join(root, version, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  return undefined;
}

/** A throwaway PostgreSQL server on a loopback port, with a password-protected superuser. */
export interface PgCluster {
  readonly port: number;
  readonly password: string;
  /** postgres://onramp@127.0.0.1:PORT/DATABASE, without the password (it is in PGPASSWORD for child processes). */
  url(database?: string): string;
  /** Environment for an onramp process that connects to this cluster. */
  env(): Record<string, string>;
  /** A fresh database. */
  createDatabase(name: string): Promise<string>;
  /** A client of `database`, ended by destroy(). */
  client(database?: string): Promise<pg.Client>;
  /** Stops the server (fast shutdown: connections are cut, as in a database restart). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Ends the clients, stops the server at once and removes its folder. */
  destroy(): Promise<void>;
  /** The postmaster's process id while the server runs (its backends are its children). */
  serverPid(): number | undefined;
}

export interface PgClusterOptions {
  /** The server's max_connections; default 200. */
  maxConnections?: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => { resolve(typeof address === 'object' && address !== null ? address.port : 0); });
    });
  });
}

/**
 * initdb into a temporary folder and starts the server on a free loopback
 * port, as `nobody` when run by root. `bin`: the folder of initdb and
 * pg_ctl (postgresBinaries()).
 */
export async function createCluster(bin: string, options: PgClusterOptions = {}): Promise<PgCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-pg-'));
  const data = join(dir, 'data');
  const password = randomBytes(12).toString('hex');
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (isRoot) {
    chownSync(dir, NOBODY_UID, NOBODY_GID);
    chownSync(pwfile, NOBODY_UID, NOBODY_GID);
  }
  const as = (command: string, args: string[]): Promise<{ stdout: string; stderr: string }> =>
    isRoot ? run('runuser', ['-u', UNPRIVILEGED, '--', join(bin, command), ...args], { cwd: dir }) : run(join(bin, command), args, { cwd: dir });
  try {
    await as('initdb', ['-D', data, '-U', PG_USER, `--pwfile=${pwfile}`, '--auth-host=scram-sha-256', '--auth-local=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const port = await freePort();
  // No fsync: the cluster is thrown away, and durability is not what is measured.
  const serverOptions = `-p ${String(port)} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=${String(options.maxConnections ?? 200)}`;
  const logFile = join(dir, 'server.log');
  const start = async (): Promise<void> => { await as('pg_ctl', ['-D', data, '-l', logFile, '-o', serverOptions, '-w', '-t', '60', 'start']); };
  const stop = async (mode: 'fast' | 'immediate' = 'fast'): Promise<void> => { await as('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']); };
  try {
    await start();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const clients: pg.Client[] = [];
  let running = true;
  const url = (database = 'postgres'): string => `postgres://${PG_USER}@127.0.0.1:${String(port)}/${database}`;
  const client = async (database = 'postgres'): Promise<pg.Client> => {
    const connection = new pg.Client({ host: '127.0.0.1', port, user: PG_USER, database, password });
    // A server stopped under a client ends it with an error event; its caller sees the failures itself.
    connection.on('error', () => undefined);
    await connection.connect();
    clients.push(connection);
    return connection;
  };
  return {
    port,
    password,
    url,
    env: () => ({ PGPASSWORD: password }),
    async createDatabase(name: string) {
      if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`not a database name: ${name}`);
      const admin = await client();
      await admin.query(`CREATE DATABASE ${name}`);
      return url(name);
    },
    client,
    async stop() {
      await stop();
      running = false;
    },
    async start() {
      await start();
      running = true;
    },
    serverPid() {
      if (!running) return undefined;
      const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    },
    async destroy() {
      for (const connection of clients) await connection.end().catch(() => undefined);
      if (running) await stop('immediate').catch(() => undefined);
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
