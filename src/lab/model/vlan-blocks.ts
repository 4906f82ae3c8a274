import type { ConfigNode } from '../../config/index.js';
import type { FamilyGrammar } from './family.js';
import { insertNode } from './running-config.js';
import { formatVlanList, parseVlanList } from './vlan-list.js';

/**
 * FSOS 2.x keeps every VLAN in one `vlan 1,10-20` line and prints a `vlan N`
 * block only for a VLAN with settings (a name). These keep the line in step.
 */

/** The top-level `vlan <list>` line, told from a `vlan N` block by having no children and a list. */
export function vlanListNode(nodes: readonly ConfigNode[]): ConfigNode | undefined {
  return nodes.find((n) => n.children.length === 0 && /^vlan \d+(?:[,-]\d+)+$/.test(n.text));
}

export function addToVlanList(nodes: ConfigNode[], ids: readonly number[], grammar: FamilyGrammar): void {
  const node = vlanListNode(nodes);
  const current = parseVlanList(node?.text.slice('vlan '.length) ?? '1') ?? [1];
  const text = `vlan ${formatVlanList([1, ...current, ...ids])}`;
  if (node === undefined) insertNode(nodes, { text, children: [] }, true, grammar);
  else node.text = text;
}

/** Deletes VLANs: from the list line, and their blocks. */
export function removeFromVlanList(nodes: ConfigNode[], ids: readonly number[]): void {
  const gone = new Set(ids);
  const kept = nodes.filter((n) => {
    const id = /^vlan (\d+)$/.exec(n.text)?.[1];
    return id === undefined || id === '1' || !gone.has(Number(id));
  });
  nodes.splice(0, nodes.length, ...kept);
  const node = vlanListNode(nodes);
  if (node === undefined) return;
  const left = (parseVlanList(node.text.slice('vlan '.length)) ?? []).filter((id) => id === 1 || !gone.has(id));
  node.text = `vlan ${formatVlanList(left)}`;
}

/** Blocks the list line already covers: a `vlan N` with no settings is not printed. */
export function isBareVlanBlock(node: ConfigNode): boolean {
  return node.children.length === 0 && /^vlan \d+$/.test(node.text);
}
