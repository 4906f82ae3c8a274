import { Events } from '../../log/events.js';
import type { EngineCore } from '../core.js';
import type { Rule } from '../rules.js';
import type { MatchVars } from '../match-vars.js';
import { substMatch } from '../substitute.js';
import { noExpiry, startWindowAt, type RuleTypeHandler } from './handler.js';

/** Jump: the event goes through the rule files of the rule's cfsets; EndMatch there ends all matching. */
export const jump: RuleTypeHandler = {
  match(core, _file, rule, index, trace) {
    const vars = core.matchRule(rule.pattern, rule.context);
    if (vars === null) return index + 1;
    core.countMatch(rule);
    return runSets(core, rule, vars, trace) ? -1 : rule.next;
  },
  expire: noExpiry,
  moveWindow: startWindowAt,
};

/**
 * SEC's process_jump_rule. Loops are caught by set name, as SEC does: the
 * set being run is the trace, not the file, so a file may jump into a set
 * that holds it once before the loop is refused.
 */
function runSets(core: EngineCore, rule: Rule, vars: MatchVars, trace: Set<string> | undefined): boolean {
  if (rule.cfset.length === 0) return false;
  const seen = trace ?? new Set<string>();
  const sets = rule.constset || vars.empty ? rule.cfset : rule.cfset.map((set) => substMatch(set, vars, core.cache));
  for (const set of sets) {
    if (seen.has(set)) {
      core.logger.warn({ event: Events.ruleError, file: rule.file, line: rule.line }, `jump loop through set ${set} skipped`);
      continue;
    }
    const targets = core.cfsets.get(set);
    if (targets === undefined) continue;
    seen.add(set);
    for (const target of targets) {
      if (core.runFile(target, 0, seen)) {
        seen.delete(set);
        return true;
      }
    }
    seen.delete(set);
  }
  return false;
}
