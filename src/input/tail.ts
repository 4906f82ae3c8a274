import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { Events, type Logger } from '../log/index.js';
import { LineSplitter, SIGNATURE_BYTES } from './line-splitter.js';
import { HEAD_BYTES, readAt, signatureOf, verifiedPosition, type ContentPosition, type FileIdentity, type FilePosition, type PositionStore } from './positions.js';
import { DEFAULT_MAX_LINE_BYTES, type InputSource, type LineEncoding, type LineSink } from './types.js';

export interface TailOptions {
  path: string;
  /** Without a saved position: read the file from its start (SEC --fromstart) rather than from its end. */
  fromStart: boolean;
  /** Keep reading as the file grows and rotates (SEC's default); false stops at end of file (--notail). */
  follow: boolean;
  onLine: LineSink;
  logger: Logger;
  positions?: PositionStore;
  /** Safety poll for missed change events, in ms (default 1000). */
  pollMs?: number;
  maxLineBytes?: number;
  encoding?: LineEncoding;
}

export interface TailStats {
  path: string;
  lines: number;
  rejected: number;
  rotations: number;
  /** Offset of the next unread line in the current file. */
  offset: number;
}

export interface TailSource extends InputSource {
  stats(): TailStats;
}

const READ_CHUNK = 64 * 1024;
/**
 * A long read (a catch-up after a restart, a burst) writes its position as it
 * goes: after every full read (its new bytes are a chunk less the bytes
 * re-read before the offset), or every this many ms into the read.
 */
const SAVE_EVERY_BYTES = READ_CHUNK - SIGNATURE_BYTES;
const SAVE_EVERY_MS = 100;
const DEFAULT_POLL_MS = 1000;
/** How many times to look for a consistent view of siblings that are being rotated meanwhile. */
const SIBLING_SNAPSHOT_ATTEMPTS = 5;
/** chokidar reports at most one change of a file per this many ms. */
const CHOKIDAR_CHANGE_THROTTLE_MS = 50;

type PositionBytes = ContentPosition & Partial<Pick<FilePosition, 'ino' | 'dev' | 'rotatedBefore'>>;
/** Where unread lines begin: at a position, or (for a file not read at all) after the generation that was newest when it was opened. */
type ResumeAt = PositionBytes | { after: FileIdentity | null };

const EMPTY = Buffer.alloc(0);
/** A file read in full: nothing before the offset nor at its start to match. */
const WHOLE_FILE: ContentPosition = { offset: 0, signature: signatureOf(EMPTY), signatureBytes: 0, headSignature: signatureOf(EMPTY), headBytes: 0 };

export function tailFile(options: TailOptions): TailSource {
  return new FileTail(options);
}

interface OpenFile {
  handle: FileHandle;
  dev: number;
  ino: number;
  /** Next byte to read. */
  offset: number;
  /** Up to SIGNATURE_BYTES bytes just before `offset`, as read. */
  before: Buffer;
  /** The file's first bytes (up to HEAD_BYTES) as found when it was opened or read from its start. */
  head: Buffer;
  /** While `head` is empty: `path.1` when the file was opened (null: none), to tell whether it was copied away since. */
  newestRotated?: FileIdentity | null;
  /** For a file opened at the path: `path.1` just before (null: none), older than all of its lines. */
  rotatedBefore?: FileIdentity | null;
}

/** Another file in the folder whose name starts with the file's (`path.1`, `path.2.gz`, `path-20250101`), held open. */
interface Sibling {
  name: string;
  /** N of `path.N`, logrotate's numbering (1 newest); undefined for other names. */
  generation: number | undefined;
  handle: FileHandle;
  dev: number;
  ino: number;
}

/**
 * Follows one log file by byte offset. A chokidar event or the safety poll
 * triggers a check, and checks never overlap: read what was appended, then
 * compare the path with the open file. A different file at the path
 * (rename+create, delete+create) means finish the old one to its end; the
 * same file grown shorter, or whose first bytes or bytes before the offset
 * changed (copytruncate, truncation), or of which nothing was read yet and
 * with a new `path.1` since it was opened, means first take the lines not
 * yet read from the rotated copy that holds them. Either way, every generation
 * rotated from the path since is read next, oldest first, and only then the
 * file now at the path, from 0.
 */
