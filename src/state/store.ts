import { appendFile, mkdir, open, readdir, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { lock } from '../lock/index.js';
import { fileOf, MemoryEdit, recordsOf } from './file-books.js';
import { assertSafeName } from './names.js';
import type { Book, BookEdit, SharedStore } from './shared.js';

/** Temp files are named by process and write: unique among the writers of one state directory. */
let writes = 0;

/** The lock kind of state files being read, changed and written back. */
const STATE_LOCK = 'state';
// An update holds its file for the milliseconds of a read and a write; this only bounds a wait behind a stuck process.
const UPDATE_WAIT_MS = 30_000;

/**
 * The state directory (offsets, device status, host keys, backups). It is the
 * only module that touches those files: everything is written atomically
 * (temp file, fsync, rename, fsync of the directory) so a crash or kill -9
 * leaves either the old or the new version, never a torn file, and a reader
 * always reads one whole version however many processes write. A file
 * several processes change (the daemon, an agent, a one-shot command) is
 * changed inside exclusive(), so no process writes back a copy that misses
 * another's update.
 */
export class StateStore implements SharedStore {
  readonly root: string;
  /** readJsonShared's values, by path, with the file version each was read from. */
  private readonly shared = new Map<string, { version: string; value: unknown }>();

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

  /**
   * As readJson, for a file read far more often than it changes (on every
   * lease): it is parsed again only when it is another version of the file
   * (a write renames a new file over it), which costs one stat. The value
   * is shared by every call until then: callers must not change it.
   */
  async readJsonShared<T>(segments: string[], fallback: T): Promise<T> {
    const path = this.path(...segments);
    let version: string;
    try {
      const stats = await stat(path, { bigint: true });
      version = `${String(stats.ino)}:${String(stats.size)}:${String(stats.mtimeNs)}:${String(stats.ctimeNs)}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.shared.delete(path);
      return fallback;
    }
    const known = this.shared.get(path);
    if (known?.version === version) return known.value as T;
    const value = await this.readJson(segments, fallback);
    this.shared.set(path, { version, value });
    return value;
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

  /**
   * Runs `work` (read, change, write back `segments`) holding that file's
   * lock, shared by every onramp process of the machine and freed when the
   * holder exits however it exits (src/lock).
   */
  async exclusive<T>(segments: string[], work: () => Promise<T>): Promise<T> {
    const file = this.path(...segments);
    // One file is one lock whichever path names the state directory (relative, through a symlink).
    const root = resolve(this.root);
    const key = join(await realpath(root).catch(() => root), ...segments);
    const held = await lock(STATE_LOCK, key, `updating ${file}`, { waitMs: UPDATE_WAIT_MS });
    try {
      return await work();
    } finally {
      await held.release();
    }
  }

  /**
   * Appends to a log-like file (JSON lines), creating it readable by its
   * owner only. Not atomic: a crash may leave a torn last line, which its
   * reader counts and skips.
   */
  async appendText(segments: string[], text: string): Promise<void> {
    const target = this.path(...segments);
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    await appendFile(target, text, { encoding: 'utf8', mode: 0o600 });
  }

  /** The names in a folder; none when it does not exist. */
  async list(segments: string[]): Promise<string[]> {
    try {
      return await readdir(this.path(...segments));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  /** Size in bytes; 0 when the file does not exist. */
  async size(segments: string[]): Promise<number> {
    try {
      return (await stat(this.path(...segments))).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
  }

  /** Renames a file within the state directory, replacing `to`. */
  async move(from: string[], to: string[]): Promise<void> {
    await rename(this.path(...from), this.path(...to));
  }

  where<T>(book: Book<T>): string {
    return this.path(book.file);
  }

  async get<T>(book: Book<T>, key: string): Promise<T | undefined> {
    const records = recordsOf(book, await this.readJsonShared<unknown>([book.file], undefined));
    return Object.hasOwn(records, key) ? records[key] : undefined;
  }

  async all<T>(book: Book<T>): Promise<Record<string, T>> {
    return recordsOf(book, await this.readJson<unknown>([book.file], undefined));
  }

  /** The book's file is read, changed and written back under its lock; it is written only when something changed. */
  edit<T, R>(book: Book<T>, work: (edit: BookEdit<T>) => Promise<R> | R): Promise<R> {
    return this.exclusive([book.file], async () => {
      const edit = new MemoryEdit(recordsOf(book, await this.readJson<unknown>([book.file], undefined)));
      const result = await work(edit);
      if (!edit.changed) return result;
      const contents = fileOf(book, edit.records);
      // A book whose file says nothing when empty (a queue taken) leaves no file.
      if (contents === undefined) await this.remove([book.file]);
      else await this.writeJson([book.file], contents);
      return result;
    });
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

