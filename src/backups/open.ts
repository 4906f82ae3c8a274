import { resolve } from 'node:path';
import { SiteFileError, type Site } from '../inventory/index.js';
import type { Logger } from '../log/index.js';
import type { StateStore } from '../state/index.js';
import { BackupStore, DEFAULT_BACKUPS_KEEP } from './file-store.js';
import { GitBackupStore } from './git-store.js';
import { BackupPusher, type PushBackoff } from './push.js';
import type { BackupsDatabase, VersionStore } from './types.js';

/** Where a state directory's backups are, written by the process that saves them so `history` and `status` read the same. */
const WHERE_FILE = ['backups.json'];

export type BackupsLocation = { store: 'file' } | { store: 'git'; dir: string };

/** `--backups file` (the state directory, the default) or `--backups git:DIR`. */
export function parseBackupsLocation(spec: string): BackupsLocation {
  if (spec === 'file') return { store: 'file' };
  if (spec.startsWith('git:') && spec.length > 4) return { store: 'git', dir: resolve(spec.slice(4)) };
  throw new Error(`--backups: expected "file" or "git:DIR", got ${JSON.stringify(spec.slice(0, 200))}`);
}

export interface BackupsSettings {
  /** `--backups`; not given: the shared database when there is one, else the state directory. */
  location?: BackupsLocation;
  /** The shared store's database, where backups go unless `location` says otherwise. */
  database?: BackupsDatabase;
  keep?: number;
  /** The git store's remote (ssh://, file:// or user@host:path). */
  remote?: string;
  logger: Logger;
  pushBackoff?: PushBackoff;
}

/**
 * The store a process saves to; it records where, for the readers of its
 * state directory (a database's readers name it themselves).
 */
export async function openBackupsForWriting(state: StateStore, settings: BackupsSettings): Promise<VersionStore> {
  if (settings.location === undefined && settings.database !== undefined) return settings.database.versions(settings.keep ?? DEFAULT_BACKUPS_KEEP);
  const location = settings.location ?? { store: 'file' };
  await state.writeJson(WHERE_FILE, location);
  if (location.store === 'file') return new BackupStore(state, settings.keep);
  const pusher = settings.remote === undefined ? undefined : new BackupPusher(location.dir, settings.remote, settings.logger, settings.pushBackoff);
  return new GitBackupStore(location.dir, pusher);
}

/** The store `history` reads: the one named, else the shared database, else the one the state directory's writer recorded, else its files. */
export async function openBackupsForReading(state: StateStore, named: BackupsLocation | undefined, database?: BackupsDatabase): Promise<VersionStore> {
  if (named === undefined && database !== undefined) return database.versions(DEFAULT_BACKUPS_KEEP);
  const location = named ?? await state.readJson<BackupsLocation>(WHERE_FILE, { store: 'file' });
  return location.store === 'git' ? new GitBackupStore(location.dir) : new BackupStore(state);
}

/**
 * The remote the sites name for the git store (`backups.remote`). The store
 * is one repository with one remote: sites naming different ones are a
 * site file problem, not a choice onramp makes for them.
 */
export function siteRemote(sites: readonly Site[]): string | undefined {
  const naming = sites.filter((site) => site.backups.remote !== undefined);
  const remotes = [...new Set(naming.map((site) => site.backups.remote))];
  if (remotes.length > 1) {
    throw new SiteFileError(naming.map((site) => ({
      file: site.file, path: 'backups.remote',
      message: `the git backup store is one repository pushed to one remote, and the sites name ${remotes.join(' and ')}: name the same one (or give --backups-remote)`,
    })));
  }
  return remotes[0];
}
