import { Events } from '../../log/events.js';
import { mapContextNames, type ContextExpr } from '../context-expr.js';
import type { EngineCore } from '../core.js';
import { newOperation, type Operation } from '../operations.js';
import { compilePattern, type Pattern } from '../pattern.js';
import type { RenewingMap } from '../renewing-map.js';
import type { Rule, RuleFile } from '../rules.js';
import { mapValues, NO_VARS, type MatchVars } from '../match-vars.js';
import { substMatch } from '../substitute.js';
import { startWindowAt, type RuleTypeHandler } from './handler.js';

/**
 * Pair and PairWithWindow. The first pattern starts an operation that waits
 * for the second (pattern2, with the first match's values in it). Pair runs
 * action at once and action2 when the second event comes within the window
 * (window=0: no limit). PairWithWindow runs action2 when the second event
 * comes in time, and action when the window runs out without it.
 */
export const pair: RuleTypeHandler = {
  match: matchPair,
  expire(core, op) {
    if (op.window > 0) core.operations.delete(op.rule, op.key);
  },
  moveWindow: startWindowAt,
};

export const pairWithWindow: RuleTypeHandler = {
  match: matchPair,
  expire(core, op) {
    core.operations.delete(op.rule, op.key);
    core.execute(op.action, op.desc);
  },
  moveWindow: startWindowAt,
};

/** The first pattern is tried first; an event it does not take may be the second event of running operations. */
function matchPair(core: EngineCore, file: RuleFile, rule: Rule, index: number): number {
  const vars = core.matchRule(rule.pattern, rule.context);
  if (vars !== null) {
    core.countMatch(rule);
    startPair(core, file, rule, vars);
    return rule.next;
  }
  const ops = core.operations.forRule(rule);
  if (ops !== undefined && ops.size > 0 && matchSecond(core, rule, ops)) {
    core.countMatch(rule);
    return rule.next2;
  }
  return index + 1;
}

function startPair(core: EngineCore, file: RuleFile, rule: Rule, vars: MatchVars): void {
  const desc = core.descFor(rule.desc, vars);
  const now = core.seconds();
  const existing = core.operations.get(rule, desc);
  if (rule.type === 'PairWithWindow') {
    if (existing !== undefined && now - existing.time > existing.window) {
      core.operations.delete(rule, desc);
      core.execute(existing.action, desc);
    }
    if (core.operations.has(rule, desc)) return;
  } else if (existing !== undefined && !(existing.window > 0 && now - existing.time > existing.window)) {
    return;
  }
  const second = !vars.empty ? secondWithValues(core, rule, vars) : unchangedSecond(rule);
  if (second === undefined) return;
  const action = !vars.empty ? core.actionsFor(rule.action.actions, rule.action.volatile, vars) : rule.action.actions;
  const op = newOperation(rule, file, desc, action, second.action2, now);
  op.desc2 = second.desc2;
  op.pattern2 = second.pattern2;
  op.context2 = second.context2;
  core.operations.set(rule, op.key, op);
  if (rule.type === 'Pair') core.execute(action, desc);
}

interface SecondHalf {
  pattern2: Pattern;
  desc2: string;
  action2: Operation['action2'];
  context2: ContextExpr | undefined;
}

function unchangedSecond(rule: Rule): SecondHalf {
  return { pattern2: rule.pattern2 as Pattern, desc2: rule.desc2, action2: rule.action2.actions, context2: rule.context2?.expr };
}

/**
 * SEC's process_pair_rule: the first match's values go into the second half.
 * A regular expression second pattern takes them quoted, and desc2, action2
 * and context2 take them as %1, %+{name} (their `$` masked, for the second
 * match's own $1 to come); the other pattern types take them as $1.
 * Undefined when the second pattern does not compile with the values in.
 */
function secondWithValues(core: EngineCore, rule: Rule, vars: MatchVars): SecondHalf | undefined {
  const pattern2 = rule.pattern2 as Pattern;
  const half = unchangedSecond(rule);
  const kind = pattern2.kind;
  if (kind === 'regexp' || kind === 'nregexp' || kind === 'cached' || kind === 'dhcp') {
    if ((kind === 'regexp' || kind === 'nregexp') && /\$/.test(pattern2.text) && substMatch(pattern2.text, NO_VARS, core.cache) !== pattern2.text) {
      const quoted = mapValues(vars, quotemeta);
      try {
        half.pattern2 = { ...compilePattern(kind === 'regexp' ? 'RegExp' : 'NRegExp', substMatch(pattern2.text, quoted, core.cache)), lines: pattern2.lines, varmap: pattern2.varmap };
      } catch (err) {
        core.logger.warn({ event: Events.ruleError, file: rule.file, line: rule.line, err }, 'second pattern does not compile after substitution');
        return undefined;
      }
    }
    const masked = mapValues(vars, (v) => v.replaceAll('$', '$$$$'));
    half.desc2 = substMatch(half.desc2, masked, core.cache, '%');
    if (rule.action2.volatile) half.action2 = core.substActions(half.action2, masked, '%');
    if (half.context2 !== undefined) half.context2 = mapContextNames(half.context2, (n) => substMatch(n, masked, core.cache, '%'));
    return half;
  }
  if (kind === 'substr' || kind === 'nsubstr') half.pattern2 = { ...pattern2, text: substMatch(pattern2.text, vars, core.cache) };
  half.desc2 = substMatch(half.desc2, vars, core.cache);
  half.action2 = core.actionsFor(half.action2, rule.action2.volatile, vars);
  if (half.context2 !== undefined) half.context2 = mapContextNames(half.context2, (n) => substMatch(n, vars, core.cache));
  return half;
}

/** SEC's match_pair_operations: every operation whose second pattern the event matches ends; true when one ran action2. */
function matchSecond(core: EngineCore, rule: Rule, ops: RenewingMap<string, Operation>): boolean {
  let matched = false;
  const cond = rule.context2;
  // Map iteration skips entries deleted on the way; actions cannot add to this map, so it is not renewed meanwhile.
  for (const op of ops.values()) {
    const vars = core.matchRule(op.pattern2, cond, op.context2 ?? cond?.expr);
    if (vars === null) continue;
    const inWindow = rule.type === 'PairWithWindow' || op.window === 0 || core.seconds() - op.time <= op.window;
    if (inWindow) {
      matched = true;
      let action2 = op.action2;
      let desc2 = op.desc2;
      if (!vars.empty) {
        if (rule.action2.volatile) action2 = core.substActions(action2, vars, '$');
        desc2 = substMatch(desc2, vars, core.cache);
      }
      core.execute(action2, desc2);
    }
    core.operations.delete(op.rule, op.key);
  }
  return matched;
}

/** Perl's quotemeta: every byte that is not a word character gets a backslash. */
function quotemeta(value: string): string {
  return value.replace(/[^A-Za-z0-9_]/g, (c) => (c.charCodeAt(0) < 128 ? `\\${c}` : c));
}
