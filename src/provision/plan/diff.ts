import { sameConfig, type ConfigNode } from '../../config/index.js';
import type { RemediationRules } from '../../device/index.js';
import { emptyKept, keptWhenAbsent, negateLine, orderedGroup, settingKey, typedNode } from './rules.js';
import { numberListChanges, splitNumberLists, withListMembers } from './number-lists.js';
import type { PlanChange } from './types.js';

/** A change as the diff finds it, before it is ranked. */
export interface FoundChange extends PlanChange {
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
    { path, command: node.text, action: 'add', undo, retyped: false },
    ...node.children.flatMap((child) => addition(child, inside, [])),
  ];
}

function removal(node: ConfigNode, path: readonly string[], ctx: DiffContext, retyped: boolean): FoundChange {
  return { path, command: negateLine(node.text, ctx.rules), action: 'remove', replaces: node.text, undo: typedNode(node, path, ctx.rules), retyped };
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
      changes.push({ path, command: clear(key), action: 'remove', replaces: key, undo: running, retyped: wanted.length > 0 });
    }
    wanted.forEach((line, index) => {
      changes.push({ path, command: line, action: 'add', undo: index === 0 ? [clear(key)] : [], retyped: false });
    });
  }
  return changes;
}

/** Running leaves by setting key, leaving out those an intended line matches by text. */
function leavesByKey(running: readonly ConfigNode[], wantTexts: ReadonlySet<string>, rules: RemediationRules): Map<string, ConfigNode> {
  const byKey = new Map<string, ConfigNode>();
  for (const node of running) {
    if (node.children.length > 0 || wantTexts.has(node.text)) continue;
    const key = settingKey(node.text, rules);
    if (!byKey.has(key)) byKey.set(key, node);
  }
  return byKey;
}

/** What becomes of one intended line: kept and compared, typed over a running one, or added. */
type Pairing = { node: ConfigNode; same: ConfigNode } | { node: ConfigNode; previous: ConfigNode } | { node: ConfigNode };

function pair(wanted: readonly ConfigNode[], running: readonly ConfigNode[], rules: RemediationRules): { pairs: Pairing[]; unmatched: Set<ConfigNode> } {
  const haveByText = new Map(running.map((node) => [node.text, node]));
  const wantTexts = new Set(wanted.map((node) => node.text));
  const unmatched = new Set(running);
  // Keys cost a regex each, so they are computed only once a line has no running twin.
  let byKey: Map<string, ConfigNode> | undefined;
  const pairs = wanted.map((node): Pairing => {
    const same = haveByText.get(node.text);
    if (same !== undefined) {
      unmatched.delete(same);
      return { node, same };
    }
    if (node.children.length > 0) return { node };
    byKey ??= leavesByKey(running, wantTexts, rules);
    const previous = byKey.get(settingKey(node.text, rules));
    if (previous === undefined || !unmatched.has(previous)) return { node };
    unmatched.delete(previous);
    return { node, previous };
  });
  return { pairs, unmatched };
}

/**
 * The changes turning the running section `have` into the intended `want`,
 * at `path`, appended to `out`: removals first, then ordered lists, then
 * additions and replacements in intended order, recursing into sections
 * both have.
 */
export function diffSection(want: readonly ConfigNode[], have: readonly ConfigNode[], path: readonly string[], ctx: DiffContext, out: FoundChange[] = []): FoundChange[] {
  const { rules } = ctx;
  const wantedLists = splitNumberLists(want, rules);
  const runningLists = splitNumberLists(have, rules);
  const wanted = splitGroups(withListMembers(wantedLists.rest, wantedLists.lists, runningLists.rest), rules);
  const running = splitGroups(withListMembers(runningLists.rest, runningLists.lists, wantedLists.rest), rules);
  const { pairs, unmatched } = pair(wanted.rest, running.rest, rules);
  for (const node of unmatched) if (!keptWhenAbsent(node.text, rules)) out.push(removal(node, path, ctx, false));
  if (wanted.groups.size > 0 || running.groups.size > 0) out.push(...groupChanges(wanted.groups, running.groups, path, ctx));
  if (wantedLists.lists.size > 0 || runningLists.lists.size > 0) {
    out.push(...numberListChanges(wantedLists.lists, runningLists.lists, [...wanted.rest, ...running.rest], path, rules));
  }
  for (const pairing of pairs) {
    const { node } = pairing;
    if ('same' in pairing) {
      const { same } = pairing;
      if (isOrdered(node.text, ctx)) {
        if (!sameConfig(node.children, same.children, ctx)) out.push(removal(same, path, ctx, true), ...addition(node, path, [negateLine(node.text, rules)]));
      } else if (node.children.length > 0 || same.children.length > 0) {
        diffSection(node.children, same.children, [...path, node.text], ctx, out);
      }
    } else if ('previous' in pairing) {
      const { previous } = pairing;
      out.push({ path, command: node.text, action: 'replace', replaces: previous.text, undo: [previous.text], retyped: false });
    } else if (!emptyKept(node, rules)) {
      out.push(...addition(node, path, [negateLine(node.text, rules)]));
    }
  }
  return out;
}
