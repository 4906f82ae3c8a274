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
  savedAt?: string;
}

const FOLDER = 'positions';
const DEFAULT_SAVE_DELAY_MS = 500;

/**
 * Input positions in the state directory, one small file per input path (so
 * watchers in different processes never overwrite each other's). Updates are
 * kept in memory and written at most every `saveDelayMs`, and at `flush()`;
 * each write is atomic (StateStore), so a crash leaves the previous position,
 * and at most the lines of the last interval are read again after a kill -9.
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
    const saved = await this.state.readJson<FilePosition | null>([FOLDER, fileName(path)], null);
    return saved !== null && isPosition(saved) && saved.path === path ? saved : undefined;
  }

  /** Records a position; it reaches the disk within saveDelayMs. */
  set(position: FilePosition): void {
    this.dirty.set(position.path, position);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush().catch(() => undefined);
    }, this.saveDelayMs).unref();
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

function isPosition(value: unknown): value is FilePosition {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.path === 'string' && typeof v.dev === 'number' && typeof v.ino === 'number' &&
    typeof v.offset === 'number' && typeof v.signature === 'string' && typeof v.signatureBytes === 'number'
  );
}

export function signatureOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The bytes ending at `offset` in the open file, when they are still the ones the signature was taken from. */
export async function verifiedTail(
  handle: FileHandle,
  position: Pick<FilePosition, 'offset' | 'signature' | 'signatureBytes'>,
): Promise<Buffer | undefined> {
  const { offset, signatureBytes } = position;
  if (signatureBytes > offset) return undefined;
  const bytes = Buffer.alloc(signatureBytes);
  const { bytesRead } = await handle.read(bytes, 0, signatureBytes, offset - signatureBytes);
  if (bytesRead !== signatureBytes || signatureOf(bytes) !== position.signature) return undefined;
  return bytes;
}
