import { words } from './settings.js';
import { formatVlanList, MAX_VLAN, parseVlanList } from './vlan-list.js';

const PREFIX = ['switchport', 'trunk', 'allowed', 'vlan'];

export function isTrunkAllowedVlan(ws: readonly string[]): boolean {
  return PREFIX.every((w, i) => ws[i]?.toLowerCase() === w);
}

function allVlans(): number[] {
  return Array.from({ length: MAX_VLAN }, (_, i) => i + 1);
}

/**
 * What IOS prints for a trunk's allowed VLANs after `typed` (`switchport trunk
 * allowed vlan [add|remove|except] <list>|all|none`), given the line it
 * printed before (none: all VLANs, the default). Undefined when the result is
 * all VLANs again, which IOS does not print.
 */
export function trunkAllowedLine(existing: string | undefined, typed: string): string | undefined {
  const current = existing === undefined ? allVlans() : valueOf(words(existing).slice(PREFIX.length));
  const [verb = '', list = ''] = words(typed).slice(PREFIX.length).map((w) => w.toLowerCase());
  const ids = (text: string): number[] => parseVlanList(text) ?? [];
  let next: number[];
  if (verb === 'add') next = [...current, ...ids(list)];
  else if (verb === 'remove') next = current.filter((id) => !ids(list).includes(id));
  else if (verb === 'except') next = allVlans().filter((id) => !ids(list).includes(id));
  else next = valueOf([verb]);
  const unique = new Set(next);
  if (unique.size === MAX_VLAN) return undefined;
  return `${PREFIX.join(' ')} ${unique.size === 0 ? 'none' : formatVlanList(unique)}`;
}

function valueOf(value: readonly string[]): number[] {
  const [first = ''] = value;
  if (first === 'all') return allVlans();
  if (first === 'none') return [];
  return parseVlanList(first) ?? [];
}
