import type { ConfigNode } from '../../config/index.js';
import { firstWord } from './running-config.js';
import { openedKind, sectionKind, type DeviceFamily } from './sections.js';
import { isBareVlanBlock, vlanListNode } from './vlan-blocks.js';

/**
 * The config body as the switch prints it: one space of indentation per
 * level, the closing lines the family prints (IOS ` exit-address-family`),
 * and a `!` after every top-level section and between runs of top-level lines
 * that start with different words.
 */
export function renderBody(nodes: readonly ConfigNode[], family: DeviceFamily): string[] {
  const out: string[] = [];
  const walk = (node: ConfigNode, kind: string | undefined, depth: number): void => {
    out.push(' '.repeat(depth) + node.text);
    for (const child of node.children) walk(child, kind === undefined ? undefined : openedKind(family, kind, child.text), depth + 1);
    const closing = kind === undefined ? undefined : sectionKind(family, kind).closing;
    if (closing !== undefined) out.push(' '.repeat(depth) + closing);
  };
  // Where a `vlan 1,10-20` line lists the VLANs (FSOS 2.x, NX-OS), a VLAN without settings prints no block.
  const shown = vlanListNode(nodes) === undefined ? nodes : nodes.filter((n) => !isBareVlanBlock(n));
  let previous: { node: ConfigNode; section: boolean } | undefined;
  for (const node of shown) {
    const kind = openedKind(family, 'global', node.text);
    const section = kind !== undefined || node.children.length > 0;
    if (previous !== undefined && (section || previous.section || firstWord(previous.node.text) !== firstWord(node.text))) out.push('!');
    walk(node, kind, 0);
    previous = { node, section };
  }
  return out;
}
