import type { EngineCore } from '../core.js';
import { newOperation, NO_ACTIONS, NO_TIMES, type Operation } from '../operations.js';
import type { Rule, RuleFile } from '../rules.js';
import type { MatchVars } from '../match-vars.js';
import type { RuleTypeHandler } from './handler.js';
import { singleMatch } from './single.js';

/**
 * SingleWithThreshold: `thresh` events with one description within `window`
 * run the action list once; the operation then ends with action2 when its
 * window runs out. Before that, the window slides on to the oldest event left.
 */
export const singleWithThreshold: RuleTypeHandler = {
  match: singleMatch(countOne),
  expire(core, op, now) {
    expireCounting(core, op, now, op.suppress, op.desc);
  },
  moveWindow(core, op, time) {
    if (op.suppress) {
      op.time = time;
      return;
    }
    slideTimes(op, time, true);
    if (op.times.length === 0) core.operations.delete(op.rule, op.key);
  },
};

/**
 * SingleWith2Thresholds: `thresh` events within `window` run action; from
 * then on, once no more than `thresh2` come within `window2`, action2 runs
 * and the operation ends.
 */
export const singleWith2Thresholds: RuleTypeHandler = {
  match: singleMatch(countTwo),
  expire(core, op, now) {
    expireCounting(core, op, now, op.secondPass, op.desc2);
  },
  moveWindow(core, op, time) {
    slideTimes(op, time, true);
    if (!op.secondPass && op.times.length === 0) core.operations.delete(op.rule, op.key);
  },
};

/**
 * The rule's operation for this description once an expired one has been
 * dealt with (`reached`: whether its threshold was, `endDesc`: its action2's
 * description), or a new one when none is left.
 */
function currentOperation(
  core: EngineCore, file: RuleFile, rule: Rule, vars: MatchVars, desc: string, now: number,
  ending: (op: Operation) => { reached: boolean; endDesc: string },
): { op: Operation; created: boolean } {
  const old = core.operations.get(rule, desc);
  if (old !== undefined && now - old.time > old.window) {
    const { reached, endDesc } = ending(old);
    expireCounting(core, old, now, reached, endDesc);
  }
  const kept = core.operations.get(rule, desc);
  if (kept !== undefined) return { op: kept, created: false };
  const op = newOperation(
    rule, file, desc,
    core.actionsFor(rule.action.actions, rule.action.volatile, vars),
    core.actionsFor(rule.action2.actions, rule.action2.volatile, vars),
    now,
  );
  core.operations.set(rule, op.key, op);
  return { op, created: true };
}

function countOne(core: EngineCore, file: RuleFile, rule: Rule, vars: MatchVars): void {
  const desc = core.descFor(rule.desc, vars);
  const now = core.seconds();
  const { op } = currentOperation(core, file, rule, vars, desc, now, (o) => ({ reached: o.suppress, endDesc: desc }));
  if (op.suppress) return;
  op.times.push(now);
  if (op.times.length < rule.thresh) return;
  op.suppress = true;
  const action = op.action;
  // From here the operation only waits for its window to end with action2:
  // what it counted and the action it ran are let go, as it lives on for the window.
  op.times = NO_TIMES;
  op.action = NO_ACTIONS;
  core.execute(action, desc);
}

function countTwo(core: EngineCore, file: RuleFile, rule: Rule, vars: MatchVars): void {
  const desc = core.descFor(rule.desc, vars);
  const now = core.seconds();
  const { op, created } = currentOperation(core, file, rule, vars, desc, now, (o) => ({ reached: o.secondPass, endDesc: o.desc2 }));
  if (created) op.desc2 = core.descFor(rule.desc2, vars);
  op.times.push(now);
  if (!op.secondPass) {
    if (op.times.length < rule.thresh) return;
    op.secondPass = true;
    op.window = rule.window2;
    op.times = [];
    op.time = now;
    const action = op.action;
    op.action = NO_ACTIONS;
    core.execute(action, desc);
    return;
  }
  // Second pass (SEC): more than thresh2 events in window2 slide the window to the oldest one left.
  if (op.times.length <= rule.thresh2) return;
  op.times.shift();
  op.time = op.times[0] ?? now;
}

/** SEC's update_times_swt: forget occurrences before `since`; the window starts at the oldest one left (or at `since`). */
function slideTimes(op: Operation, since: number, pinStart = false): void {
  while (op.times.length > 0 && (op.times[0] ?? 0) < since) op.times.shift();
  op.time = !pinStart && op.times.length > 0 ? (op.times[0] ?? since) : since;
}

/**
 * A threshold operation's window ran out. Before its threshold was reached
 * the window slides on (and the operation ends once it holds no event);
 * after it, the operation ends with action2.
 */
function expireCounting(core: EngineCore, op: Operation, now: number, thresholdReached: boolean, desc: string): void {
  if (!thresholdReached) {
    slideTimes(op, now - op.window);
    if (op.times.length === 0) core.operations.delete(op.rule, op.key);
  } else {
    core.operations.delete(op.rule, op.key);
    core.execute(op.action2, desc);
  }
}
