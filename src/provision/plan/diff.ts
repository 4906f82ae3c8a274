import { sameConfig, type ConfigNode } from '../../config/index.js';
import type { RemediationRules } from '../../device/index.js';
import { emptyKept, keptWhenAbsent, negateLine, orderedGroup, settingKey, typedNode } from './rules.js';
import type { PlanChange } from './types.js';

/** A change as the diff finds it, before it is ranked. */
export interface FoundChange extends PlanChange {
  /** Typing this change enters the section it adds, so the next change may be inside it. */
  opens: boolean;
  /** Removed only to be typed again in the new order: ranked with the additions. */
  retyped: boolean;
}

export interface DiffContext {
  rules: RemediationRules;
  /** Sections whose children's order matters: replaced whole when they differ. */
  orderedSections: readonly RegExp[];
}

function addition(node: ConfigNode, path: readonly string[], undo: readonly string[]): FoundChange[] {
  const inside = [...path, node.text];
  return [
    { path, command: node.text, action: 'add', undo, opens: node.children.length > 0, retyped: false },
    ...node.children.flatMap((child) => addition(child, inside, [])),
  ];
}

function removal(node: ConfigNode, path: readonly string[], ctx: DiffContext, retyped: boolean): FoundChange {
  return { path, command: negateLine(node.text, ctx.rules), action: 'remove', replaces: node.text, undo: typedNode(node, ctx.rules), opens: false, retyped };
}

function isOrdered(line: string, ctx: DiffContext): boolean {
  return ctx.orderedSections.some((pattern) => pattern.test(line));
}

/** Lines of ordered groups (`access-list 10 …`) by group, in printed order; the rest apart. */
function splitGroups(nodes: readonly ConfigNode[], rules: RemediationRules): { groups: Map<string, ConfigNode[]>; rest: ConfigNode[] } {
  const groups = new Map<string, ConfigNode[]>();
  const rest: ConfigNode[] = [];
  for (const node of nodes) {
    const key = node.children.length === 0 ? orderedGroup(node.text, rules) : undefined;
    if (key === undefined) {
      rest.push(node);
      continue;
    }
    const members = groups.get(key) ?? [];
    members.push(node);
    groups.set(key, members);
  }
  return { groups, rest };
}

/** An ordered list that differs is removed as one (`no access-list 10`) and typed again whole. */
function groupChanges(want: Map<string, ConfigNode[]>, have: Map<string, ConfigNode[]>, path: readonly string[], ctx: DiffContext): FoundChange[] {
  const changes: FoundChange[] = [];
  const clear = (key: string): string => ctx.rules.negationPrefix + key;
  for (const key of new Set([...want.keys(), ...have.keys()])) {
    const wanted = (want.get(key) ?? []).map((node) => node.text);
    const running = (have.get(key) ?? []).map((node) => node.text);
    if (wanted.length === running.length && wanted.every((line, index) => line === running[index])) continue;
    if (running.length > 0) {
      changes.push({ path, command: clear(key), action: 'remove', replaces: key, undo: running, opens: false, retyped: wanted.length > 0 });
    }
    wanted.forEach((line, index) => {
      changes.push({ path, command: line, action: 'add', undo: index === 0 ? [clear(key)] : [], opens: false, retyped: false });
    });
  }
  return changes;
}

/**
 * The changes turning the running section `have` into the intended `want`,
 * at `path`: removals first, then additions and replacements in intended
 * order, recursing into sections both have.
 */
export function diffSection(want: readonly ConfigNode[], have: readonly ConfigNode[], path: readonly string[], ctx: DiffContext): FoundChange[] {
  const { rules } = ctx;
  const wanted = splitGroups(want, rules);
  const running = splitGroups(have, rules);
  const haveByText = new Map(running.rest.map((node) => [node.text, node]));
  const unmatched = new Set(running.rest);
  const leavesByKey = new Map<string, ConfigNode>();
  for (const node of running.rest) {
    if (node.children.length === 0 && !leavesByKey.has(settingKey(node.text, rules))) leavesByKey.set(settingKey(node.text, rules), node);
  }

  const forward: FoundChange[] = [];
  for (const node of wanted.rest) {
    const same = haveByText.get(node.text);
    if (same !== undefined) {
      unmatched.delete(same);
      if (isOrdered(node.text, ctx)) {
        if (!sameConfig(node.children, same.children, ctx)) forward.push(removal(same, path, ctx, true), ...addition(node, path, [negateLine(node.text, rules)]));
      } else {
        forward.push(...diffSection(node.children, same.children, [...path, node.text], ctx));
      }
      continue;
    }
    const key = settingKey(node.text, rules);
    const previous = node.children.length === 0 ? leavesByKey.get(key) : undefined;
    if (previous !== undefined && unmatched.has(previous)) {
      unmatched.delete(previous);
      forward.push({ path, command: node.text, action: 'replace', replaces: previous.text, undo: [previous.text], opens: false, retyped: false });
      continue;
    }
    if (!emptyKept(node, rules)) forward.push(...addition(node, path, [negateLine(node.text, rules)]));
  }

  const removals = [...unmatched]
    .filter((node) => !keptWhenAbsent(node.text, rules))
    .map((node) => removal(node, path, ctx, false));
  return [...removals, ...groupChanges(wanted.groups, running.groups, path, ctx), ...forward];
}
