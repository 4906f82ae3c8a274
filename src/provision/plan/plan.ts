import { parseConfigTree } from '../../config/index.js';
import type { Profile, RemediationRules } from '../../device/index.js';
import { diffSection, type FoundChange } from './diff.js';
import { rankOf, sectionExit } from './rules.js';
import { typeSteps, type TypedStep } from './typed.js';
import type { PlanChange, RemediationPlan } from './types.js';

/** How `RemediationPlan.sectionExits` names a section: its openers from the top, one per line. */
function sectionKey(section: readonly string[]): string {
  return section.join('\n');
}

function ranked(found: readonly FoundChange[], rules: RemediationRules): FoundChange[] {
  const rank = (change: FoundChange): number => {
    const top = change.path[0] ?? change.replaces ?? change.command;
    return rankOf(top, change.path.length === 0 && change.action === 'remove' && !change.retyped, rules);
  };
  return found
    .map((change, index) => ({ change, index, rank: rank(change) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((entry) => entry.change);
}

/** A change opens its section when the next one is typed inside it. */
function forwardSteps(changes: readonly PlanChange[]): TypedStep[] {
  return changes.map((change, index) => {
    const next = changes[index + 1];
    const opens = change.action === 'add' && next !== undefined && next.path.length === change.path.length + 1 && next.path.at(-1) === change.command
      && change.path.every((opener, depth) => next.path[depth] === opener);
    return { path: change.path, commands: [change.command], opens };
  });
}

function undoSteps(changes: readonly PlanChange[]): TypedStep[] {
  return changes.filter((change) => change.undo.length > 0).reverse().map((change) => ({ path: change.path, commands: change.undo, opens: false }));
}

/**
 * The config-mode lines that turn `running` into `intended`, with their
 * inverse, following the profile's tree syntax and remediation rules. Both
 * texts are whole `show running-config` outputs; comments, volatile lines
 * and section ends are ignored. An empty `lines` means nothing to do.
 */
export function planRemediation(intended: string, running: string, profile: Profile): RemediationPlan {
  const rules = profile.remediation;
  const found = diffSection(parseConfigTree(intended, profile.tree), parseConfigTree(running, profile.tree), [], {
    rules,
    orderedSections: profile.tree.orderedSections,
  });
  const changes: PlanChange[] = ranked(found, rules).map(({ path, command, action, replaces, undo }) =>
    replaces === undefined ? { path, command, action, undo } : { path, command, action, replaces, undo });
  const sectionExits = new Map<string, string>();
  for (const change of changes) {
    const sections = [...change.path, change.command];
    for (let depth = 1; depth <= sections.length; depth++) {
      const section = sections.slice(0, depth);
      const key = sectionKey(section);
      if (!sectionExits.has(key)) sectionExits.set(key, sectionExit(section, rules));
    }
  }
  const exitOf = (section: readonly string[]): string => sectionExits.get(sectionKey(section)) ?? 'exit';
  return {
    changes,
    lines: typeSteps(forwardSteps(changes), exitOf).lines,
    rollback: typeSteps(undoSteps(changes), exitOf).lines,
    sectionExits,
  };
}

/**
 * What restores the running config after the first `appliedLines` lines of
 * `plan.lines` were accepted and the next one was rejected: the undo of
 * every change typed so far, newest first, from the top level.
 */
export function rollbackOfApplied(plan: RemediationPlan, appliedLines: number): string[] {
  const exitOf = (section: readonly string[]): string => plan.sectionExits.get(sectionKey(section)) ?? 'exit';
  const { stepOf } = typeSteps(forwardSteps(plan.changes), exitOf);
  const applied = new Set(stepOf.slice(0, appliedLines).filter((step) => step >= 0));
  return typeSteps(undoSteps(plan.changes.filter((_, index) => applied.has(index))), exitOf).lines;
}
