import { Events, lineNamesEvent, tapLogLines, type Logger } from '../log/index.js';
import type { StateStore } from '../state/index.js';

const COUNTERS_FILE = ['counters.json'];
// Written behind: a burst of events is one write, and a kill -9 loses at most this much.
const WRITE_DELAY_MS = 1000;
const PINO_ERROR = 50;
const CHECK_ENDS: ReadonlySet<string> = new Set([Events.checkOk, Events.checkDrift, Events.checkFailed]);
/** The events that move a count: only their lines are parsed as they come. */
const COUNTED: ReadonlySet<string> = new Set([...CHECK_ENDS, Events.provisionDone, Events.inputSenderRefused, Events.inputActionRefused]);
const ERROR_LINE = /^\{"level":[5-9]\d\b/;

/** What a running onramp has done, over all its runs: `onramp agent status` shows it. */
export interface WorkCounts {
  checks: number;
  drifts: number;
  provisions: number;
  /** Log lines at level error or worse. */
  errors: number;
  /** Syslog messages dropped because their sender is not in the listener's allow list. */
  dropped: number;
  /** Native actions refused because the input their event came from does not allow them. */
  refused: number;
  last?: { time: string; event: string; msg: string };
}

const ZERO: WorkCounts = { checks: 0, drifts: 0, provisions: 0, errors: 0, dropped: 0, refused: 0 };

/** The counts kept in a state directory; zero when there are none yet. */
export async function readWorkCounts(state: StateStore): Promise<WorkCounts> {
  const file = await state.readJson<Partial<WorkCounts>>(COUNTERS_FILE, {});
  const counts: WorkCounts = { ...ZERO };
  for (const key of ['checks', 'drifts', 'provisions', 'errors', 'dropped', 'refused'] as const) {
    const value = file[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new Error(`${state.path(...COUNTERS_FILE)}: ${key}: expected a non-negative integer, got ${JSON.stringify(value)}`);
    }
    counts[key] = value;
  }
  const last = file.last;
  if (last !== undefined && typeof last.time === 'string' && typeof last.event === 'string' && typeof last.msg === 'string') counts.last = last;
  return counts;
}

/**
 * Counts taken from the log as it is written, and kept in the state
 * directory (atomically, written behind), so they outlive the log file's
 * rotation and the process. Counting the log lines themselves means
 * whatever the log says happened is what is counted.
 */
export class WorkCounters {
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  /** The last line that carried an event, not read yet. */
  private lastEventLine: string | undefined;

  private constructor(private readonly state: StateStore, private readonly counts: WorkCounts, private readonly logger: Logger) {}

  /** Loads the saved counts and counts every line `logger` writes from now on. */
  static async attach(state: StateStore, logger: Logger): Promise<WorkCounters> {
    const counters = new WorkCounters(state, await readWorkCounts(state), logger);
    tapLogLines(logger, (line) => { counters.observe(line); });
    return counters;
  }

  /**
   * Most lines carry no event (or one that moves no count, such as the lease
   * logged for every DHCPACK) and no error: they are not parsed. The last
   * event line is kept as it is and read when the counts are saved.
   */
  observe(line: string): void {
    const error = ERROR_LINE.test(line);
    const event = line.includes('"event":');
    if (!error && !event) return;
    if (event) this.lastEventLine = line;
    if (error || lineNamesEvent(line, COUNTED)) this.count(line);
    this.changed();
  }

  private count(line: string): void {
    let entry: { level?: unknown; event?: unknown; count?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      return;
    }
    if (typeof entry.level === 'number' && entry.level >= PINO_ERROR) this.counts.errors++;
    if (typeof entry.event !== 'string') return;
    if (CHECK_ENDS.has(entry.event)) this.counts.checks++;
    if (entry.event === Events.checkDrift) this.counts.drifts++;
    if (entry.event === Events.provisionDone) this.counts.provisions++;
    // These are logged a few times for many (see Tally): each line says how many it stands for.
    const count = typeof entry.count === 'number' && Number.isSafeInteger(entry.count) && entry.count > 0 ? entry.count : 0;
    if (entry.event === Events.inputSenderRefused) this.counts.dropped += count;
    if (entry.event === Events.inputActionRefused) this.counts.refused += count;
  }

  /** The last event line read into `last`, once, when the counts are saved. */
  private readLastEvent(): void {
    const line = this.lastEventLine;
    this.lastEventLine = undefined;
    if (line === undefined) return;
    let entry: { event?: unknown; time?: unknown; msg?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      return;
    }
    if (typeof entry.event !== 'string') return;
    const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString() : new Date().toISOString();
    this.counts.last = { time, event: entry.event, msg: typeof entry.msg === 'string' ? entry.msg : '' };
  }

  /** Writes what is not written yet. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.dirty) this.save();
    await this.writing;
  }

  private changed(): void {
    this.dirty = true;
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.save();
    }, WRITE_DELAY_MS);
    this.timer.unref();
  }

  private save(): void {
    this.dirty = false;
    this.readLastEvent();
    const snapshot: WorkCounts = structuredClone(this.counts);
    this.writing = this.writing
      .then(() => this.state.writeJson(COUNTERS_FILE, snapshot))
      .catch((err: unknown) => {
        // Logged at warn: an error line would itself be counted, and fail to save again.
        this.logger.warn({ err }, `work counters not saved in ${this.state.path(...COUNTERS_FILE)}`);
      });
  }
}
