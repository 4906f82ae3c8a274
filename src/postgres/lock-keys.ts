/**
 * The first key of every advisory lock onramp takes (the second is a hash
 * of what is locked), so that its kinds of lock never meet each other, and
 * stay clear of whatever else uses advisory locks in the same database.
 */
export const LOCKS = {
  migrations: 0x6f6e0001,
  /** A whole book, shared by a change of one record, exclusive for a change that reads them all. */
  book: 0x6f6e0002,
  record: 0x6f6e0003,
  backups: 0x6f6e0004,
  /** A switch being worked on, held by a session for the whole job. */
  device: 0x6f6e0005,
  /** Held by each write to the shared timeline, so that the order of its seq is the order its rows become visible. */
  timeline: 0x6f6e0006,
} as const;