class FileTail implements TailSource {
  readonly name: string;
  readonly done: Promise<void>;
  private readonly path: string;
  private readonly options: TailOptions;
  private readonly logger: Logger;
  private readonly splitter: LineSplitter;
  private readonly decode: (bytes: Buffer) => string;
  private readonly buffer = Buffer.allocUnsafe(READ_CHUNK);
  private resolveDone: () => void = () => undefined;
  private file: OpenFile | undefined;
  private skipFirstFragment = false;
  private watcher: FSWatcher | undefined;
  private poll: NodeJS.Timeout | undefined;
  private lookAgain: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** Change signals received while a check ran: one more check covers them all. */
  private signals = 0;
  private stopped = false;
  private lines = 0;
  private rejected = 0;
  private rotations = 0;
  private lastSaved = '';
  /** Bytes handled since the position was last written during a read, and when that was (or the read began). */
  private unsavedBytes = 0;
  private unsavedSince = 0;
  /** The position write in progress during a read: one at a time. */
  private writing: Promise<void> = Promise.resolve();

  constructor(options: TailOptions) {
    this.options = options;
    this.path = resolve(options.path);
    this.name = options.path;
    this.logger = options.logger;
    const encoding = options.encoding ?? 'utf8';
    this.decode = (bytes) => bytes.toString(encoding);
    this.splitter = new LineSplitter(
      options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
      (line) => {
        this.deliver(line);
      },
      (bytes) => {
        this.reject(bytes);
      },
    );
    this.done = new Promise((resolveDone) => {
      this.resolveDone = resolveDone;
    });
  }

  stats(): TailStats {
    return { path: this.path, lines: this.lines, rejected: this.rejected, rotations: this.rotations, offset: this.committedOffset() };
  }

  async start(): Promise<void> {
    const saved = await this.options.positions?.get(this.path);
    await this.openAtStart(saved);
    // Read at once: a file opened before its first byte came is known by nothing until it is read.
    this.schedule();
    if (this.options.follow) {
      const dir = dirname(this.path);
      const prefix = basename(this.path);
      this.watcher = watch(dir, {
        depth: 0,
        ignoreInitial: true,
        // Only this file and its rotated siblings matter; other files in /var/log do not.
        ignored: (p: string) => p !== dir && !basename(p).startsWith(prefix),
      });
      this.watcher.on('all', () => {
        this.schedule();
        // chokidar drops a change that follows the one it reported within its 50 ms throttle, with no
        // trailing event: the last lines of a burst would wait for the poll. Look again after the window.
        clearTimeout(this.lookAgain);
        this.lookAgain = setTimeout(() => {
          this.schedule();
        }, CHOKIDAR_CHANGE_THROTTLE_MS + 10);
      });
      this.watcher.on('error', (err: unknown) => {
        this.logger.warn({ path: this.path, err }, 'file watcher failed; the poll goes on');
      });
      this.poll = setInterval(() => {
        this.schedule();
      }, this.options.pollMs ?? DEFAULT_POLL_MS);
      // Until chokidar is ready, appends are seen only by the poll.
      const watcher = this.watcher;
      await new Promise<void>((resolve) => watcher.once('ready', resolve));
      this.schedule();
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.poll !== undefined) clearInterval(this.poll);
    clearTimeout(this.lookAgain);
    await this.watcher?.close();
    await this.running;
    if (this.options.follow && this.file !== undefined) {
      // One last look, so a rotation not yet noticed is not left for the next start to untangle.
      await this.check().catch((err: unknown) => {
        this.logger.warn({ path: this.path, err }, 'final read before stopping failed');
      });
    }
    this.savePosition();
    await this.writing;
    await this.options.positions?.flush();
    await this.file?.handle.close();
    this.file = undefined;
    this.resolveDone();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.signals += 1;
    if (this.running !== undefined) return;
    this.running = (async () => {
      while (this.signals > 0 && !this.stopped) {
        this.signals = 0;
        try {
          await this.check();
        } catch (err) {
          this.logger.warn({ path: this.path, err }, 'reading the input failed; retrying at the next change');
        }
      }
    })().finally(() => {
      this.running = undefined;
    });
  }

