import { SiteFileError, type Site, type SiteProblem } from '../inventory/index.js';
import { BackupKeyError, KEY_FORMAT, parseBackupKey, type BackupKey } from './sealed.js';

/** The key of one restorable site, from its environment variable; throws BackupKeyError when it is not set or not a key. */
export function siteBackupKey(site: Site, env: NodeJS.ProcessEnv = process.env): BackupKey {
  const variable = site.backups.keyEnv;
  const value = env[variable];
  if (value === undefined || value === '') {
    throw new BackupKeyError(`backups.restorable is on but ${variable} is not set: set it to ${KEY_FORMAT} (or name another variable with backups.keyEnv)`);
  }
  return parseBackupKey(value, variable);
}

/**
 * The keys of every site that keeps restorable backups, by site name. A site
 * whose key is missing or malformed stops start-up: its copies could be
 * neither written nor read, and running on would save masked-only versions
 * the operator believes restorable.
 */
export function backupKeys(sites: readonly Site[], env: NodeJS.ProcessEnv = process.env): Map<string, BackupKey> {
  const keys = new Map<string, BackupKey>();
  const problems: SiteProblem[] = [];
  for (const site of sites) {
    if (!site.backups.restorable) continue;
    try {
      keys.set(site.name, siteBackupKey(site, env));
    } catch (err) {
      if (!(err instanceof BackupKeyError)) throw err;
      problems.push({ file: site.file, path: 'backups.restorable', message: err.message });
    }
  }
  if (problems.length > 0) throw new SiteFileError(problems);
  return keys;
}
