import { Events, tapLogLines, type Logger } from '../log/index.js';
import { isSafeName, type StateStore } from '../state/index.js';
import { entryOf, type JournalEntry } from './entry.js';
import { DRIFT_DIR, JOURNAL_FILE, JOURNAL_PREVIOUS } from './files.js';
import { TimelineOutbox } from './outbox.js';
import type { SharedTimeline } from './shared.js';

/** A journal past this size becomes the previous generation, and a new one starts. */
export const DEFAULT_ROTATE_BYTES = 32 * 1024 * 1024;
// Written behind, in one append per burst: a check's dozen events cost one write.
const WRITE_DELAY_MS = 200;

export interface JournalOptions {
  rotateBytes?: number;
  /** With a store several appliances share: their timeline, which this appliance's entries join too. */
  shared?: { timeline: SharedTimeline; appliance: string };
}

/**
 * The device events the log records, kept in the state directory as JSON
 * lines (events/journal.jsonl, one previous generation beside it) so that
 * the console can show a device's timeline and its last drift, also read-only
 * from the state directory of an appliance that runs elsewhere or not at all.
 * Like the notifications, it reads the log's own lines: whatever the log
 * says happened is what is kept, redacted as the log is. Listeners hear each
 * entry as it is logged. With a shared store, each burst of entries is
 * also recorded in the fleet's timeline, named by the appliance.
 */
export class EventJournal {
  private pending: JournalEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(entry: JournalEntry) => void>();
  private readonly untap: () => void;
  private readonly rotateBytes: number;
  private readonly appliance: string | undefined;
  private readonly outbox: TimelineOutbox | undefined;

  constructor(private readonly state: StateStore, private readonly logger: Logger, options: JournalOptions = {}) {
    this.rotateBytes = options.rotateBytes ?? DEFAULT_ROTATE_BYTES;
    this.appliance = options.shared?.appliance;
    this.outbox = options.shared === undefined ? undefined : new TimelineOutbox(options.shared.timeline, state, logger);
    this.untap = tapLogLines(logger, (line) => { this.observe(line); });
  }

  /** Calls `listener` with every entry from now on; returns the function that stops it. */
  listen(listener: (entry: JournalEntry) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  /** Resolves once every entry logged so far is on disk. */
  async flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.write();
    }
    await this.writing;
  }

  /** Stops listening to the log and writes what is pending (to the shared timeline too, or holds it for later). */
  async close(): Promise<void> {
    this.untap();
    this.listeners.clear();
    await this.flush();
    await this.outbox?.close();
  }

  private observe(line: string): void {
    if (!line.includes('"event":')) return;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    const entry = entryOf(record);
    if (entry === undefined) return;
    if (this.appliance !== undefined) entry.appliance = this.appliance;
    this.pending.push(entry);
    if (entry.event === Events.checkDrift && entry.device !== undefined && isSafeName(entry.device)) {
      const segments = [...DRIFT_DIR, `${entry.device.toLowerCase()}.json`];
      this.writing = this.writing.then(() => this.state.writeJson(segments, entry)).catch((err: unknown) => { this.failed(err); });
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.write();
    }, WRITE_DELAY_MS);
    for (const listener of this.listeners) listener(entry);
  }

  private write(): void {
    const entries = this.pending;
    this.pending = [];
    if (entries.length === 0) return;
    this.outbox?.send(entries);
    const text = entries.map((entry) => `${JSON.stringify(entry)}\n`).join('');
    this.writing = this.writing.then(async () => {
      if (await this.state.size(JOURNAL_FILE) + text.length > this.rotateBytes) await this.state.move(JOURNAL_FILE, JOURNAL_PREVIOUS).catch(() => undefined);
      await this.state.appendText(JOURNAL_FILE, text);
    }).catch((err: unknown) => { this.failed(err); });
  }

  private failed(err: unknown): void {
    // Without an event field: a journal that cannot be written must not feed itself.
    this.logger.error({ err }, `event journal not written in ${this.state.path(...JOURNAL_FILE)}`);
  }
}