  private async check(): Promise<void> {
    if (!this.options.follow) {
      if (this.file !== undefined) {
        await this.readToEnd(this.file);
        this.splitter.flush();
        this.savePosition();
      }
      await this.writing;
      await this.options.positions?.flush();
      this.resolveDone();
      return;
    }
    if (this.file === undefined) {
      const opened = await this.openPath();
      if (opened === undefined) return;
      this.adopt(opened, 'opened');
    }
    const current = this.file;
    if (current === undefined) return;
    const now = await statOrUndefined(this.path);
    let rotated = false;
    if (now === undefined) {
      // Moved or deleted: keep reading what is open until a new file appears.
      await this.readToEnd(current);
    } else if (now.ino !== current.ino || now.dev !== current.dev) {
      await this.replaced(current);
      rotated = true;
    } else {
      // Checked before reading on: once new bytes are read, a refilled file would look intact.
      const intact = now.size >= current.offset && (await this.tailIntact(current)) && (await this.readToEnd(current));
      if (!intact) {
        await this.truncated(current, now.size);
        rotated = true;
      }
    }
    this.savePosition();
    // The file now at the path is read by one more pass, checked like any other.
    if (rotated) this.signals += 1;
  }

  /** Renamed or deleted, and another file created at the path. */
  private async replaced(current: OpenFile): Promise<void> {
    const intact = await this.readToEnd(current);
    // Truncated before it was renamed: the line in progress is read again from the copy.
    if (intact) this.splitter.flush();
    const position = this.resumePoint(current);
    this.file = undefined;
    await current.handle.close();
    const { next } = await this.catchUp(position);
    this.rotated('replaced', { from: current.ino, to: next?.ino ?? null });
    if (next !== undefined) this.adopt(next, 'rotated');
  }

  /** Still at the path, but shorter than what was read or starting with other bytes. */
  private async truncated(current: OpenFile, size: number): Promise<void> {
    const position = this.resumePoint(current);
    const offset = current.offset - this.splitter.pendingBytes;
    this.file = undefined;
    await current.handle.close();
    const { found, next } = await this.catchUp(position);
    this.rotated('truncated', { offset, size, recovered: found !== undefined });
    if (next !== undefined) this.adopt(next, 'rotated');
  }

  /** Where to begin: the saved position when it still fits, after draining what was rotated while stopped. */
  private async openAtStart(saved: FilePosition | undefined): Promise<void> {
    if (saved !== undefined) {
      const opened = await this.openPath();
      const unread = saved.offset === 0 && saved.headBytes === 0 && saved.newestRotated !== undefined;
      if (opened !== undefined && opened.ino === saved.ino && opened.dev === saved.dev && (!unread || sameRotated(saved.newestRotated, await this.newestRotated()))) {
        const verified = await verifiedPosition(opened.handle, saved);
        if (verified !== undefined) {
          opened.offset = saved.offset;
          opened.before = verified.tail;
          opened.head = verified.head;
          opened.newestRotated = saved.newestRotated;
          // The same file, read on: what was rotated before it then still is (path.1 now may be a copy of it).
          if (saved.rotatedBefore !== undefined) opened.rotatedBefore = saved.rotatedBefore;
          this.splitter.restart(verified.tail);
          this.adopt(opened, 'resumed');
          return;
        }
      }
      // Opened again once the older generations are read, so that its first bytes are those found then.
      await opened?.handle.close();
      const { found, next } = await this.catchUp(unread ? { after: saved.newestRotated ?? null } : saved);
      this.rotated('while-stopped', { offset: saved.offset, inode: saved.ino, drained: found ?? null });
      if (next !== undefined) this.adopt(next, 'opened');
      return;
    }
    const opened = await this.openPath();
    if (opened === undefined) {
      this.logger.info({ event: Events.inputOpened, path: this.path, exists: false }, `waiting for ${this.path} to appear`);
      return;
    }
    if (!this.options.fromStart) {
      const size = (await opened.handle.stat()).size;
      opened.offset = size;
      if (size > 0) {
        const before = await readAt(opened.handle, Math.max(0, size - SIGNATURE_BYTES), Math.min(size, SIGNATURE_BYTES));
        opened.before = before;
        // Started in the middle of a line being written: its remainder is not a line.
        this.skipFirstFragment = before[before.length - 1] !== 0x0a;
        this.splitter.restart(this.skipFirstFragment ? EMPTY : before);
      }
    }
    this.adopt(opened, 'opened');
  }

