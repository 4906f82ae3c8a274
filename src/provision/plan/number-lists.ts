import type { ConfigNode } from '../../config/index.js';
import type { RemediationRules } from '../../device/index.js';
import type { FoundChange } from './diff.js';

/** Numbers by list keyword (`vlan` → 1, 10…20), from lines such as `vlan 1,10-20`. */
export type NumberLists = Map<string, Set<number>>;

function parseList(list: string): number[] | undefined {
  const numbers: number[] = [];
  for (const part of list.split(',')) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (range === null) return undefined;
    const from = Number(range[1]);
    const to = range[2] === undefined ? from : Number(range[2]);
    if (to < from || to - from > 65535) return undefined;
    for (let n = from; n <= to; n++) numbers.push(n);
  }
  return numbers;
}

/** `1,10,11,12,20` → `1,10-12,20`. */
export function formatList(numbers: Iterable<number>): string {
  const sorted = [...numbers].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const from = sorted[i] as number;
    let to = from;
    while (sorted[i + 1] === to + 1) to = sorted[++i] as number;
    parts.push(to === from ? String(from) : `${String(from)}-${String(to)}`);
  }
  return parts.join(',');
}

function firstMatch(patterns: readonly RegExp[], text: string): RegExpExecArray | null {
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (match !== null) return match;
  }
  return null;
}

/** The leaf lines that are number lists, merged by keyword; the other nodes apart. */
export function splitNumberLists(nodes: readonly ConfigNode[], rules: RemediationRules): { lists: NumberLists; rest: ConfigNode[] } {
  const lists: NumberLists = new Map();
  const rest: ConfigNode[] = [];
  for (const node of nodes) {
    const match = node.children.length === 0 ? firstMatch(rules.numberLists, node.text) : null;
    const keyword = match?.[1];
    const numbers = match?.[2] === undefined ? undefined : parseList(match[2]);
    if (keyword === undefined || numbers === undefined) {
      rest.push(node);
      continue;
    }
    const set = lists.get(keyword) ?? new Set<number>();
    for (const n of numbers) set.add(n);
    lists.set(keyword, set);
  }
  return { lists, rest };
}

/**
 * What makes the running numbers the intended ones: one line creating the
 * missing numbers, one removing the extra ones. Numbers that also have a
 * section of their own here (`vlan 10` with a name) are that section's
 * business, so they are left out.
 */
export function numberListChanges(want: NumberLists, have: NumberLists, sections: readonly ConfigNode[], path: readonly string[], rules: RemediationRules): FoundChange[] {
  const withSection = new Set(sections.filter((node) => node.children.length > 0).map((node) => node.text));
  const changes: FoundChange[] = [];
  for (const keyword of new Set([...want.keys(), ...have.keys()])) {
    const wanted = want.get(keyword) ?? new Set<number>();
    const running = have.get(keyword) ?? new Set<number>();
    const own = (n: number): boolean => !withSection.has(`${keyword} ${String(n)}`);
    const added = [...wanted].filter((n) => !running.has(n) && own(n));
    const removed = [...running].filter((n) => !wanted.has(n) && own(n));
    if (removed.length > 0) {
      const line = `${keyword} ${formatList(removed)}`;
      changes.push({ path, command: rules.negationPrefix + line, action: 'remove', replaces: line, undo: [line], retyped: false });
    }
    if (added.length > 0) {
      const line = `${keyword} ${formatList(added)}`;
      changes.push({ path, command: line, action: 'add', undo: [rules.negationPrefix + line], retyped: false });
    }
  }
  return changes;
}

/**
 * `nodes` with an empty section for every numbered section of `other`
 * (`vlan 10` with its name) whose number `nodes`' lists already create: the
 * VLAN exists there, only its settings differ, so the plan changes those
 * instead of creating or deleting the VLAN.
 */
export function withListMembers(nodes: readonly ConfigNode[], lists: NumberLists, other: readonly ConfigNode[]): ConfigNode[] {
  if (lists.size === 0) return [...nodes];
  const present = new Set(nodes.map((node) => node.text));
  const members = other.filter((node) => {
    if (node.children.length === 0 || present.has(node.text)) return false;
    const numbered = /^(\S+) (\d+)$/.exec(node.text);
    return numbered !== null && lists.get(numbered[1] as string)?.has(Number(numbered[2])) === true;
  });
  return [...nodes, ...members.map((node) => ({ text: node.text, children: [] }))];
}
