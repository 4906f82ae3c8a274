import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { diffConfigs } from '../config/index.js';
import { lock } from '../lock/index.js';
import { assertSafeName, isSafeName } from '../state/index.js';
import { git, type LockRetry } from './git.js';
import type { BackupPusher } from './push.js';
import { describeCause, describeTrigger } from './trigger.js';
import { rollbackLines, rollbackText, type BackupTrigger, type BackupVersion, type VersionStore } from './types.js';
import { plainToken } from './who-changed.js';

const COMMIT_ID = /^[0-9a-f]{7,40}$/;
const COMMITTER = ['-c', 'user.name=onramp', '-c', 'user.email=onramp@localhost'];
/** How long a writer waits for another onramp process writing the same repository. */
const WRITER_WAIT_MS = 60_000;
/** Per device, the versions committed, one JSON line each: listing a history reads this, not the whole log. */
const HISTORY_DIR = 'onramp-history';
/** Per device and version, the rollback of a push made from it: kept with the history index, in the repository's own folder. */
const ROLLBACK_DIR = 'onramp-rollback';
/**
 * Per device and version, the sealed unmasked config of a restorable site.
 * Inside .git and never added: no commit holds it, so no push or clone takes it away.
 */
const SEALED_DIR = 'onramp-restorable';

function authorOf(trigger: BackupTrigger): string {
  const user = trigger.kind === 'config-change' ? plainToken(trigger.change.user) : undefined;
  return `${user ?? 'onramp'} (${describeTrigger(trigger)}) <onramp@localhost>`;
}

function bodyOf(trigger: BackupTrigger): string[] {
  return trigger.kind === 'config-change' ? ['-m', `Syslog: ${trigger.change.line}`] : [];
}

/**
 * Backups in a git repository: `<host>.cfg` per device (masked), one commit
 * per new version whose author and subject say what triggered it, who made
 * the change and the diff summary. Writers of one repository (agents,
 * commands) take a machine-wide lock that dies with its holder, so git's own
 * index lock is never contended and no commit takes in another's file.
 */
export class GitBackupStore implements VersionStore {
  constructor(readonly dir: string, private readonly pusher?: BackupPusher, private readonly lockRetry?: LockRetry) {}

  private git(args: readonly string[], env: Record<string, string> = {}): Promise<string> {
    return git(this.dir, args, env, this.lockRetry);
  }

