import { createHash } from 'node:crypto';
import { diffConfigs } from '../config/index.js';
import { isSafeName, type StateStore } from '../state/index.js';
import { describeCause } from './trigger.js';
import { rollbackLines, rollbackText, type BackupTrigger, type BackupVersion, type VersionStore } from './types.js';

/** Versions kept per device unless the site or the command says otherwise. */
export const DEFAULT_BACKUPS_KEEP = 50;

function versionId(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/**
 * Saved running configs, secrets masked, in state/backups/<host>/<id>.cfg
 * with an index.json listing them oldest first, and beside a version the
 * rollback of a push made from it (<id>.rollback). A config equal to the
 * latest version is not stored again; beyond `keep` versions the oldest are
 * pruned, their rollbacks with them.
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

  /** Returns the version written, or undefined when the config has not changed since the last one. */
  async save(host: string, maskedConfig: string, nowMs: number, trigger: BackupTrigger = { kind: 'event' }): Promise<BackupVersion | undefined> {
    // Under the index's lock: two processes saving versions of one device each keep theirs.
    return this.state.exclusive(['backups', host, 'index.json'], () => this.saveLocked(host, maskedConfig, nowMs, trigger));
  }

  private async saveLocked(host: string, maskedConfig: string, nowMs: number, trigger: BackupTrigger): Promise<BackupVersion | undefined> {
    const versions = await this.list(host);
    const sha256 = createHash('sha256').update(maskedConfig).digest('hex');
    const latest = versions.at(-1);
    if (latest?.sha256 === sha256) return undefined;
    let id = versionId(nowMs);
    for (let n = 2; versions.some((version) => version.id === id); n++) id = `${versionId(nowMs)}-${n}`;
    const previous = latest === undefined ? '' : await this.read(host, latest.id) ?? '';
    const diff = diffConfigs(previous, maskedConfig, { expected: 'previous', actual: 'new' });
    const version: BackupVersion = { id, time: new Date(nowMs).toISOString(), sha256, cause: describeCause(trigger, diff.added, diff.removed) };
    await this.state.writeText(['backups', host, `${id}.cfg`], maskedConfig);
    const all = [...versions, version];
    const pruned = all.slice(0, Math.max(0, all.length - this.keep));
    // The index drops them first, so it never lists a file that is gone.
    await this.state.writeJson(['backups', host, 'index.json'], all.slice(pruned.length));
    for (const old of pruned) {
      await this.state.remove(['backups', host, `${old.id}.cfg`]);
      await this.state.remove(['backups', host, `${old.id}.rollback`]);
    }
    return version;
  }
}
