import { isIPv4 } from 'node:net';
import { isSafeName, type Book, type SharedStore } from '../state/index.js';

/** A device job as it is written down at a stop, to be queued again at the next start. */
export type QueuedWork =
  | { kind: 'check'; device: string; ip?: string; mac?: string }
  /** `assigned`: the time of the operator's assignment it carries out (`onramp assign`), which makes it a job of its own, not the lease's again. */
  | { kind: 'factory'; ip: string; mac: string; circuitId?: string; remoteId?: string; assigned?: string }
  | { kind: 'provision'; ip: string; name: string }
  /** `line`: the event that scheduled it, which says what triggered it and who made the change. */
  | { kind: 'backup'; device: string; execution: number; ip?: string; line?: string };

const JOBS = 'jobs';
/** state/queue.json: `{ "jobs": [...] }`, no file when none are left. */
export const QUEUE_BOOK: Book<unknown[]> = {
  name: 'queue',
  file: 'queue.json',
  fromFile: (raw): Record<string, unknown[]> => {
    const jobs = typeof raw === 'object' && raw !== null ? (raw as { jobs?: unknown }).jobs : undefined;
    return Array.isArray(jobs) ? { [JOBS]: jobs as unknown[] } : {};
  },
  toFile: (records) => (records[JOBS] === undefined ? undefined : { jobs: records[JOBS] }),
};
const MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;
const RELAY_ID = /^[\x21-\x7e]{1,128}$/;
const MAX_EVENT_LINE = 4096;

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z$/;

function isoTime(value: string): boolean {
  return ISO_TIME.test(value);
}

function eventLine(value: string): boolean {
  return value.length <= MAX_EVENT_LINE;
}

/** Writes the jobs a stop left; none leaves the file as it is (an earlier stop's jobs may still be in it). */
export async function saveQueue(store: SharedStore, jobs: readonly QueuedWork[]): Promise<void> {
  if (jobs.length === 0) return;
  await store.edit(QUEUE_BOOK, async (book) => {
    // An earlier stop's entries are kept as they are, even those that are not jobs: they are reported when taken.
    book.set(JOBS, [...(await book.get(JOBS) ?? []), ...jobs]);
  });
}

/**
 * Takes the jobs written at the last stop out of the state directory. An
 * entry that is not a well-formed job (the file was edited, or written by
 * another version) is passed over and reported.
 */
export async function takeQueue(store: SharedStore): Promise<{ jobs: QueuedWork[]; invalid: number }> {
  return store.edit(QUEUE_BOOK, async (book) => {
    const entries = await book.get(JOBS) ?? [];
    book.delete(JOBS);
    const jobs = entries.filter(isQueuedWork);
    return { jobs, invalid: entries.length - jobs.length };
  });
}

/** Whether `value` is a well-formed job as written down (the stop queue, the jobs held while the shared store was out of reach). */
export function isQueuedWork(value: unknown): value is QueuedWork {
  if (typeof value !== 'object' || value === null) return false;
  const job = value as Record<string, unknown>;
  const optional = (key: string, valid: (text: string) => boolean): boolean =>
    job[key] === undefined || (typeof job[key] === 'string' && valid(job[key]));
  const required = (key: string, valid: (text: string) => boolean): boolean => typeof job[key] === 'string' && valid(job[key]);
  const mac = (text: string): boolean => MAC.test(text);
  const relay = (text: string): boolean => RELAY_ID.test(text);
  switch (job.kind) {
    case 'check':
      // A lease's check has both; a rule's `check HOST`, neither.
      return required('device', isSafeName) && optional('ip', isIPv4) && optional('mac', mac) && (job.ip === undefined) === (job.mac === undefined);
    case 'factory':
      return required('ip', isIPv4) && required('mac', mac) && optional('circuitId', relay) && optional('remoteId', relay) && optional('assigned', isoTime);
    case 'provision':
      return required('ip', isIPv4) && required('name', isSafeName);
    case 'backup':
      return required('device', isSafeName) && optional('ip', isIPv4) && optional('line', eventLine) && Number.isSafeInteger(job.execution) && (job.execution as number) > 0;
    default:
      return false;
  }
}