  /**
   * Reads everything between `position` and the file now at the path, which
   * it then opens (undefined when there is none): the rest of the file the
   * position was taken in, then the generations rotated after it.
   */
  private async catchUp(position: ResumeAt): Promise<{ found: string | undefined; next: OpenFile | undefined }> {
    // Every sibling is opened before anything is read: logrotate may rotate again during a long drain,
    // and an open file keeps its bytes whatever its name becomes (and its inode, which is not reused).
    const siblings = await this.openSiblings(() => true);
    let atPath: OpenFile | undefined;
    try {
      // Held through the drain, so that its lines are still read if it is renamed under a name without a number meanwhile.
      atPath = await this.openPath();
      const found = await this.drainFrom(siblings, position);
      const next = await this.openAfterNewGenerations(siblings, atPath);
      return { found, next };
    } finally {
      await Promise.all(siblings.map((s) => s.handle.close()));
      await atPath?.handle.close();
    }
  }

  /**
   * The bytes of `position` are found in the file that held them (by its
   * inode among the siblings) or, when that file was truncated since
   * (copytruncate), in the numbered generation that copied them, nearest
   * first; drained from the position. When logrotate numbering shows more
   * rotations since (found in `path.3`), the newer ones (`path.2`, `path.1`)
   * follow in full. Returns the name of the file the position was found in.
   * For a file not read at all, every generation rotated after the one that
   * was newest when it was opened (all of them when that one is gone).
   */
  private async drainFrom(siblings: Sibling[], position: ResumeAt): Promise<string | undefined> {
    // Nearest generation first: with nothing to match (offset 0 of an empty file) every file matches.
    const generations = siblings.filter((s) => s.generation !== undefined).sort((a, b) => (a.generation ?? 0) - (b.generation ?? 0));
    let found: Sibling | undefined;
    if ('after' in position) {
      const { after } = position;
      found = after === null ? undefined : siblings.find((s) => sameFile(s, after));
      // What it got since (a renamed file is written until its writer reopens the path).
      if (found !== undefined && after !== null) await this.drainHandle(found.handle, { ...WHOLE_FILE, offset: after.size });
      else {
        found = generations.at(-1);
        if (found !== undefined) await this.drainHandle(found.handle, WHOLE_FILE);
      }
    } else {
      const byInode = position.ino === undefined ? [] : siblings.filter((s) => s.ino === position.ino && s.dev === position.dev);
      for (const sibling of [...byInode, ...generations]) {
        if (await this.drainHandle(sibling.handle, position)) {
          found = sibling;
          break;
        }
      }
      if (found === undefined && position.rotatedBefore !== undefined) await this.drainRotatedAfter(generations, position, position.rotatedBefore);
    }
    if (found === undefined) return undefined;
    const newer = generations.filter((s) => found.generation !== undefined && (s.generation ?? 0) < found.generation).reverse();
    for (const sibling of newer) await this.drainHandle(sibling.handle, WHOLE_FILE);
    return found.name;
  }

  /**
   * The bytes at `position` are in no generation left: logrotate deleted the
   * one that held them (onramp was down for more rotations than it keeps),
   * and the lines after them are gone. The generations rotated after
   * `rotatedBefore` (all when it is gone too: it was older) hold only later
   * lines, and are read in full, oldest first. With `rotatedBefore` still
   * there and nothing newer, the file was truncated in place: nothing to read.
   */
  private async drainRotatedAfter(generations: Sibling[], position: PositionBytes, rotatedBefore: FileIdentity | null): Promise<void> {
    const older = rotatedBefore === null ? undefined : generations.find((s) => sameFile(s, rotatedBefore));
    const newer = generations.filter((s) => older === undefined || (s.generation ?? 0) < (older.generation ?? 0)).reverse();
    if (newer.length === 0) return;
    this.logger.warn(
      { path: this.path, inode: position.ino ?? null, offset: position.offset, drained: newer.map((s) => s.name) },
      `the lines after the saved position in ${this.path} were rotated away unread; reading the generations rotated since`,
    );
    for (const sibling of newer) await this.drainHandle(sibling.handle, WHOLE_FILE);
  }

