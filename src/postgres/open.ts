import { hostname } from 'node:os';
import type { BackupsDatabase } from '../backups/index.js';
import type { SharedTimeline } from '../journal/index.js';
import type { Logger } from '../log/index.js';
import type { FleetLocks, JobClaims } from '../onboard/index.js';
import type { SharedStore, StateStore } from '../state/index.js';
import type { JobQueueSettings } from './jobs.js';
import { parseStoreUrl, storePassword, StoreSettingsError } from './connection.js';

/** `--store URL` (or ONRAMP_STORE), `--store-password-file FILE`, `--name NAME` of a command. */
export interface StoreFlags {
  store?: string;
  storePasswordFile?: string;
  name?: string;
}

/** What a command works with: the state directory alone, or that and the database several appliances share. */
export interface OpenedStore {
  store: SharedStore;
  /** With a database: where backups go unless `--backups` says otherwise. */
  backups?: BackupsDatabase;
  /** With a database: this appliance's name, recorded beside what it does. */
  appliance?: string;
  /** With a database: switch locks every appliance on it respects. */
  locks?: FleetLocks;
  /** With a database and `queue`: the fleet's job queue. */
  claims?: JobClaims;
  /** With a database: the events of every appliance on it. */
  timeline?: SharedTimeline;
  close(): Promise<void>;
}

const APPLIANCE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** The flags of a commander option bag; wrong types are left out (commander gives strings). */
export function storeFlags(raw: Record<string, unknown>): StoreFlags {
  const text = (key: string): string | undefined => (typeof raw[key] === 'string' && raw[key] !== '' ? raw[key] : undefined);
  const flags: StoreFlags = {};
  const store = text('store');
  const passwordFile = text('storePasswordFile');
  const name = text('name');
  if (store !== undefined) flags.store = store;
  if (passwordFile !== undefined) flags.storePasswordFile = passwordFile;
  if (name !== undefined) flags.name = name;
  return flags;
}

/** `--name`, else the box's host name: how `onramp status` tells which appliance did what. */
export function applianceName(given: string | undefined): string {
  const name = given ?? hostname().split('.')[0] ?? 'onramp';
  if (!APPLIANCE_NAME.test(name)) throw new StoreSettingsError(`--name: expected letters, digits, '.', '_' or '-' (at most 63), got ${JSON.stringify(name.slice(0, 80))}`);
  return name;
}

/**
 * The store a command uses: the state directory, or with `--store` the
 * PostgreSQL database (the driver is loaded only then), whose schema is
 * brought up to date first. Throws StoreSettingsError on bad flags, a
 * password in the URL, or a database schema newer than this onramp.
 */
export async function openStore(
  state: StateStore, flags: StoreFlags, logger: Logger, options: { connections?: number; queue?: JobQueueSettings } = {},
): Promise<OpenedStore> {
  if (flags.store === undefined) {
    if (flags.storePasswordFile !== undefined) throw new StoreSettingsError('--store-password-file needs --store postgres://…');
    return { store: state, close: () => Promise.resolve() };
  }
  const address = parseStoreUrl(flags.store);
  const password = storePassword(flags.storePasswordFile);
  const appliance = applianceName(flags.name);
  const [{ PostgresStore }, { PostgresBackups }, { PgDeviceLocks }, { PgJobQueue }, { PgTimeline }] = await Promise.all([
    import('./store.js'), import('./backups.js'), import('./device-locks.js'), import('./jobs.js'), import('./timeline.js'),
  ]);
  const store = await PostgresStore.open({
    address, password, appliance, root: state.root, logger,
    ...(options.connections === undefined ? {} : { connections: options.connections }),
  });
  const locks = new PgDeviceLocks(store);
  const claims = options.queue === undefined ? undefined : new PgJobQueue(store, options.queue);
  try {
    await claims?.start();
  } catch (err) {
    await store.close();
    throw err;
  }
  return {
    store,
    backups: { versions: (keep) => new PostgresBackups(store, keep) },
    appliance,
    locks,
    timeline: new PgTimeline(store),
    ...(claims === undefined ? {} : { claims }),
    close: async () => {
      await claims?.close();
      await locks.close();
      await store.close();
    },
  };
}
