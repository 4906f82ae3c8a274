import type { EngineCore } from '../core.js';
import { newOperation, type Operation } from '../operations.js';
import type { Rule, RuleFile } from '../rules.js';
import type { MatchVars } from '../match-vars.js';
import { noExpiry, startWindowAt, type RuleTypeHandler } from './handler.js';

/** The event matched: `act` does what the rule type does, then the rule's continue value says where to go. */
export function singleMatch(act: (core: EngineCore, file: RuleFile, rule: Rule, vars: MatchVars) => void): RuleTypeHandler['match'] {
  return (core, file, rule, index) => {
    const vars = core.matchRule(rule.pattern, rule.context);
    if (vars === null) return index + 1;
    core.countMatch(rule);
    act(core, file, rule, vars);
    return rule.next;
  };
}

/** Single: run the action list. */
export const single: RuleTypeHandler = {
  match: singleMatch((core, _file, rule, vars) => {
    core.execute(core.actionsFor(rule.action.actions, rule.action.volatile, vars), core.descFor(rule.desc, vars));
  }),
  expire: noExpiry,
  moveWindow: startWindowAt,
};

/** Suppress: a matching event goes no further in this file. */
export const suppress: RuleTypeHandler = {
  match: singleMatch(() => undefined),
  expire: noExpiry,
  moveWindow: startWindowAt,
};

/** SingleWithSuppress: run the action list, then ignore events with the same description for the window. */
export const singleWithSuppress: RuleTypeHandler = {
  match: singleMatch((core, file, rule, vars) => {
    const desc = core.descFor(rule.desc, vars);
    const now = core.seconds();
    const op = core.operations.get(rule, desc);
    if (op !== undefined && now - op.time <= op.window) return;
    const action = core.actionsFor(rule.action.actions, rule.action.volatile, vars);
    const started = newOperation(rule, file, desc, action, [], now);
    core.operations.set(rule, started.key, started);
    core.execute(action, desc);
  }),
  expire(core: EngineCore, op: Operation): void {
    core.operations.delete(op.rule, op.key);
  },
  moveWindow: startWindowAt,
};
