import type { EngineCore } from '../core.js';
import type { Operation } from '../operations.js';
import type { Rule, RuleFile } from '../rules.js';

/** What the engine asks of each SEC rule type. */
export interface RuleTypeHandler {
  /**
   * Tries rule `index` of `file` on the current event: the index of the rule
   * to try next, or -1 when EndMatch stops all matching. `trace` holds the
   * cfsets a Jump is running, to catch loops.
   */
  match(core: EngineCore, file: RuleFile, rule: Rule, index: number, trace: Set<string> | undefined): number;
  /** SEC's process_lists: the operation's window has run out by `now`. */
  expire(core: EngineCore, op: Operation, now: number): void;
  /** setwpos: the operation's window starts at `time` from now on (later than it did, not past now). */
  moveWindow(core: EngineCore, op: Operation, time: number): void;
}

/** Rule types without operations have nothing to expire. */
export function noExpiry(): void {
  // Single, Suppress, Jump, Calendar and SingleWithScript keep no operation.
}

/** The window simply starts later: what Pair, PairWithWindow and SingleWithSuppress do. */
export function startWindowAt(_core: EngineCore, op: Operation, time: number): void {
  op.time = time;
}

/** Calendar rules run by the clock, and Options rules only set their file's options: events pass them by. */
export const takesNoEvents: RuleTypeHandler = {
  match: (_core, _file, _rule, index) => index + 1,
  expire: noExpiry,
  moveWindow: startWindowAt,
};
