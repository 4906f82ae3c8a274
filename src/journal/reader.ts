import type { StateStore } from '../state/index.js';
import { parseEntry, type JournalEntry } from './entry.js';
import { DRIFT_DIR, JOURNAL_FILE, JOURNAL_PREVIOUS } from './files.js';

export interface JournalContents {
  entries: JournalEntry[];
  /** Lines that are not entries (a torn last line after a crash): skipped. */
  skipped: number;
}

/** Every entry of the journal's two generations, oldest first. */
export async function readJournal(state: StateStore): Promise<JournalContents> {
  const entries: JournalEntry[] = [];
  let skipped = 0;
  for (const file of [JOURNAL_PREVIOUS, JOURNAL_FILE]) {
    const text = await state.readText(file);
    if (text === undefined) continue;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const entry = parseEntry(line);
      if (entry === undefined) skipped++;
      else entries.push(entry);
    }
  }
  return { entries, skipped };
}

/** The last drift of every device that ever drifted, even one the journal has rotated away. */
export async function readLastDrifts(state: StateStore): Promise<JournalEntry[]> {
  const names = await state.list(DRIFT_DIR);
  const drifts: JournalEntry[] = [];
  for (const name of names.filter((file) => file.endsWith('.json'))) {
    const entry = parseEntry(await state.readText([...DRIFT_DIR, name]) ?? '');
    if (entry !== undefined) drifts.push(entry);
  }
  return drifts;
}

/** The journal file's path, for a reader that follows it. */
export function journalPath(state: StateStore): string {
  return state.path(...JOURNAL_FILE);
}
