import { needsShell, splitArgs, type CommandPlan } from '../command.js';
import type { EngineCore } from '../core.js';
import type { Rule } from '../rules.js';
import type { MatchVars } from '../match-vars.js';
import { substMatch, substMatchShell } from '../substitute.js';
import { noExpiry, startWindowAt, type RuleTypeHandler } from './handler.js';
import { singleMatch } from './single.js';

/** SingleWithScript: run the script with the context names on its stdin; exit 0 runs action, else action2. */
export const singleWithScript: RuleTypeHandler = {
  match: singleMatch((core, _file, rule, vars) => {
    runScript(core, rule, vars);
  }),
  expire: noExpiry,
  moveWindow: startWindowAt,
};

function runScript(core: EngineCore, rule: Rule, vars: MatchVars): void {
  const plan = rule.script as CommandPlan;
  const desc = core.descFor(rule.desc, vars);
  const action = core.actionsFor(rule.action.actions, rule.action.volatile, vars);
  const action2 = core.actionsFor(rule.action2.actions, rule.action2.volatile, vars);
  const stdin = core.contexts.names().map((n) => `${n}\n`).join('');
  const rehearse = core.options.rehearse;
  if (rehearse !== undefined) {
    rehearse('script', commandFor(core, plan, vars).join(' '));
    core.execute(action, desc);
    return;
  }
  const child = core.processes.run(commandFor(core, plan, vars), stdin, 'script');
  if (child === undefined) return;
  child.on('close', (code) => {
    if (core.closed) return;
    core.execute(code === 0 ? action : action2, desc);
    core.afterOutsideEvent();
  });
}

/** argv to run: split at load time (no shell), or a shell line with each value quoted for where it lands. */
function commandFor(core: EngineCore, plan: CommandPlan, vars: MatchVars): string[] {
  if (core.compat) {
    const line = !vars.empty ? substMatch(plan.template, vars, core.cache) : plan.template;
    return needsShell(line) ? ['/bin/sh', '-c', line] : splitArgs(line);
  }
  if (plan.argv !== undefined) return !vars.empty ? plan.argv.map((a) => substMatch(a, vars, core.cache)) : plan.argv;
  return ['/bin/sh', '-c', !vars.empty ? substMatchShell(plan.template, vars, core.cache, '$', false) : plan.template];
}
