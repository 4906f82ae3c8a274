import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { StateStore } from '../state/index.js';

/** Where reading of one input file stopped: the next byte to read, and what lay just before it. */
export interface FilePosition {
  path: string;
  dev: number;
  ino: number;
  offset: number;
  /** sha256 (hex) of the `signatureBytes` bytes that end at `offset`. */
  signature: string;
  signatureBytes: number;
  /** sha256 (hex) of the file's first `headBytes` bytes: a truncated and refilled file starts differently. */
  headSignature: string;
  headBytes: number;
  /**
   * For a file not read at all (offset 0, no first bytes to compare): `path.1`
   * when it was opened (null: there was none). A different one since means
   * the file was copied away (copytruncate) before any of it was read.
   */
  newestRotated?: FileIdentity | null;
  /**
   * `path.1` just before the file was opened at the path (null: there was
   * none). Every generation rotated after it holds lines newer than all of
   * the file's: when the bytes at the position are gone (logrotate deleted
   * the generation that held them), those generations are still read.
   */
  rotatedBefore?: FileIdentity | null;
  savedAt?: string;
}

/** A file by device and inode, with its size when seen. */
export interface FileIdentity {
  dev: number;
  ino: number;
  size: number;
}

/** How many of a file's first bytes identify its content. */
export const HEAD_BYTES = 4096;

const FOLDER = 'positions';
const DEFAULT_SAVE_DELAY_MS = 500;

/**
 * Input positions in the state directory, one small file per input path (so
 * watchers in different processes never overwrite each other's). Updates are
 * kept in memory and written at most every `saveDelayMs`, and at `flush()`;
 * each write is atomic (StateStore), so a crash leaves the previous position,
 * and at most the lines of the last interval are read again after a kill -9.
 * A long catch-up writes as it goes (`saveNow`) so that interval stays short.
 */
export class PositionStore {
  private readonly state: StateStore;
  private readonly saveDelayMs: number;
  private readonly dirty = new Map<string, FilePosition>();
  private timer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(state: StateStore, options: { saveDelayMs?: number } = {}) {
    this.state = state;
    this.saveDelayMs = options.saveDelayMs ?? DEFAULT_SAVE_DELAY_MS;
  }

  async get(path: string): Promise<FilePosition | undefined> {
    const pending = this.dirty.get(path);
    if (pending !== undefined) return pending;
    const saved = await this.state.readJson<unknown>([FOLDER, fileName(path)], null);
    if (!isPosition(saved) || saved.path !== path) return undefined;
    // Saved before first bytes were recorded: nothing to compare them with.
    return { headSignature: signatureOf(Buffer.alloc(0)), headBytes: 0, ...saved };
  }

  /** Records a position; it reaches the disk within saveDelayMs. */
  set(position: FilePosition): void {
    this.dirty.set(position.path, position);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush().catch(() => undefined);
    }, this.saveDelayMs).unref();
  }

  /** Records a position and writes it now, after any write in progress; resolves when it is on disk. */
  async saveNow(position: FilePosition): Promise<void> {
    this.dirty.set(position.path, position);
    await this.flush();
  }

  /** Writes every pending position now; resolves when they are on disk. */
  async flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = [...this.dirty.values()];
    this.dirty.clear();
    const previous = this.saving;
    this.saving = (async () => {
      await previous.catch(() => undefined);
      const savedAt = new Date().toISOString();
      for (const position of batch) {
        await this.state.writeJson([FOLDER, fileName(position.path)], { ...position, savedAt });
      }
    })();
    await this.saving;
  }

  async forget(path: string): Promise<void> {
    this.dirty.delete(path);
    await this.state.remove([FOLDER, fileName(path)]);
  }
}

function fileName(path: string): string {
  return `${createHash('sha256').update(path).digest('hex').slice(0, 32)}.json`;
}

function isPosition(value: unknown): value is Omit<FilePosition, 'headSignature' | 'headBytes'> & Partial<FilePosition> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.path === 'string' && typeof v.dev === 'number' && typeof v.ino === 'number' &&
    typeof v.offset === 'number' && typeof v.signature === 'string' && typeof v.signatureBytes === 'number' &&
    (v.headSignature === undefined || typeof v.headSignature === 'string') &&
    (v.headBytes === undefined || (typeof v.headBytes === 'number' && v.headBytes <= HEAD_BYTES)) &&
    (v.newestRotated === undefined || v.newestRotated === null || isIdentity(v.newestRotated)) &&
    (v.rotatedBefore === undefined || v.rotatedBefore === null || isIdentity(v.rotatedBefore))
  );
}

function isIdentity(value: unknown): value is FileIdentity {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.dev === 'number' && typeof v.ino === 'number' && typeof v.size === 'number';
}

export function signatureOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export type ContentPosition = Pick<FilePosition, 'offset' | 'signature' | 'signatureBytes' | 'headSignature' | 'headBytes'>;

/**
 * The bytes ending at `offset` and the file's first bytes (up to HEAD_BYTES,
 * as they are now), when both still match the signatures of `position`.
 */
export async function verifiedPosition(handle: FileHandle, position: ContentPosition): Promise<{ tail: Buffer; head: Buffer } | undefined> {
  const { offset, signatureBytes, headBytes } = position;
  if (signatureBytes > offset) return undefined;
  const head = await readAt(handle, 0, HEAD_BYTES);
  if (head.length < headBytes || signatureOf(head.subarray(0, headBytes)) !== position.headSignature) return undefined;
  const tail = await readAt(handle, offset - signatureBytes, signatureBytes);
  if (tail.length !== signatureBytes || signatureOf(tail) !== position.signature) return undefined;
  return { tail, head };
}

export async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const bytes = Buffer.alloc(length);
  const { bytesRead } = await handle.read(bytes, 0, length, position);
  return bytes.subarray(0, bytesRead);
}
