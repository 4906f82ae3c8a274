import type { EngineCore } from '../core.js';
import { newOperation, type Operation } from '../operations.js';
import type { Pattern } from '../pattern.js';
import type { Rule, RuleFile } from '../rules.js';
import type { MatchVars } from '../match-vars.js';
import { substMatch } from '../substitute.js';
import type { RuleTypeHandler } from './handler.js';

/**
 * EventGroupN: N patterns, each with its threshold; when every one has been
 * met within the window (and egpattern, if given, matches the events'
 * tokens in order), action runs. The window slides on with the events (the
 * slide actions run) and the operation ends with its end actions when its
 * window holds no event, or runs out after it fired.
 */
export const eventGroup: RuleTypeHandler = {
  match(core, file, rule, index) {
    for (let k = 0; k < rule.members.length; k++) {
      const member = rule.members[k];
      if (member === undefined) continue;
      const vars = core.matchRule(member.pattern, member.context);
      if (vars === null) continue;
      core.countMatch(rule);
      countMember(core, file, rule, k, vars);
      return member.next;
    }
    return index + 1;
  },
  expire(core, op, now) {
    windowRanOut(core, op, now);
  },
  moveWindow(core, op, time) {
    if (op.suppress) {
      op.time = time;
      return;
    }
    slide(op, time);
    op.time = time;
    if (op.allTimes.length === 0) end(core, op);
  },
};

function end(core: EngineCore, op: Operation): void {
  op.deleting = true;
  core.operations.delete(op.rule, op.key);
  core.execute(op.action2, op.desc);
}

/** Before it fired, the window slides on (ending the operation once empty); after, the operation ends. */
function windowRanOut(core: EngineCore, op: Operation, now: number): void {
  if (op.suppress) {
    end(core, op);
    return;
  }
  slide(op, now - op.window);
  if (op.allTimes.length === 0) end(core, op);
  else core.execute(op.slide, op.desc);
}

function countMember(core: EngineCore, file: RuleFile, rule: Rule, member: number, vars: MatchVars): void {
  const desc = core.descFor(rule.desc, vars);
  const now = core.seconds();
  let op = core.operations.get(rule, desc);
  if (op !== undefined && now - op.time > op.window) windowRanOut(core, op, now);
  op = core.operations.get(rule, desc);
  if (op === undefined) {
    op = newOperation(
      rule, file, desc,
      core.actionsFor(rule.action.actions, rule.action.volatile, vars),
      core.actionsFor(rule.end.actions, rule.end.volatile, vars),
      now,
    );
    op.slide = core.actionsFor(rule.slide.actions, rule.slide.volatile, vars);
    core.operations.set(rule, op.key, op);
    core.execute(core.actionsFor(rule.init.actions, rule.init.volatile, vars), desc);
    // An init action may end the operation (reset): the event then counts for nothing.
    if (core.operations.get(rule, desc) !== op) return;
  }
  // Recorded before the count action runs, so that it sees this event in the window (SEC).
  if (!op.suppress) {
    op.memberTimes[member]?.push(now);
    op.allTimes.push(now);
    const token = rule.members[member]?.egToken;
    if (rule.egPattern !== undefined && token !== undefined) op.egTokens.push(!vars.empty ? substMatch(token, vars, core.cache) : token);
  }
  const counts = rule.members[member]?.count;
  if (counts !== undefined && counts.actions.length > 0) {
    core.execute(core.actionsFor(counts.actions, counts.volatile, vars), desc);
    if (core.operations.get(rule, desc) !== op) return;
  }
  if (op.suppress) return;
  const reached = rule.members.every((m, k) => (op.memberTimes[k]?.length ?? 0) >= m.thresh);
  if (!reached) return;
  if (rule.egPattern !== undefined && !egPatternMatches(rule.egPattern, op)) return;
  // multact=yes keeps the events: every later one that still meets the thresholds fires again.
  if (!rule.multact) op.suppress = true;
  core.execute(op.action, desc);
}

/** SEC matches egpattern against the tokens of the events in the window, in the order they came. */
function egPatternMatches(p: Pattern, op: Operation): boolean {
  const text = op.egTokens.join(' ');
  if (p.kind === 'substr') return text.includes(p.text);
  if (p.kind === 'nsubstr') return !text.includes(p.text);
  const ok = (p.regex as RegExp).test(text);
  return p.kind === 'nregexp' ? !ok : ok;
}

/** SEC's update_times_eg: events before `since` leave the window, which starts at the oldest one left. */
function slide(op: Operation, since: number): void {
  for (const times of op.memberTimes) {
    while (times.length > 0 && (times[0] ?? 0) < since) times.shift();
  }
  while (op.allTimes.length > 0 && (op.allTimes[0] ?? 0) < since) {
    op.allTimes.shift();
    op.egTokens.shift();
  }
  op.time = op.allTimes[0] ?? since;
}
