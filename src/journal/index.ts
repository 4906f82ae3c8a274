export { entryFromJson, entryOf, parseEntry, type JournalEntry } from './entry.js';
export { EventJournal, DEFAULT_ROTATE_BYTES, type JournalOptions } from './writer.js';
export { readJournal, readLastDrifts, journalPath, type JournalContents } from './reader.js';
export { HELD_EVENTS_FILE, MAX_HELD_EVENTS } from './outbox.js';
export type { SharedTimeline, TimelineRow } from './shared.js';
