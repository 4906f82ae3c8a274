import { assertRemote } from '../backups/remote.js';
import type { SiteBackups } from './types.js';
import { ENV_NAME, type SiteValidator } from './validate.js';

const BACKUPS_KEYS = ['restorable', 'keyEnv', 'remote'];
/** Where the key of restorable backups is when the site names no variable of its own. */
export const DEFAULT_BACKUP_KEY_ENV = 'ONRAMP_BACKUP_KEY';

/**
 * `backups:` of a site: `restorable: true` keeps an encrypted unmasked copy
 * of each version (key in the environment variable `keyEnv`, default
 * ONRAMP_BACKUP_KEY); `remote:` is where the git store pushes.
 */
export function siteBackups(validator: SiteValidator, value: unknown): SiteBackups {
  const path = ['backups'];
  const backups: SiteBackups = { restorable: false, keyEnv: DEFAULT_BACKUP_KEY_ENV };
  if (value === undefined || value === null) return backups;
  const map = validator.map(value, path, 'a mapping { restorable, keyEnv, remote }');
  if (map === undefined) return backups;
  validator.keys(map, path, BACKUPS_KEYS);
  if (map.restorable !== undefined && typeof map.restorable !== 'boolean') validator.problem([...path, 'restorable'], 'expected true or false');
  backups.restorable = map.restorable === true;
  const keyEnv = validator.string(map.keyEnv, [...path, 'keyEnv'], false);
  if (keyEnv !== undefined) {
    if (ENV_NAME.test(keyEnv)) backups.keyEnv = keyEnv;
    else validator.problem([...path, 'keyEnv'], `${JSON.stringify(keyEnv)} is not an environment variable name`);
  }
  const remote = validator.string(map.remote, [...path, 'remote'], false);
  if (remote !== undefined) {
    try {
      assertRemote(remote);
      backups.remote = remote;
    } catch (err) {
      validator.problem([...path, 'remote'], (err as Error).message);
    }
  }
  return backups;
}