  async list(host: string): Promise<BackupVersion[]> {
    if (!isSafeName(host)) return [];
    const index = await readFile(this.historyFile(host), 'utf8').catch(() => undefined);
    if (index !== undefined) return index.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as BackupVersion);
    return this.listFromLog(host);
  }

  async read(host: string, id: string): Promise<string | undefined> {
    if (!isSafeName(host) || !COMMIT_ID.test(id)) return undefined;
    // Only the device's own versions: any other commit id would show the file as it stood then, under a false name.
    if (!(await this.list(host)).some((version) => version.id === id)) return undefined;
    return this.git(['show', `${id}:${host}.cfg`]).catch(() => undefined);
  }

  async saveRollback(host: string, id: string, maskedLines: readonly string[]): Promise<void> {
    assertSafeName(host);
    if (!COMMIT_ID.test(id) || !(await this.list(host)).some((version) => version.id === id)) throw new Error(`${host} has no backup version ${id} to keep a rollback beside`);
    await mkdir(join(this.dir, '.git', ROLLBACK_DIR, host), { recursive: true });
    // Written whole or not at all: a reader never finds half a rollback.
    const file = this.rollbackFile(host, id);
    await writeFile(`${file}.tmp`, rollbackText(maskedLines), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
  }

  async readRollback(host: string, id: string): Promise<string[] | undefined> {
    if (!isSafeName(host) || !COMMIT_ID.test(id)) return undefined;
    const text = await readFile(this.rollbackFile(host, id), 'utf8').catch(() => undefined);
    return text === undefined ? undefined : rollbackLines(text);
  }

  async readSealed(host: string, id: string): Promise<string | undefined> {
    if (!isSafeName(host) || !COMMIT_ID.test(id)) return undefined;
    if (!(await this.list(host)).some((version) => version.id === id)) return undefined;
    return readFile(this.sealedFile(host, id), 'utf8').catch(() => undefined);
  }

  async restorable(host: string): Promise<Set<string>> {
    if (!isSafeName(host)) return new Set();
    const files = await readdir(join(this.dir, '.git', SEALED_DIR, host)).catch(() => []);
    return new Set(files.filter((file) => file.endsWith('.sealed')).map((file) => file.slice(0, -'.sealed'.length)));
  }

  async save(
    host: string, maskedConfig: string, nowMs: number, trigger: BackupTrigger = { kind: 'event' }, sealed?: string,
  ): Promise<BackupVersion | undefined> {
    assertSafeName(host);
    await mkdir(this.dir, { recursive: true });
    const held = await lock('backups', await realpath(this.dir), `backup ${host}`, { waitMs: WRITER_WAIT_MS });
    let version: BackupVersion | undefined;
    try {
      if (!existsSync(join(this.dir, '.git'))) await this.git(['init', '--quiet', '--initial-branch=main']);
      version = await this.commit(host, maskedConfig, nowMs, trigger);
      // Unchanged but for its secrets: the latest version now restores what the switch has.
      const id = version?.id ?? (sealed === undefined ? undefined : (await this.list(host)).at(-1)?.id);
      if (sealed !== undefined && id !== undefined) await this.writeSealed(host, id, sealed);
    } finally {
      await held.release();
    }
    if (version !== undefined) this.pusher?.kick();
    return version;
  }

  private async commit(host: string, maskedConfig: string, nowMs: number, trigger: BackupTrigger): Promise<BackupVersion | undefined> {
    const file = `${host}.cfg`;
    const previous = await readFile(join(this.dir, file), 'utf8').catch(() => undefined);
    if (previous === maskedConfig) return undefined;
    const diff = diffConfigs(previous ?? '', maskedConfig, { expected: 'previous', actual: 'new' });
    const cause = describeCause(trigger, diff.added, diff.removed);
    await writeFile(join(this.dir, file), maskedConfig, { mode: 0o600 });
    const date = `@${String(Math.floor(nowMs / 1000))} +0000`;
    try {
      if (previous === undefined) await this.git(['add', '--', file]);
      await this.git(
        [...COMMITTER, 'commit', '--quiet', '--no-verify', `--author=${authorOf(trigger)}`, `--date=${date}`, '-m', `${host}: ${cause}`, ...bodyOf(trigger), '--', file],
        { GIT_COMMITTER_DATE: date },
      );
    } catch (err) {
      // The work tree must say what the last commit says, or the next save of this config would find it "unchanged".
      if (previous === undefined) await rm(join(this.dir, file), { force: true });
      else await writeFile(join(this.dir, file), previous, { mode: 0o600 });
      throw err;
    }
    const id = (await this.git(['rev-parse', '--short=12', 'HEAD'])).trim();
    const version: BackupVersion = {
      id, time: new Date(nowMs).toISOString(), sha256: createHash('sha256').update(maskedConfig).digest('hex'), cause,
    };
    await mkdir(join(this.dir, '.git', HISTORY_DIR), { recursive: true });
    await appendFile(this.historyFile(host), `${JSON.stringify(version)}\n`);
    return version;
  }

  /** A repository onramp did not write (a clone) has no history index: the log says it, more slowly. */
  private async listFromLog(host: string): Promise<BackupVersion[]> {
    const out = await this.git(['log', '--reverse', '--format=%h%x1f%aI%x1f%s', '--abbrev=12', '--', `${host}.cfg`]).catch(() => '');
    return out.split('\n').filter((line) => line !== '').map((line) => {
      const [id = '', time = '', subject = ''] = line.split('\x1f');
      return { id, time: new Date(time).toISOString(), cause: subject.replace(`${host}: `, '') };
    });
  }

  private sealedFile(host: string, id: string): string {
    return join(this.dir, '.git', SEALED_DIR, host, `${id}.sealed`);
  }

  private async writeSealed(host: string, id: string, sealed: string): Promise<void> {
    const file = this.sealedFile(host, id);
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const temp = `${file}.${String(process.pid)}.tmp`;
    // A temp file a crash left behind would keep its own mode through writeFile.
    await rm(temp, { force: true });
    await writeFile(temp, sealed, { mode: 0o600 });
    await rename(temp, file);
  }

  private rollbackFile(host: string, id: string): string {
    return join(this.dir, '.git', ROLLBACK_DIR, host, `${id}.txt`);
  }

  private historyFile(host: string): string {
    return join(this.dir, '.git', HISTORY_DIR, `${host}.jsonl`);
  }
}
