import { parseConfigTree, type ConfigNode, type TreeSyntax } from '../../config/index.js';
import type { FamilyGrammar } from './family.js';
import { words } from './settings.js';

/**
 * How the lab reads a config it is given: indentation nests, `exit…` lines
 * close, `!` and `end` are layout. `version` is kept: the switch prints it.
 */
const LAB_SYNTAX: TreeSyntax = {
  sectionEnds: [/^exit$/, /^exit-[\w-]+$/, /^quit$/],
  ignored: [/^!/, /^end$/],
  flatSections: [],
  orderedSections: [/^(?:ip|ipv6|mac) access-list\b/, /^access-list\b/],
};

/** Natural order, so that eth-0-2 sorts before eth-0-10 and vlan 9 before vlan 10. */
function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' });
}

export function firstWord(text: string): string {
  const ws = words(text);
  return (ws[0] === 'no' ? ws[1] : ws[0])?.toLowerCase() ?? '';
}

/** The switch's running config: the one config tree, edited in place by config-mode commands. */
export class RunningConfig {
  private constructor(readonly nodes: ConfigNode[]) {}

  /** Reads a config body (no vendor header, no trailing `end`). */
  static parse(body: readonly string[]): RunningConfig {
    return new RunningConfig(parseConfigTree(body.join('\n'), LAB_SYNTAX));
  }

  /** The value of the top-level `hostname` line. */
  hostname(): string | undefined {
    const line = this.nodes.find((n) => firstWord(n.text) === 'hostname' && !n.text.startsWith('no '));
    return line === undefined ? undefined : words(line.text)[1];
  }
}

/** `10 permit …`, `vlan 20 name x`: lines a switch lists by their number. */
function listNumber(text: string): number | undefined {
  const match = /^(?:(\d+)\s|vlan\s+(\d+)\b)/i.exec(text);
  const number = match?.[1] ?? match?.[2];
  return number === undefined ? undefined : Number(number);
}

/**
 * Where a new line goes among its siblings. Inside a section a line goes last
 * (ACL entries and policy classes match in the order typed), or by its number
 * (`10 permit …`, VLANs of a VLAN database). At the top level it goes after
 * the last line with the same first word (sections among themselves in
 * natural order, as interfaces and VLANs print), else by the family's order
 * of top-level words.
 */
export function insertNode(siblings: ConfigNode[], node: ConfigNode, topLevel: boolean, grammar: FamilyGrammar): void {
  if (!topLevel) {
    const number = listNumber(node.text);
    const sequenced = /^\d/.test(node.text);
    const before = number === undefined
      ? -1
      : siblings.findIndex((n) => (listNumber(n.text) ?? -1) > number && /^\d/.test(n.text) === sequenced);
    siblings.splice(before === -1 ? siblings.length : before, 0, node);
    return;
  }
  const first = firstWord(node.text);
  const same = siblings.flatMap((n, i) => (firstWord(n.text) === first ? [i] : []));
  if (same.length > 0) {
    const sorted = node.children.length > 0 || same.some((i) => (siblings[i]?.children.length ?? 0) > 0);
    const after = sorted ? same.find((i) => naturalCompare(siblings[i]?.text ?? '', node.text) > 0) : undefined;
    siblings.splice(after ?? (same.at(-1) ?? 0) + 1, 0, node);
    return;
  }
  const rank = (word: string): number => {
    const index = grammar.topOrder.indexOf(word);
    return index === -1 ? grammar.topOrder.indexOf('interface') - 0.5 : index;
  };
  const next = siblings.findIndex((n) => rank(firstWord(n.text)) > rank(first));
  siblings.splice(next === -1 ? siblings.length : next, 0, node);
}
