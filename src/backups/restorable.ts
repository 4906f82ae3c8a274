import type { Site } from '../inventory/index.js';
import { siteBackupKey } from './keys.js';
import { BackupKeyError, openBackup, sealBackup, type BackupKey } from './sealed.js';
import type { VersionStore } from './types.js';

/** A version that cannot be pushed back, and why, in words for the operator. */
export class NotRestorableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotRestorableError';
  }
}

/** The sealed unmasked copy to keep beside a new version of `host`, when its site asks for restorable backups. */
export function sealedCopy(site: Site, keys: ReadonlyMap<string, BackupKey>, host: string, unmasked: string, masked: string): string | undefined {
  if (!site.backups.restorable) return undefined;
  const key = keys.get(site.name);
  // Start-up refuses a restorable site without a key (backupKeys); a store built without one is a bug.
  if (key === undefined) throw new Error(`no backup key for restorable site ${site.name}`);
  return sealBackup(unmasked, key, { host, masked });
}

/**
 * The unmasked config of version `id` of `host`, opened with its site's key:
 * what `onramp restore` pushes. A version that does not exist, one kept
 * masked only, and one whose copy the key does not open are each refused
 * with what to do about it.
 */
export async function restorableText(store: VersionStore, site: Site, host: string, id: string): Promise<string> {
  const masked = await store.read(host, id);
  if (masked === undefined) throw new NotRestorableError(`${host} has no version ${id} (onramp history ${host} lists them)`);
  const sealed = await store.readSealed(host, id);
  if (sealed === undefined) {
    throw new NotRestorableError(
      `version ${id} of ${host} was kept masked only (its site did not have backups.restorable: true when it was saved): `
      + 'a masked config would push its placeholders in place of the secrets, so it is not restored',
    );
  }
  try {
    return openBackup(sealed, siteBackupKey(site), { host, masked });
  } catch (err) {
    if (err instanceof BackupKeyError) throw new NotRestorableError(`version ${id} of ${host} cannot be opened: ${err.message}`);
    throw err;
  }
}
