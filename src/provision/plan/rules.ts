import type { ConfigNode } from '../../config/index.js';
import type { RemediationRules } from '../../device/index.js';

/** The line without its negation prefix: `no shutdown` and `shutdown` are one setting. */
export function bareLine(line: string, rules: RemediationRules): string {
  return line.startsWith(rules.negationPrefix) ? line.slice(rules.negationPrefix.length) : line;
}

/**
 * What a line sets. A new line with the key of a running one replaces it
 * (a single-valued setting, or a line and its negation); any other line
 * only stands for itself.
 */
export function settingKey(line: string, rules: RemediationRules): string {
  const bare = bareLine(line, rules);
  for (const pattern of rules.singleValued) {
    const match = pattern.exec(bare);
    // An optional group that did not take part is undefined, whatever the type says.
    if (match !== null) return (match.slice(1) as (string | undefined)[]).filter((part) => part !== undefined).join(' ');
  }
  return bare;
}

/** The command that removes a line: a negated line loses its prefix, others follow `negateWith` or get the prefix. */
export function negateLine(line: string, rules: RemediationRules): string {
  if (line.startsWith(rules.negationPrefix)) return line.slice(rules.negationPrefix.length);
  const rewrite = rules.negateWith.find((rule) => rule.match.test(line));
  return rewrite === undefined ? rules.negationPrefix + line : line.replace(rewrite.match, rewrite.command);
}

/** The line that leaves the innermost section of `path` (its opener is the last entry, its parent's the one before). */
export function sectionExit(path: readonly string[], rules: RemediationRules): string {
  const opener = path.at(-1) ?? '';
  const parent = path.at(-2);
  const rule = rules.sectionExits.find((candidate) => candidate.match.test(opener) && (candidate.under === undefined || (parent !== undefined && candidate.under.test(parent))));
  return rule?.exit ?? 'exit';
}

/** A node as typed from its own level (inside `path`): the line, then its section's lines and the section's exit. */
export function typedNode(node: ConfigNode, path: readonly string[], rules: RemediationRules): string[] {
  if (node.children.length === 0) return [node.text];
  const inside = [...path, node.text];
  return [node.text, ...node.children.flatMap((child) => typedNode(child, inside, rules)), sectionExit(inside, rules)];
}

export function keptWhenAbsent(line: string, rules: RemediationRules): boolean {
  return rules.keepWhenAbsent.some((pattern) => pattern.test(line));
}

/** The ordered group a line belongs to (`access-list 10`), if any. */
export function orderedGroup(line: string, rules: RemediationRules): string | undefined {
  for (const pattern of rules.orderedGroups) {
    const key = pattern.exec(line)?.[1];
    if (key !== undefined) return key;
  }
  return undefined;
}

const DEFAULT_ADD_RANK = 50;
const DEFAULT_REMOVE_RANK = 60;

/** Where changes under a top-level line go in the plan (lower first). */
export function rankOf(topLine: string, removal: boolean, rules: RemediationRules): number {
  const rule = rules.order.find((candidate) => candidate.match.test(topLine));
  if (rule === undefined) return removal ? DEFAULT_REMOVE_RANK : DEFAULT_ADD_RANK;
  return removal ? rule.remove : rule.add;
}

/** A line the rules keep that says nothing by itself: an unconfigured port, `vlan 1`. Typing it changes nothing. */
export function emptyKept(node: ConfigNode, rules: RemediationRules): boolean {
  return node.children.length === 0 && !node.text.startsWith(rules.negationPrefix) && keptWhenAbsent(node.text, rules);
}
