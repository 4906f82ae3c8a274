import type { EngineCore } from '../core.js';
import type { Operation } from '../operations.js';
import { ruleTypeOf } from '../rule-types/index.js';
import type { Rule, RuleFile } from '../rules.js';
import type { ActionFamily } from './handler.js';
import type { Action } from './parse.js';

/**
 * The rule file whose rules a reset/getwpos/setwpos offset counts: the one
 * the action was written in (SEC keys operations by file), by name, since
 * copies made for match variables and nested lists are not in the rule.
 */
function actionFile(core: EngineCore, a: Action): RuleFile | undefined {
  return core.rules.files.find((f) => f.file === a.ruleFile);
}

/** The operation of rule `ruleIndex` in the action's own file with description `desc`. */
function operationOf(core: EngineCore, a: Action, desc: string): Operation | undefined {
  const file = actionFile(core, a);
  const rule = a.ruleIndex === undefined || file === undefined ? undefined : file.rules[a.ruleIndex];
  return rule === undefined ? undefined : core.operations.get(rule, desc);
}

/** reset, getwpos, setwpos: correlation operations ended or their windows read and moved. */
export const correlationActions: ActionFamily<'reset' | 'getwpos' | 'setwpos'> = {
  reset(core, a, _desc, arg) {
    const desc = arg(0);
    const file = actionFile(core, a);
    for (const f of file === undefined ? core.rules.files : [file]) {
      const rules = a.ruleIndex === undefined ? f.rules : [f.rules[a.ruleIndex]].filter((r): r is Rule => r !== undefined);
      for (const rule of rules) core.operations.delete(rule, desc);
    }
    return undefined;
  },
  getwpos(core, a, _desc, arg) {
    const op = operationOf(core, a, arg(1));
    if (op !== undefined) core.variables.set(a.args[0] ?? '', String(op.time));
    return undefined;
  },
  setwpos(core, a, _desc, arg) {
    const op = operationOf(core, a, arg(1));
    const m = /^\s*0*([0-9]+)\s*$/.exec(arg(0));
    if (m === null || op === undefined || op.deleting) return undefined;
    const time = Number(m[1]);
    // The window only moves forward, and not past now: events it holds stay ordered in time.
    if (time <= op.time || time > core.seconds()) return undefined;
    ruleTypeOf(op.rule).moveWindow(core, op, time);
    return undefined;
  },
};
