/**
 * One event of the journal: what the log said about a device or an input,
 * reduced to the fields a person looking at the console needs. The log line
 * it comes from was already redacted by the logger; only the fields named
 * here are kept, so a field added to a log line later is not published by
 * accident.
 */
export interface JournalEntry {
  /** ms since the epoch, the log line's own time. */
  time: number;
  event: string;
  /** pino's level: 30 info, 40 warn, 50 error. */
  level: number;
  msg?: string;
  device?: string;
  site?: string;
  ip?: string;
  mac?: string;
  result?: string;
  /** With a store shared by several appliances: the one whose log said it. */
  appliance?: string;
  /** The event's other fields worth showing (diff, fingerprints, refusals, lines …), by name. */
  details?: Record<string, unknown>;
}

const TOP_FIELDS = ['msg', 'device', 'site', 'ip', 'mac', 'result'] as const;
/** Read back from a journal: the fields an entry is written with, and who wrote it. */
const STORED_FIELDS = [...TOP_FIELDS, 'appliance'] as const;

/** Fields of an event shown beside it: each is a diff, a count, a name or lines already masked by the code that logged them. */
const DETAIL_FIELDS = [
  'diff', 'added', 'removed', 'features', 'fingerprint', 'pinned', 'hostname', 'source', 'classes', 'refusals', 'commands',
  'lines', 'version', 'cause', 'execution', 'kind', 'reason', 'via', 'server', 'dryRun', 'deviceMessage', 'command', 'seen',
  'candidates', 'applied', 'saved', 'count', 'file', 'path',
] as const;

/** A parsed log record as a journal entry, or undefined when it names no event. */
export function entryOf(record: Record<string, unknown>): JournalEntry | undefined {
  const { event, time, level } = record;
  if (typeof event !== 'string' || typeof time !== 'number') return undefined;
  const entry: JournalEntry = { time, event, level: typeof level === 'number' ? level : 30 };
  for (const field of TOP_FIELDS) {
    const value = record[field];
    if (typeof value === 'string') entry[field] = value;
  }
  const details: Record<string, unknown> = {};
  for (const field of DETAIL_FIELDS) {
    if (record[field] !== undefined) details[field] = record[field];
  }
  if (Object.keys(details).length > 0) entry.details = details;
  return entry;
}

/** A journal line as an entry; undefined when the line is torn or not one. */
export function parseEntry(line: string): JournalEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  return entryFromJson(value);
}

/** A stored entry's JSON (a journal line parsed, a database row) as an entry; undefined when it is not one. */
export function entryFromJson(value: unknown): JournalEntry | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const { event, time, level, details } = record;
  if (typeof event !== 'string' || typeof time !== 'number' || typeof level !== 'number') return undefined;
  const entry: JournalEntry = { time, event, level };
  for (const field of STORED_FIELDS) {
    const text = record[field];
    if (typeof text === 'string') entry[field] = text;
  }
  if (typeof details === 'object' && details !== null && !Array.isArray(details)) entry.details = details as Record<string, unknown>;
  return entry;
}