  /**
   * Opens the file at the path anew. Numbered generations that are not among
   * `known` were rotated from the path while older ones were being read:
   * they are read first, in full, oldest first; and again if one appears
   * while the path is being opened, so none is left behind it. `before`, the
   * file that was at the path when the reading began, is read through its
   * handle when it was renamed under another name (dateext) or deleted.
   */
  private async openAfterNewGenerations(known: Sibling[], before: OpenFile | undefined): Promise<OpenFile | undefined> {
    let unread = before;
    for (;;) {
      const file = await this.openPath();
      const fresh = await this.openSiblings(
        (s) => s.generation !== undefined && !known.some((k) => sameFile(k, s)) && (file === undefined || !sameFile(s, file)),
      );
      if (unread !== undefined) {
        const earlier = unread;
        unread = undefined;
        if ((file === undefined || !sameFile(earlier, file)) && !fresh.some((s) => sameFile(s, earlier))) {
          await this.drainHandle(earlier.handle, WHOLE_FILE);
          this.rotated('while-draining', { drained: earlier.ino });
        }
      }
      if (fresh.length === 0) return file;
      await file?.handle.close();
      known.push(...fresh);
      fresh.sort((a, b) => (b.generation ?? 0) - (a.generation ?? 0));
      for (const sibling of fresh) await this.drainHandle(sibling.handle, WHOLE_FILE);
      this.rotated('while-draining', { drained: fresh.map((s) => s.name) });
    }
  }

  /**
   * Opens the siblings of the file that `wanted` selects (by name, numbering
   * and identity); the others are closed again. Opening them one by one takes
   * a while: when the folder changed meanwhile (logrotate moving generations
   * up), names and files may not match, so it is done again.
   */
  private async openSiblings(wanted: (sibling: Sibling) => boolean): Promise<Sibling[]> {
    for (let attempt = 1; ; attempt++) {
      const seen = new Map<string, string>();
      const siblings: Sibling[] = [];
      try {
        for (const entry of await this.siblingNames()) {
          const handle = await open(join(dirname(this.path), entry), 'r').catch(() => undefined);
          if (handle === undefined) continue;
          const st = await handle.stat().catch(() => undefined);
          const number = /^\.(\d+)$/.exec(entry.slice(basename(this.path).length))?.[1];
          const sibling: Sibling = { name: join(dirname(this.path), entry), generation: number === undefined ? undefined : Number(number), handle, ino: st?.ino ?? -1, dev: st?.dev ?? -1 };
          seen.set(entry, identityKey(sibling));
          if (st?.isFile() === true && wanted(sibling)) siblings.push(sibling);
          else await handle.close();
        }
        if (attempt >= SIBLING_SNAPSHOT_ATTEMPTS || (await this.siblingsUnchanged(seen))) return siblings;
      } catch (err) {
        await Promise.all(siblings.map((s) => s.handle.close()));
        throw err;
      }
      await Promise.all(siblings.map((s) => s.handle.close()));
    }
  }

  private async siblingNames(): Promise<string[]> {
    const prefix = basename(this.path);
    return (await readdir(dirname(this.path)).catch(() => [] as string[])).filter((entry) => entry.startsWith(prefix) && entry !== prefix);
  }

  /** Whether the siblings are still the files `seen` found under their names. */
  private async siblingsUnchanged(seen: Map<string, string>): Promise<boolean> {
    const names = await this.siblingNames();
    if (names.length !== seen.size) return false;
    for (const name of names) {
      const st = await statOrUndefined(join(dirname(this.path), name));
      if (st === undefined || seen.get(name) !== identityKey(st)) return false;
    }
    return true;
  }

  /** Reads `handle` from `position` to its end when the file's bytes match the position; true if it did. */
  private async drainHandle(handle: FileHandle, position: ContentPosition): Promise<boolean> {
    const verified = await verifiedPosition(handle, position);
    if (verified === undefined) return false;
    const st = await handle.stat();
    this.splitter.restart(verified.tail);
    await this.readToEnd({ handle, dev: st.dev, ino: st.ino, offset: position.offset, before: verified.tail, head: verified.head });
    this.splitter.flush();
    return true;
  }

