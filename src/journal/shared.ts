import type { JournalEntry } from './entry.js';

/** One entry of the shared timeline, with its place in it. */
export interface TimelineRow {
  /** Increases with every entry recorded, in the order they were recorded: a reader asks for what came after the last it saw. */
  seq: number;
  /** Recorded by this appliance (its own entries reach its console at once, without the store). */
  own: boolean;
  entry: JournalEntry;
}

/**
 * The events of every appliance sharing a store, in one order: what the
 * console of any of them shows as timelines, feed and last drifts. The
 * state directory's journal stays each box's own record; this is the
 * fleet's.
 */
export interface SharedTimeline {
  /** Records `entries` (this appliance's, oldest first) in one step: all of them or none. */
  record(entries: readonly JournalEntry[]): Promise<void>;
  /** The newest `limit` entries, oldest first. */
  newest(limit: number): Promise<TimelineRow[]>;
  /** The entries recorded after `seq`, oldest first, at most `limit`. */
  after(seq: number, limit: number): Promise<TimelineRow[]>;
  /** The last drift of every device that ever drifted, whichever appliance found it, even one past the timeline's bound. */
  lastDrifts(): Promise<JournalEntry[]>;
}
