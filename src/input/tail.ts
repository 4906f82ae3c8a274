import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { Events, type Logger } from '../log/index.js';
import { LineSplitter, SIGNATURE_BYTES } from './line-splitter.js';
import { signatureOf, verifiedTail, type FilePosition, type PositionStore } from './positions.js';
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
const DEFAULT_POLL_MS = 1000;
/** chokidar reports at most one change of a file per this many ms. */
const CHOKIDAR_CHANGE_THROTTLE_MS = 50;

type PositionBytes = Pick<FilePosition, 'offset' | 'signature' | 'signatureBytes'> & Partial<Pick<FilePosition, 'ino' | 'dev'>>;

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
}

/**
 * Follows one log file by byte offset. A chokidar event or the safety poll
 * triggers a check, and checks never overlap: read what was appended, then
 * compare the path with the open file. A different file at the path
 * (rename+create, delete+create) means finish the old one to its end and
 * start the new one at 0; the same file grown shorter, or whose bytes before
 * the offset changed (copytruncate, truncation), means first take the lines
 * not yet read from the rotated copy (`path.1`) when it holds them, then
 * start again at 0.
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
    }
    this.schedule();
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
      await this.options.positions?.flush();
      this.resolveDone();
      return;
    }
    if (this.file === undefined) {
      const opened = await this.openPath(0);
      if (opened === undefined) return;
      this.adopt(opened, 'opened');
    }
    const current = this.file;
    if (current === undefined) return;
    const now = await statOrUndefined(this.path);
    if (now === undefined) {
      // Moved or deleted: keep reading what is open until a new file appears.
      await this.readToEnd(current);
    } else if (now.ino !== current.ino || now.dev !== current.dev) {
      await this.readToEnd(current);
      this.splitter.flush();
      const next = await this.openPath(0);
      if (next === undefined) return;
      await current.handle.close();
      this.rotated('replaced', { from: current.ino, to: next.ino });
      this.adopt(next, 'rotated');
      await this.readToEnd(next);
    } else {
      // Checked before reading on: once new bytes are read, a refilled file would look intact.
      const intact = now.size >= current.offset && (await this.tailIntact(current)) && (await this.readToEnd(current));
      if (!intact) {
        const position = this.committedPosition(current);
        const recovered = (await this.drainRotated(position, current)) !== undefined;
        this.splitter.restart();
        current.offset = 0;
        current.before = Buffer.alloc(0);
        this.skipFirstFragment = false;
        this.rotated('truncated', { offset: position.offset, size: now.size, recovered });
        await this.readToEnd(current);
      }
    }
    this.savePosition();
  }

  /** Where to begin: the saved position when it still fits, after draining a file rotated while stopped. */
  private async openAtStart(saved: FilePosition | undefined): Promise<void> {
    const opened = await this.openPath(0);
    if (saved !== undefined) {
      if (opened !== undefined && opened.ino === saved.ino && opened.dev === saved.dev) {
        const tail = await verifiedTail(opened.handle, saved);
        if (tail !== undefined) {
          opened.offset = saved.offset;
          opened.before = tail;
          this.splitter.restart(tail);
          this.adopt(opened, 'resumed');
          return;
        }
      }
      const drained = await this.drainRotated(saved, opened);
      this.rotated('while-stopped', { offset: saved.offset, inode: saved.ino, drained: drained ?? null });
      if (opened !== undefined) this.adopt(opened, 'opened');
      return;
    }
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
        this.splitter.restart(this.skipFirstFragment ? Buffer.alloc(0) : before);
      }
    }
    this.adopt(opened, 'opened');
  }

  /**
   * The bytes we stopped at, found in the file that was at the path then (by
   * its inode among the rotated siblings) or, when that file was truncated
   * since (copytruncate), in the numbered generation that copied them, nearest
   * first; drained from the position. When logrotate numbering shows more
   * rotations since (found in `path.3`), the newer ones (`path.2`, `path.1`)
   * follow in full. `current` (the file now at the path, read next) is left out.
   */
  private async drainRotated(position: PositionBytes, current: { ino: number; dev: number } | undefined): Promise<string | undefined> {
    const dir = dirname(this.path);
    const prefix = basename(this.path);
    // Every sibling is opened before anything is read: logrotate may rotate again during a long drain,
    // and an open file keeps its bytes whatever its name becomes.
    const siblings: { name: string; generation: number | undefined; handle: FileHandle; ino: number; dev: number }[] = [];
    try {
      for (const entry of await readdir(dir).catch(() => [] as string[])) {
        if (!entry.startsWith(prefix) || entry === prefix) continue;
        const handle = await open(join(dir, entry), 'r').catch(() => undefined);
        if (handle === undefined) continue;
        const st = await handle.stat();
        if (!st.isFile() || (st.ino === current?.ino && st.dev === current.dev)) {
          await handle.close();
          continue;
        }
        const number = /^\.(\d+)$/.exec(entry.slice(prefix.length))?.[1];
        siblings.push({ name: join(dir, entry), generation: number === undefined ? undefined : Number(number), handle, ino: st.ino, dev: st.dev });
      }
      const byInode = 'ino' in position ? siblings.filter((s) => s.ino === position.ino && s.dev === position.dev) : [];
      // Nearest generation first: with an empty signature (offset 0) every file matches.
      const generations = siblings.filter((s) => s.generation !== undefined).sort((a, b) => (a.generation ?? 0) - (b.generation ?? 0));
      let found: (typeof siblings)[number] | undefined;
      for (const sibling of [...byInode, ...generations]) {
        if (await this.drainHandle(sibling.handle, position)) {
          found = sibling;
          break;
        }
      }
      if (found === undefined) return undefined;
      const newer = generations.filter((s) => found.generation !== undefined && (s.generation ?? 0) < found.generation).reverse();
      for (const sibling of newer) await this.drainHandle(sibling.handle, { offset: 0, signature: signatureOf(Buffer.alloc(0)), signatureBytes: 0 });
      return found.name;
    } finally {
      await Promise.all(siblings.map((s) => s.handle.close()));
    }
  }

  /** Reads `handle` from `position` to its end when the bytes before the position match; true if it did. */
  private async drainHandle(handle: FileHandle, position: PositionBytes): Promise<boolean> {
    const tail = await verifiedTail(handle, position);
    if (tail === undefined) return false;
    const st = await handle.stat();
    this.splitter.restart(tail);
    await this.readToEnd({ handle, dev: st.dev, ino: st.ino, offset: position.offset, before: tail });
    this.splitter.flush();
    return true;
  }

  private async openPath(offset: number): Promise<OpenFile | undefined> {
    let handle: FileHandle;
    try {
      handle = await open(this.path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const st = await handle.stat();
    return { handle, dev: st.dev, ino: st.ino, offset, before: Buffer.alloc(0) };
  }

  private adopt(file: OpenFile, how: 'opened' | 'resumed' | 'rotated'): void {
    this.file = file;
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
   * bytes already read just before the offset and checks they are unchanged:
   * one read call sees one state of the file, so a copytruncate that refilled
   * the file past our offset during an earlier await is caught here rather than
   * read as lines. Returns false when that happened (nothing of it delivered).
   */
  private async readToEnd(file: OpenFile): Promise<boolean> {
    for (;;) {
      const known = file.before.length;
      const { bytesRead } = await file.handle.read(this.buffer, 0, READ_CHUNK, file.offset - known);
      if (bytesRead < known || !this.buffer.subarray(0, known).equals(file.before)) return false;
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
    }
  }

  /** Whether the bytes before our position are still those we read (copytruncate refilled past it otherwise). */
  private async tailIntact(file: OpenFile): Promise<boolean> {
    const tail = this.splitter.tail;
    const position = this.committedPosition(file);
    if (tail.length === 0 || tail.length > position.offset) return true;
    return (await verifiedTail(file.handle, position)) !== undefined;
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
    };
  }

  private savePosition(): void {
    const positions = this.options.positions;
    if (positions === undefined || this.file === undefined || this.skipFirstFragment) return;
    const position = this.committedPosition(this.file);
    const key = `${String(position.ino)}:${String(position.offset)}`;
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

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const bytes = Buffer.alloc(length);
  const { bytesRead } = await handle.read(bytes, 0, length, position);
  return bytes.subarray(0, bytesRead);
}