  private async openPath(): Promise<OpenFile | undefined> {
    const newest = await this.newestRotated();
    let handle: FileHandle;
    try {
      handle = await open(this.path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      const st = await handle.stat();
      // path.1 looked at before opening: one rotated in between counts as newer, read again rather than missed.
      const file: OpenFile = { handle, dev: st.dev, ino: st.ino, offset: 0, before: EMPTY, head: await readAt(handle, 0, HEAD_BYTES), rotatedBefore: newest };
      if (file.head.length === 0) {
        // Looked at after opening: a copytruncate between the two would otherwise pass for one made before.
        file.newestRotated = await this.newestRotated();
        if (!sameRotated(newest, file.newestRotated)) {
          await handle.close();
          return await this.openPath();
        }
      }
      return file;
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
  }

  /** `path.1`, logrotate's newest generation, if there is one. */
  private async newestRotated(): Promise<FileIdentity | null> {
    const st = await statOrUndefined(`${this.path}.1`);
    return st === undefined ? null : { dev: st.dev, ino: st.ino, size: st.size };
  }

  /**
   * Where the lines not read yet begin: at the position, or for a file not
   * read at all, after the generation that was newest when it was opened.
   */
  private resumePoint(file: OpenFile): ResumeAt {
    if (file.head.length > 0 || file.offset > 0 || file.newestRotated === undefined) return this.committedPosition(file);
    return { after: file.newestRotated };
  }

  private adopt(file: OpenFile, how: 'opened' | 'resumed' | 'rotated'): void {
    this.file = file;
    if (how === 'rotated') this.skipFirstFragment = false;
    if (how === 'rotated' || file.offset === 0) this.splitter.restart();
    this.logger.info(
      { event: Events.inputOpened, path: this.path, inode: file.ino, offset: file.offset, how },
      `${how === 'resumed' ? 'resuming' : 'reading'} ${this.path} at byte ${String(file.offset)}`,
    );
  }

  private rotated(reason: string, details: Record<string, unknown>): void {
    this.rotations += 1;
    this.logger.info({ event: Events.inputRotated, path: this.path, reason, ...details }, `${this.path} rotated (${reason})`);
  }

  /**
   * Reads from the offset to the end of the file. Each read starts with the
   * bytes already read just before the offset, and compares them and any of
   * the file's first bytes it covers with what was seen: one read call sees
   * one state of the file, so a copytruncate that refilled the file past our
   * offset during an earlier await is caught here rather than read as lines.
   * Returns false when that happened (nothing of it delivered).
   */
  private async readToEnd(file: OpenFile): Promise<boolean> {
    if (!(await this.headIntact(file))) return false;
    this.unsavedSince = Date.now();
    for (;;) {
      const known = file.before.length;
      const start = file.offset - known;
      const { bytesRead } = await file.handle.read(this.buffer, 0, READ_CHUNK, start);
      if (bytesRead < known || !this.buffer.subarray(0, known).equals(file.before)) return false;
      // The first bytes ever read of it: a copy made since it was opened took the file's first lines.
      if (file.head.length === 0 && file.newestRotated !== undefined && bytesRead > 0 && !sameRotated(file.newestRotated, await this.newestRotated())) return false;
      if (!this.agreesWithHead(file, start, bytesRead)) return false;
      if (bytesRead === known) return true;
      const fresh = this.buffer.subarray(known, bytesRead);
      file.offset += fresh.length;
      file.before = Buffer.from(this.buffer.subarray(Math.max(0, bytesRead - SIGNATURE_BYTES), bytesRead));
      let chunk = fresh;
      if (this.skipFirstFragment) {
        const nl = chunk.indexOf(0x0a);
        if (nl < 0) continue;
        this.skipFirstFragment = false;
        chunk = chunk.subarray(nl + 1);
      }
      this.splitter.push(chunk);
      await this.saveWhileReading(file, fresh.length);
    }
  }

  /** Whether the file still starts with the bytes it started with (left to the first read when that starts at 0). */
  private async headIntact(file: OpenFile): Promise<boolean> {
    if (file.head.length === 0 || file.offset - file.before.length === 0) return true;
    return (await readAt(file.handle, 0, file.head.length)).equals(file.head);
  }

  /** Whether `bytesRead` bytes read at `start` into the buffer agree with the file's first bytes where they overlap; extends those from them. */
  private agreesWithHead(file: OpenFile, start: number, bytesRead: number): boolean {
    if (start > file.head.length) return true;
    const overlap = file.head.length - start;
    if (bytesRead < overlap || !this.buffer.subarray(0, overlap).equals(file.head.subarray(start))) return false;
    if (file.head.length < HEAD_BYTES && bytesRead > overlap) {
      file.head = Buffer.concat([file.head, this.buffer.subarray(overlap, Math.min(bytesRead, HEAD_BYTES - start))]);
    }
    return true;
  }

  /**
   * During a long read, writes the position of the lines handled so far (never
   * further) every SAVE_EVERY_BYTES or SAVE_EVERY_MS. One write at a time, so
   * the position on disk is at most two such intervals behind the lines handled.
   */
  private async saveWhileReading(file: OpenFile, bytes: number): Promise<void> {
    this.unsavedBytes += bytes;
    const positions = this.options.positions;
    if (positions === undefined || this.skipFirstFragment) return;
    if (this.unsavedBytes < SAVE_EVERY_BYTES && Date.now() - this.unsavedSince < SAVE_EVERY_MS) return;
    await this.writing;
    const position = this.committedPosition(file);
    this.unsavedBytes = 0;
    this.unsavedSince = Date.now();
    this.lastSaved = positionKey(position);
    this.writing = positions.saveNow(position).catch((err: unknown) => {
      this.logger.warn({ path: this.path, err }, 'saving the input position failed; it is saved again after the next lines');
    });
  }

  /** Whether the bytes before our position are still those we read (copytruncate refilled past it otherwise). */
  private async tailIntact(file: OpenFile): Promise<boolean> {
    const tail = this.splitter.tail;
    const offset = file.offset - this.splitter.pendingBytes;
    if (tail.length === 0 || tail.length > offset) return true;
    return (await readAt(file.handle, offset - tail.length, tail.length)).equals(tail);
  }

  private committedOffset(): number {
    return this.file === undefined ? 0 : this.file.offset - this.splitter.pendingBytes;
  }

  private committedPosition(file: OpenFile): FilePosition {
    const tail = this.splitter.tail;
    return {
      path: this.path,
      dev: file.dev,
      ino: file.ino,
      offset: file.offset - this.splitter.pendingBytes,
      signature: signatureOf(tail),
      signatureBytes: tail.length,
      headSignature: signatureOf(file.head),
      headBytes: file.head.length,
      ...(file.head.length === 0 && file.newestRotated !== undefined ? { newestRotated: file.newestRotated } : {}),
      ...(file.rotatedBefore !== undefined ? { rotatedBefore: file.rotatedBefore } : {}),
    };
  }

  private savePosition(): void {
    const positions = this.options.positions;
    if (positions === undefined || this.file === undefined || this.skipFirstFragment) return;
    const position = this.committedPosition(this.file);
    const key = positionKey(position);
    if (key === this.lastSaved) return;
    this.lastSaved = key;
    positions.set(position);
  }

  private deliver(line: Buffer): void {
    this.lines += 1;
    try {
      this.options.onLine(this.decode(line), this.name);
    } catch (err) {
      this.logger.error({ path: this.path, err }, 'a line handler failed; going on with the next line');
    }
  }

  private reject(bytes: number): void {
    this.rejected += 1;
    this.logger.warn(
      { event: Events.inputLineRejected, path: this.path, bytes, reason: 'too-long', limit: this.options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES },
      `skipped a ${String(bytes)}-byte line in ${this.path}`,
    );
  }
}

/** Whether `path.1` is the same file as before (its size may change: a renamed file is written until its writer reopens). */
function sameRotated(a: FileIdentity | null | undefined, b: FileIdentity | null): boolean {
  return a === null || a === undefined ? b === null : b !== null && sameFile(a, b);
}

function identityKey(file: { dev: number; ino: number }): string {
  return `${String(file.dev)}:${String(file.ino)}`;
}

function sameFile(a: { dev: number; ino: number }, b: { dev: number; ino: number }): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

function positionKey(position: FilePosition): string {
  return `${String(position.dev)}:${String(position.ino)}:${String(position.offset)}:${String(position.headBytes)}`;
}

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
