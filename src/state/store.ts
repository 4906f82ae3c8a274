import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { assertSafeName } from './names.js';

/**
 * The state directory (offsets, device status, host keys, backups). It is the
 * only module that touches those files: everything is written atomically
 * (temp file, fsync, rename, fsync of the directory) so a crash or kill -9
 * leaves either the old or the new version, never a torn file.
 */
/** Temp files are named by process and write: unique among the writers of one state directory. */
let writes = 0;

export class StateStore {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  /** Absolute path of a file or folder below the state root; every segment must be a safe name. */
  path(...segments: string[]): string {
    for (const segment of segments) assertSafeName(segment);
    return join(this.root, ...segments);
  }

  async ensureDir(...segments: string[]): Promise<string> {
    const dir = this.path(...segments);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return dir;
  }

  async readJson<T>(segments: string[], fallback: T): Promise<T> {
    const text = await this.readText(segments);
    if (text === undefined) return fallback;
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new Error(`${this.path(...segments)}: not valid JSON (${(err as Error).message})`, { cause: err });
    }
  }

  async writeJson(segments: string[], value: unknown): Promise<void> {
    await this.writeText(segments, JSON.stringify(value, null, 2) + '\n');
  }

  async readText(segments: string[]): Promise<string | undefined> {
    try {
      return await readFile(this.path(...segments), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async writeText(segments: string[], text: string, mode = 0o600): Promise<void> {
    const target = this.path(...segments);
    const dir = dirname(target);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // Not random bytes: node:crypto would cost every start-up several milliseconds for a name.
    writes += 1;
    const temp = join(dir, `.${String(process.pid)}-${String(writes)}.tmp`);
    const handle = await open(temp, 'w', mode);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    await syncDir(dir);
  }

  async remove(segments: string[]): Promise<void> {
    await rm(this.path(...segments), { force: true, recursive: true });
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic there.
  } finally {
    await handle.close();
  }
}
