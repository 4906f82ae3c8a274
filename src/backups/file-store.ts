import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { diffConfigs } from '../config/index.js';
import { isSafeName, type StateStore } from '../state/index.js';
import { describeCause } from './trigger.js';
import { newVersionId } from './version-id.js';
import { rollbackLines, rollbackText, type BackupTrigger, type BackupVersion, type VersionStore } from './types.js';

/** Versions kept per device unless the site or the command says otherwise. */
export const DEFAULT_BACKUPS_KEEP = 50;
/** Beside `<id>.cfg`: the version's unmasked config, encrypted (see sealed.ts), mode 0600 like every state file. */
const SEALED = '.sealed';

/**
 * Saved running configs, secrets masked, in state/backups/<host>/<id>.cfg
 * with an index.json listing them oldest first, and beside a version the
 * rollback of a push made from it (<id>.rollback) and, for a restorable
 * site, its sealed unmasked copy (<id>.sealed). A config equal to the
 * latest version is not stored again; beyond `keep` versions the oldest are
 * pruned, their rollbacks and copies with them.
 */
export class BackupStore implements VersionStore {
  constructor(private readonly state: StateStore, private readonly keep = DEFAULT_BACKUPS_KEEP) {
    if (!Number.isSafeInteger(keep) || keep < 1) throw new RangeError(`backups.keep must be a positive integer, got ${String(keep)}`);
  }

  async list(host: string): Promise<BackupVersion[]> {
    return this.state.readJson<BackupVersion[]>(['backups', host, 'index.json'], []);
  }

  async read(host: string, id: string): Promise<string | undefined> {
    return this.state.readText(['backups', host, `${id}.cfg`]);
  }

  async saveRollback(host: string, id: string, maskedLines: readonly string[]): Promise<void> {
    // Under the index's lock, so a version being pruned cannot get a rollback it no longer has.
    await this.state.exclusive(['backups', host, 'index.json'], async () => {
      if (!(await this.list(host)).some((version) => version.id === id)) throw new Error(`${host} has no backup version ${id} to keep a rollback beside`);
      await this.state.writeText(['backups', host, `${id}.rollback`], rollbackText(maskedLines));
    });
  }

  async readRollback(host: string, id: string): Promise<string[] | undefined> {
    if (!isSafeName(host) || !isSafeName(id)) return undefined;
    const text = await this.state.readText(['backups', host, `${id}.rollback`]);
    return text === undefined ? undefined : rollbackLines(text);
  }

  async readSealed(host: string, id: string): Promise<string | undefined> {
    if (!isSafeName(host) || !isSafeName(id) || !(await this.list(host)).some((version) => version.id === id)) return undefined;
    return this.state.readText(['backups', host, `${id}${SEALED}`]);
  }

  async restorable(host: string): Promise<Set<string>> {
    if (!isSafeName(host)) return new Set();
    const files = await readdir(this.state.path('backups', host)).catch(() => []);
    return new Set(files.filter((file) => file.endsWith(SEALED)).map((file) => file.slice(0, -SEALED.length)));
  }

  /** Returns the version written, or undefined when the config has not changed since the last one. */
  async save(host: string, maskedConfig: string, nowMs: number, trigger: BackupTrigger = { kind: 'event' }, sealed?: string): Promise<BackupVersion | undefined> {
    // Under the index's lock: two processes saving versions of one device each keep theirs.
    return this.state.exclusive(['backups', host, 'index.json'], () => this.saveLocked(host, maskedConfig, nowMs, trigger, sealed));
  }

  private async saveLocked(host: string, maskedConfig: string, nowMs: number, trigger: BackupTrigger, sealed: string | undefined): Promise<BackupVersion | undefined> {
    const versions = await this.list(host);
    const sha256 = createHash('sha256').update(maskedConfig).digest('hex');
    const latest = versions.at(-1);
    if (latest?.sha256 === sha256) {
      if (sealed !== undefined) await this.state.writeText(['backups', host, `${latest.id}${SEALED}`], sealed);
      return undefined;
    }
    const id = newVersionId(nowMs, (taken) => versions.some((version) => version.id === taken));
    const previous = latest === undefined ? '' : await this.read(host, latest.id) ?? '';
    const diff = diffConfigs(previous, maskedConfig, { expected: 'previous', actual: 'new' });
    const version: BackupVersion = { id, time: new Date(nowMs).toISOString(), sha256, cause: describeCause(trigger, diff.added, diff.removed) };
    await this.state.writeText(['backups', host, `${id}.cfg`], maskedConfig);
    if (sealed !== undefined) await this.state.writeText(['backups', host, `${id}${SEALED}`], sealed);
    const all = [...versions, version];
    const pruned = all.slice(0, Math.max(0, all.length - this.keep));
    // The index drops them first, so it never lists a file that is gone.
    await this.state.writeJson(['backups', host, 'index.json'], all.slice(pruned.length));
    for (const old of pruned) {
      await this.state.remove(['backups', host, `${old.id}.cfg`]);
      await this.state.remove(['backups', host, `${old.id}.rollback`]);
      await this.state.remove(['backups', host, `${old.id}${SEALED}`]);
    }
    return version;
  }
}
