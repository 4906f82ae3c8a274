import type { SharedTimeline } from '../journal/index.js';
import type { Logger } from '../log/index.js';
import type { JournalIndex } from './journal-index.js';

/** How often a console asks the shared timeline for what was recorded since it last asked. */
export const TIMELINE_POLL_MS = 1000;
/** Entries a console loads when it starts: the newest, of every appliance. */
const LOADED = 100_000;
const PER_POLL = 5000;

/** Fills `index` with the shared timeline's newest entries and every device's last drift; the seq to follow from. */
export async function loadTimeline(timeline: SharedTimeline, index: JournalIndex): Promise<number> {
  const rows = await timeline.newest(LOADED);
  for (const row of rows) index.add(row.entry);
  for (const drift of await timeline.lastDrifts()) index.addDrift(drift);
  return rows.at(-1)?.seq ?? 0;
}

/**
 * Adds to `index` what the shared timeline records after `from`, asking
 * every TIMELINE_POLL_MS: the other appliances' events reach this console
 * within about a second. With `skipOwn`, this appliance's own entries are
 * passed over (its console heard them as they were logged). While the
 * store cannot be reached it goes on asking, and catches up in order.
 * Returns the function that stops it.
 */
export function followTimeline(timeline: SharedTimeline, index: JournalIndex, options: { from: number; skipOwn: boolean; logger: Logger }): () => Promise<void> {
  let last = options.from;
  let stopped = false;
  let failing = false;
  let timer: NodeJS.Timeout | undefined;
  let asking: Promise<void> = Promise.resolve();
  const ask = async (): Promise<void> => {
    try {
      for (;;) {
        const rows = await timeline.after(last, PER_POLL);
        for (const row of rows) {
          last = Math.max(last, row.seq);
          if (!(options.skipOwn && row.own)) index.add(row.entry);
        }
        if (rows.length < PER_POLL || stopped) break;
      }
      failing = false;
    } catch (err) {
      // Without an event field: the console's own trouble is not a device's event.
      if (!failing) options.logger.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, 'the console cannot read the shared timeline; it asks again every second');
      failing = true;
    }
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      asking = ask().then(schedule);
    }, TIMELINE_POLL_MS);
    timer.unref();
  };
  schedule();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await asking;
  };
}
