import type { Logger } from '../log/index.js';
import { singleRecordFile, type Book, type SharedStore } from '../state/index.js';

/** Ids a process takes for itself at a time. */
const BLOCK = 100;
const KEY = 'executions';

interface ExecutionsFile {
  /** The highest id any process has handed out. */
  last: number;
  /** The highest id any process has taken for itself: the next process starts above it. */
  reserved?: number;
}

function isObject(raw: unknown): raw is Partial<ExecutionsFile> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

/** The one record of state/executions.json. */
const EXECUTIONS_BOOK: Book<Partial<ExecutionsFile>> = { name: 'counters', file: 'executions.json', ...singleRecordFile(KEY, isObject) };

/** The ids a process may hand out: `next` up to `limit`. */
interface Block {
  next: number;
  limit: number;
}

/**
 * Execution ids for scheduled backups: unique across restarts and across
 * the processes of one state directory, so an id in an old log line never
 * names a different run. The engine's sink call is synchronous, so ids come
 * from a block this process took for itself under the file's lock (at
 * load, and again before the block runs out); ids a process did not use
 * are skipped, never handed out twice.
 */
export class ExecutionCounter {
  private block: Block = { next: 1, limit: 0 };
  private spare: Block | undefined;
  private refilling = false;
  private last = 0;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly store: SharedStore, private readonly logger: Logger) {}

  /** Reads the counter; with `reserve`, takes the first block (a command that schedules no backup need not). */
  async load(options: { reserve?: boolean } = {}): Promise<void> {
    if (options.reserve === false) {
      const file = await this.read();
      this.last = file.last;
      this.block = { next: Math.max(file.last, file.reserved ?? 0) + 1, limit: 0 };
      return;
    }
    this.block = await this.reserve();
    this.last = this.block.next - 1;
  }

  next(): number {
    if (this.block.next > this.block.limit && this.spare !== undefined) {
      this.block = this.spare;
      this.spare = undefined;
    }
    // Past the block only when a burst used it up before the next block was taken: ids still increase.
    const id = this.block.next++;
    this.last = Math.max(this.last, id);
    const refill = !this.refilling && this.spare === undefined && this.block.limit - this.block.next < BLOCK / 2;
    if (refill) this.refilling = true;
    this.writeBehind(refill);
    return id;
  }

  flushed(): Promise<void> {
    return this.writing;
  }

  private writeBehind(refill: boolean): void {
    const last = this.last;
    this.writing = this.writing
      .then(async () => {
        if (!refill) {
          await this.update((file) => ({ ...file, last: Math.max(file.last, last) }));
          return;
        }
        try {
          this.spare = await this.reserve(last);
        } finally {
          this.refilling = false;
        }
      })
      .catch((err: unknown) => {
        this.logger.error({ err }, `execution counter not saved in ${this.store.where(EXECUTIONS_BOOK)}`);
      });
  }

  /** Takes the next BLOCK ids above every id handed out or taken by any process; `last`, this process's highest so far. */
  private async reserve(last = 0): Promise<Block> {
    let block: Block = { next: 1, limit: 0 };
    await this.update((file) => {
      const above = Math.max(file.last, file.reserved ?? 0, last);
      block = { next: above + 1, limit: above + BLOCK };
      return { last: Math.max(file.last, last), reserved: block.limit };
    });
    return block;
  }

  private update(change: (file: ExecutionsFile) => ExecutionsFile): Promise<void> {
    return this.store.edit(EXECUTIONS_BOOK, async (book) => {
      book.set(KEY, change(this.valid(await book.get(KEY))));
    });
  }

  private async read(): Promise<ExecutionsFile> {
    return this.valid(await this.store.get(EXECUTIONS_BOOK, KEY));
  }

  private valid(file: Partial<ExecutionsFile> = {}): ExecutionsFile {
    const count = (key: keyof ExecutionsFile): number => {
      const value = file[key];
      if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
        throw new Error(`${this.store.where(EXECUTIONS_BOOK)}: ${key}: expected a non-negative integer, got ${JSON.stringify(value)}`);
      }
      return value ?? 0;
    };
    return { last: count('last'), reserved: count('reserved') };
  }
}
