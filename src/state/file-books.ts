import type { Book, BookEdit } from './shared.js';

/** The records of a state file's JSON; undefined (no file) is an empty book. */
export function recordsOf<T>(book: Book<T>, raw: unknown): Record<string, T> {
  if (raw === undefined) return {};
  if (book.fromFile !== undefined) return book.fromFile(raw);
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? { ...(raw as Record<string, T>) } : {};
}

export function fileOf<T>(book: Book<T>, records: Record<string, T>): unknown {
  return book.toFile === undefined ? records : book.toFile(records);
}

/** An edit of records held in memory (one file read under its lock); `changed` once a set or delete made a difference. */
export class MemoryEdit<T> implements BookEdit<T> {
  changed = false;

  constructor(readonly records: Record<string, T>) {}

  get(key: string): Promise<T | undefined> {
    return Promise.resolve(Object.hasOwn(this.records, key) ? this.records[key] : undefined);
  }

  all(): Promise<Record<string, T>> {
    return Promise.resolve({ ...this.records });
  }

  set(key: string, value: T): void {
    if (Object.hasOwn(this.records, key) && JSON.stringify(this.records[key]) === JSON.stringify(value)) return;
    this.records[key] = value;
    this.changed = true;
  }

  delete(key: string): void {
    if (!Object.hasOwn(this.records, key)) return;
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
    delete this.records[key];
    this.changed = true;
  }
}
