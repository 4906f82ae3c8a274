/**
 * A named set of records that every onramp sharing a store sees: device
 * status by device, pinned host keys by owner, verified identities… In a
 * state directory a book is one JSON file (as it always was); in a
 * database, one row per record.
 */
export interface Book<T> {
  /** Its name in a database. */
  readonly name: string;
  /** The state directory file that holds it. */
  readonly file: string;
  /** The file's JSON as the book's records, by key; default: the file is that object (absent: none). */
  readonly fromFile?: (raw: unknown) => Record<string, T>;
  /** The records as the file keeps them; default: the object itself. */
  readonly toFile?: (records: Record<string, T>) => unknown;
}

/** What a change of one book may do; what it reads stays as it is until the change is written. */
export interface BookEdit<T> {
  get(key: string): Promise<T | undefined>;
  /** Every record; with a database, the whole book is held for the rest of the change. */
  all(): Promise<Record<string, T>>;
  set(key: string, value: T): void;
  delete(key: string): void;
}

/**
 * Where the state several appliances share is kept: a state directory (the
 * default, one box) or PostgreSQL (several). What belongs to one box (input
 * positions, pid files, its agents) is always in its state directory, `root`.
 */
export interface SharedStore {
  /** This box's state directory. */
  readonly root: string;
  /** The shared store's address (never with a password) when it is not the state directory. */
  readonly url?: string;
  /** With a shared store: the name of the appliance writing through it, recorded beside what it does. */
  readonly appliance?: string;
  /** Names a book's place in messages: a file path, or the book in the database. */
  where<T>(book: Book<T>): string;
  /** One record as it is now; the value may be shared by callers, who must not change it. */
  get<T>(book: Book<T>, key: string): Promise<T | undefined>;
  /** Every record as it is now, a copy the caller may change. */
  all<T>(book: Book<T>): Promise<Record<string, T>>;
  /**
   * Reads, changes and writes back records of `book` so that no other process
   * changes what `work` read before it is written. `work` may be run again
   * (a database retries a change that deadlocked): it must act only through
   * `edit` and on what it read there.
   */
  edit<T, R>(book: Book<T>, work: (edit: BookEdit<T>) => Promise<R> | R): Promise<R>;
}

/** Books whose file holds one value (a counter, a queue): the value is the book's one record, `key`. */
export function singleRecordFile<T>(key: string, valid: (raw: unknown) => raw is T): Pick<Book<T>, 'fromFile' | 'toFile'> {
  return {
    fromFile: (raw) => (valid(raw) ? { [key]: raw } : {}),
    toFile: (records) => records[key],
  };
}
