export { entryOf, parseEntry, type JournalEntry } from './entry.js';
export { EventJournal, DEFAULT_ROTATE_BYTES, type JournalOptions } from './writer.js';
export { readJournal, readLastDrifts, journalPath, type JournalContents } from './reader.js';
