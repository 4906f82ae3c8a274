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
export function naturalCompare(a: string, b: string): number {
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

  clone(): RunningConfig {
    const copy = (list: readonly ConfigNode[]): ConfigNode[] => list.map((n) => ({ text: n.text, children: copy(n.children) }));
    return new RunningConfig(copy(this.nodes));
  }

  /** The value of the top-level `hostname` line. */
  hostname(): string | undefined {
    const line = this.nodes.find((n) => firstWord(n.text) === 'hostname' && !n.text.startsWith('no '));
    return line === undefined ? undefined : words(line.text)[1];
  }

  /** A fingerprint of the whole state, to tell whether a command changed anything. */
  snapshot(): string {
    return JSON.stringify(this.nodes);
  }
}

/**
 * Where a new line goes among its siblings: after the last one with the same
 * first word (sections among themselves in natural order), else by the
 * family's order of top-level words.
 */
export function insertNode(siblings: ConfigNode[], node: ConfigNode, topLevel: boolean, grammar: FamilyGrammar): void {
  const first = firstWord(node.text);
  const same = siblings.flatMap((n, i) => (firstWord(n.text) === first ? [i] : []));
  if (same.length > 0) {
    // Top-level sections (interfaces, VLANs) print in natural order; inside a section, classes and
    // entries keep the order they were typed in, which is the order they match in.
    const sorted = topLevel && (node.children.length > 0 || same.some((i) => (siblings[i]?.children.length ?? 0) > 0));
    const numbered = same.every((i) => /^\S+ \d+\b/.test(siblings[i]?.text ?? '')) && /^\S+ \d+\b/.test(node.text);
    const after = sorted || numbered ? same.find((i) => naturalCompare(siblings[i]?.text ?? '', node.text) > 0) : undefined;
    siblings.splice(after ?? (same.at(-1) ?? 0) + 1, 0, node);
    return;
  }
  if (!topLevel) {
    siblings.push(node);
    return;
  }
  const rank = (word: string): number => {
    const index = grammar.topOrder.indexOf(word);
    return index === -1 ? grammar.topOrder.indexOf('interface') - 0.5 : index;
  };
  const next = siblings.findIndex((n) => rank(firstWord(n.text)) > rank(first));
  siblings.splice(next === -1 ? siblings.length : next, 0, node);
}
