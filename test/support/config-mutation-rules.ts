/**
 * What an engineer may change in a baseline, family by family: which values are edited and how,
 * which lines fit under which section, which sections are logical (and so may go) and which leaves
 * must stay (negations and printed defaults, whose removal no switch shows as absent; addresses and
 * memberships, whose removal has side effects on the device; list-valued lines that the switch
 * re-flows). Lines are written as the config tree reads them: one blank between words.
 */
import type { ConfigNode } from '../../src/config/index.js';

export type ConfigFamily = 'fs-s3900' | 'fs-s5850' | 'fs-s3900-r' | 'cisco-ios' | 'cisco-nxos';

export interface EditContext {
  family: ConfigFamily;
  rng: () => number;
  /** Every line of the unedited config, to find free VLAN ids and unreferenced names. */
  allText: readonly string[];
}

const ALL: readonly ConfigFamily[] = ['fs-s3900', 'fs-s5850', 'fs-s3900-r', 'cisco-ios', 'cisco-nxos'];

function between(low: number, high: number, rng: () => number): number {
  return low + Math.floor(rng() * (high - low + 1));
}

/** A number in [low, high] other than `current`. */
function otherNumber(current: number, low: number, high: number, rng: () => number): number {
  const next = between(low, high - 1, rng);
  return next >= current ? next + 1 : next;
}

function tag(rng: () => number): string {
  const words = ['uplink', 'spare', 'printer', 'camera', 'ap', 'lab', 'desk', 'voice'];
  return `${words[between(0, words.length - 1, rng)] ?? 'port'}-${between(1, 99, rng)}`;
}

/** VLAN ids the config mentions, so that an edited access VLAN is one the switch knows. */
function knownVlans(context: EditContext): number[] {
  const ids = context.allText.flatMap((line) => [...line.matchAll(/\bvlan (\d{1,4})\b/gi)].map((m) => Number(m[1])));
  return [...new Set(ids)].filter((id) => id > 1 && id < 4095).sort((a, b) => a - b);
}

/** A VLAN id from 900–999 that the config does not mention. */
function freeVlan(context: EditContext): number {
  const used = new Set(knownVlans(context));
  const start = between(900, 999, context.rng);
  for (let id = start; id < start + 100; id++) {
    const candidate = 900 + ((id - 900) % 100);
    if (!used.has(candidate)) return candidate;
  }
  return start;
}

/** True when `name` appears in no line of the config but `own`. */
function unreferenced(name: string, own: string, context: EditContext): boolean {
  const word = new RegExp(`(^|\\s)${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`);
  return !context.allText.some((line) => line !== own && word.test(line));
}

export interface ValueRule {
  applies(text: string, path: readonly string[], context: EditContext): boolean;
  change(text: string, context: EditContext): string;
}

/** A rule editing the number captured by the pattern's second group. */
function numberRule(pattern: RegExp, low: number, high: number, families: readonly ConfigFamily[] = ALL): ValueRule {
  return {
    applies: (text, _path, context) => families.includes(context.family) && pattern.test(text),
    change: (text, context) => text.replace(pattern, (_all, head: string, value: string, tail: string | undefined) =>
      `${head}${otherNumber(Number(value), low, high, context.rng)}${tail ?? ''}`),
  };
}

export const VALUE_RULES: readonly ValueRule[] = [
  {
    // A description; quoted where the family quotes it (FSOS 2.x).
    applies: (text) => /^description \S/.test(text),
    change: (text, context) => (/^description "/.test(text) ? `description "${tag(context.rng)}"` : `description ${tag(context.rng)}`),
  },
  {
    applies: (text, _path, context) => /^switchport access vlan \d+$/.test(text) && knownVlans(context).length > 1,
    change: (text, context) => {
      const current = Number(/(\d+)$/.exec(text)?.[1]);
      const others = knownVlans(context).filter((id) => id !== current);
      return `switchport access vlan ${others[between(0, others.length - 1, context.rng)] ?? current}`;
    },
  },
  numberRule(/^(police cir )(\d+)( .*)?$/, 8000, 10_000_000, ['cisco-ios']),
  numberRule(/^(police cir percent )(\d+)()$/, 1, 99, ['cisco-ios']),
  numberRule(/^(bandwidth percent )(\d+)()$/, 1, 50, ['cisco-ios']),
  numberRule(/^(shape average )(\d+)()$/, 64_000, 10_000_000, ['cisco-ios']),
  numberRule(/^(neighbor \S+ remote-as )(\d+)()$/, 64_512, 65_534, ['cisco-ios']),
  numberRule(/^(remote-as )(\d+)()$/, 64_512, 65_534, ['cisco-nxos']),
  numberRule(/^(ebgp-multihop )(\d+)()$/, 2, 10, ['cisco-nxos']),
  numberRule(/^(maximum-paths )(\d+)()$/, 2, 16, ['cisco-ios', 'cisco-nxos']),
  numberRule(/^(route-target (?:import|export) \d+:)(\d+)( evpn)?$/, 1, 9999, ['cisco-ios', 'cisco-nxos']),
  numberRule(/^(exec-timeout )(\d+)( \d+)?$/, 5, 60),
  numberRule(/^(storm-control (?:broadcast|multicast) (?:pps|threshold) )(\d+)()$/, 100, 5000, ['fs-s5850', 'fs-s3900-r']),
  numberRule(/^(spanning-tree priority )(\d+)()$/, 1, 15, ['fs-s3900']),
  numberRule(/^(logging buffered )(\d+)( .*)?$/, 4096, 131_072, ['cisco-ios']),
  numberRule(/^(load-interval )(\d+)()$/, 30, 300, ['cisco-ios']),
  numberRule(/^(dot1x timeout re-authperiod )(\d+)()$/, 3600, 86_400, ['fs-s3900-r']),
  numberRule(/^(lease )(\d+)()$/, 1, 30, ['cisco-ios']),
  numberRule(/^(bandwidth-percent )(\d+)()$/, 1, 100, ['cisco-ios']),
  {
    applies: (text, path) => /^name \S+$/.test(text) && /^vlan \d+$/.test(path.at(-1) ?? ''),
    change: (_text, context) => `name ${tag(context.rng)}`,
  },
  {
    // The names in an FS VLAN database.
    applies: (text, path) => /^(?:VLAN|vlan) \d+ name \S+$/.test(text) && path.at(-1) === 'vlan database',
    change: (text, context) => text.replace(/name \S+$/, `name ${tag(context.rng)}`),
  },
  {
    applies: (text) => /^ntp server \S+( version \d)?$/.test(text),
    change: (text, context) => text.replace(/^ntp server \S+/, `ntp server 192.0.2.${between(1, 254, context.rng)}`),
  },
];

export interface AddLineRule {
  /** 2: a line in a top-level section; 3: a line in a section inside one. */
  depth: 2 | 3;
  applies(parent: ConfigNode, path: readonly string[], context: EditContext): boolean;
  /** The line to add, or undefined when the section has its own already. */
  line(parent: ConfigNode, context: EditContext): string | undefined;
}

function hasChild(parent: ConfigNode, pattern: RegExp): boolean {
  return parent.children.some((child) => pattern.test(child.text));
}

function addRule(
  depth: 2 | 3, families: readonly ConfigFamily[], opener: RegExp, above: RegExp | undefined,
  line: (parent: ConfigNode, context: EditContext) => string | undefined,
): AddLineRule {
  return {
    depth,
    applies: (parent, path, context) =>
      families.includes(context.family) && opener.test(parent.text) && (above === undefined || above.test(path.at(-1) ?? '')),
    line,
  };
}

/** `line` unless the section already has a line matching `present`. */
function unless(present: RegExp, line: (context: EditContext) => string): (parent: ConfigNode, context: EditContext) => string | undefined {
  return (parent, context) => (hasChild(parent, present) ? undefined : line(context));
}

export const ADD_LINE_RULES: readonly AddLineRule[] = [
  addRule(2, ['cisco-ios', 'cisco-nxos', 'fs-s3900', 'fs-s5850'], /^interface /, undefined,
    unless(/^description\b/, (context) => `description ${tag(context.rng)}`)),
  addRule(2, ['fs-s3900-r'], /^interface (?:Giga|TGiga)Ethernet/, undefined,
    unless(/^description\b/, (context) => `description "${tag(context.rng)}"`)),
  addRule(2, ['cisco-ios'], /^interface (?:Gigabit|Fast)Ethernet\S+$/, undefined, unless(/^load-interval /, () => 'load-interval 30')),
  addRule(2, ['cisco-nxos'], /^interface Ethernet/, undefined, unless(/^mtu /, () => 'mtu 9216')),
  addRule(2, ['fs-s5850'], /^interface eth-/, undefined,
    unless(/^storm-control broadcast /, (context) => `storm-control broadcast pps ${between(100, 5000, context.rng)}`)),
  addRule(2, ['fs-s3900-r'], /^interface (?:Giga|TGiga)Ethernet/, undefined,
    unless(/^storm-control broadcast /, (context) => `storm-control broadcast threshold ${between(100, 1000, context.rng)}`)),
  addRule(2, ['cisco-ios', 'fs-s5850'], /^line vty /, undefined,
    unless(/^exec-timeout /, (context) => `exec-timeout ${between(5, 30, context.rng)} 0`)),
  addRule(2, ['cisco-ios', 'cisco-nxos', 'fs-s3900-r'], /^vlan \d+$/, undefined,
    unless(/^name /, (context) => `name ${tag(context.rng)}`)),
  addRule(2, ['fs-s3900'], /^vlan database$/, undefined, (_parent, context) => `VLAN ${freeVlan(context)} name ${tag(context.rng)}`),
  addRule(2, ['fs-s5850'], /^vlan database$/, undefined, (_parent, context) => `vlan ${freeVlan(context)} name ${tag(context.rng)}`),
  addRule(2, ['fs-s5850'], /^spanning-tree mst configuration$/, undefined, (_parent, context) => {
    const id = between(30, 60, context.rng);
    return `instance ${id} vlan ${id}`;
  }),
  addRule(2, ['cisco-ios'], /^ip access-list extended /, undefined,
    (_parent, context) => `permit tcp host 192.0.2.${between(1, 254, context.rng)} any eq 22`),
  addRule(2, ['cisco-ios'], /^ip access-list standard /, undefined, (parent, context) => {
    const numbered = parent.children.map((child) => /^(\d+) /.exec(child.text)?.[1]).filter((n) => n !== undefined).map(Number);
    const entry = `permit 192.0.2.${between(1, 254, context.rng)}`;
    return numbered.length === 0 ? entry : `${Math.max(...numbered) + 10} ${entry}`;
  }),
  addRule(2, ['cisco-ios'], /^router bgp /, undefined,
    (_parent, context) => `neighbor 192.0.2.${between(1, 254, context.rng)} remote-as ${between(64_512, 65_534, context.rng)}`),
  addRule(2, ['cisco-nxos'], /^router bgp /, undefined, unless(/^log-neighbor-changes$/, () => 'log-neighbor-changes')),
  addRule(2, ['cisco-ios', 'cisco-nxos'], /^router ospf /, undefined, unless(/^log-adjacency-changes/, () => 'log-adjacency-changes')),
  addRule(2, ['cisco-ios'], /^class-map match-any /, undefined, unless(/^match dscp /, () => 'match dscp af41')),

  addRule(3, ['cisco-ios'], /^address-family ipv4$/, /^router bgp /,
    (_parent, context) => `network 10.99.${between(0, 255, context.rng)}.0 mask 255.255.255.0`),
  addRule(3, ['cisco-ios'], /^address-family ipv6$/, /^router bgp /,
    (_parent, context) => `network 2001:db8:99:${between(1, 999, context.rng)}::/64`),
  addRule(3, ['cisco-nxos'], /^address-family ipv4 unicast$/, /^router bgp /,
    (_parent, context) => `network 10.99.${between(0, 255, context.rng)}.0/24`),
  addRule(3, ['cisco-ios'], /^address-family ipv4 unicast autonomous-system \d+$/, /^router eigrp /,
    (_parent, context) => `network 10.99.${between(0, 255, context.rng)}.0 0.0.0.255`),
  addRule(3, ['cisco-ios'], /^address-family /, /^vrf definition /,
    (_parent, context) => `route-target export 65000:${between(1, 999, context.rng)}`),
  addRule(3, ['cisco-nxos'], /^address-family /, /^vrf context /,
    (_parent, context) => `route-target import 65000:${between(1, 999, context.rng)}`),
  addRule(3, ['cisco-nxos'], /^neighbor \S+$/, /^router bgp /, unless(/^description /, (context) => `description ${tag(context.rng)}`)),
  addRule(3, ['cisco-nxos'], /^address-family l2vpn evpn$/, /^neighbor /, unless(/^send-community$/, () => 'send-community')),
  addRule(3, ['cisco-nxos'], /^member vni \d+$/, /^interface nve/, unless(/^suppress-arp$/, () => 'suppress-arp')),
  addRule(3, ['cisco-nxos'], /^vni \d+ l2$/, /^evpn$/, (_parent, context) => `route-target import 65000:${between(1, 999, context.rng)}`),
  addRule(3, ['cisco-ios'], /^class /, /^policy-map /, unless(/^set /, () => 'set dscp af21')),
  addRule(3, ['cisco-ios'], /^log config$/, /^archive$/, unless(/^notify /, () => 'notify syslog contenttype plaintext')),
];

export interface NewSectionRule {
  families: readonly ConfigFamily[];
  /** The top-level section the new one goes into; undefined for a new top-level section. */
  parent?: RegExp;
  /** The new section, given what is there now; undefined when it does not fit this config. */
  section(siblings: readonly ConfigNode[], context: EditContext): ConfigNode | undefined;
}

function node(text: string, ...children: ConfigNode[]): ConfigNode {
  return { text, children };
}

function isSwitch(context: EditContext): boolean {
  return context.allText.some((line) => line.startsWith('switchport'));
}

export const NEW_SECTIONS: readonly NewSectionRule[] = [
  {
    families: ['cisco-ios'],
    section: (_siblings, context) => node(`ip access-list extended ACL-MGMT-${between(1, 99, context.rng)}`,
      node('remark management hosts'), node('permit tcp 10.0.0.0 0.255.255.255 any eq 22'), node('deny ip any any log')),
  },
  {
    // Three levels: a policer for a new traffic class.
    families: ['cisco-ios'],
    section: (_siblings, context) => node(`policy-map PM-LIMIT-${between(1, 99, context.rng)}`,
      node('class class-default', node(`police cir ${between(1, 100, context.rng) * 64_000} conform-action transmit exceed-action drop`))),
  },
  {
    families: ['cisco-ios', 'cisco-nxos', 'fs-s3900-r'],
    section: (_siblings, context) => (context.family === 'cisco-ios' && !isSwitch(context) ? undefined :
      node(`vlan ${freeVlan(context)}`, node(`name ${tag(context.rng)}`))),
  },
  {
    // Three levels: a new BGP neighbour with its address family.
    families: ['cisco-nxos'],
    parent: /^router bgp /,
    section: (_siblings, context) => node(`neighbor 192.0.2.${between(1, 254, context.rng)}`,
      node(`remote-as ${between(64_512, 65_534, context.rng)}`), node(`description ${tag(context.rng)}`),
      node('address-family ipv4 unicast', node('send-community'))),
  },
  {
    families: ['cisco-nxos'],
    section: (_siblings, context) => node(`vrf context VRF-${between(1, 99, context.rng)}`,
      node('rd auto'), node('address-family ipv4 unicast', node('route-target both auto'))),
  },
  {
    families: ['cisco-ios'],
    parent: /^policy-map /,
    section: (siblings, context) => {
      const used = new Set(siblings.map((child) => child.text.replace(/^class /, '')));
      const free = context.allText.map((line) => /^class-map match-(?:all|any) (\S+)$/.exec(line)?.[1])
        .filter((name): name is string => name !== undefined && !used.has(name));
      const name = free[between(0, free.length - 1, context.rng)];
      return name === undefined ? undefined : node(`class ${name}`, node(`bandwidth percent ${between(1, 10, context.rng)}`));
    },
  },
  {
    families: ['fs-s5850'],
    section: (_siblings, context) => (context.allText.some((line) => line.startsWith('ethernet evc')) ?
      node(`ethernet evc evc-${between(100, 199, context.rng)}`, node(`dot1q mapped-vlan ${freeVlan(context)}`)) : undefined),
  },
  {
    families: ['fs-s5850'],
    section: (_siblings, context) => node(`interface vlan${freeVlan(context)}`, node(`description ${tag(context.rng)}`)),
  },
  {
    families: ['fs-s3900'],
    section: (_siblings, context) => {
      const inDatabase = context.allText.map((line) => /^VLAN (\d+) name /.exec(line)?.[1]).filter((id) => id !== undefined);
      const free = inDatabase.filter((id) => id !== '1' && !context.allText.includes(`interface vlan ${id}`));
      const id = free[between(0, free.length - 1, context.rng)];
      return id === undefined ? undefined : node(`interface vlan ${id}`, node(`description ${tag(context.rng)}`));
    },
  },
];

export interface DeletableSection {
  applies(section: ConfigNode, path: readonly string[], context: EditContext): boolean;
}

/** A logical section that may go when nothing else names it. */
function deletable(families: readonly ConfigFamily[], opener: RegExp, above?: RegExp): DeletableSection {
  return {
    applies: (section, path, context) => {
      if (!families.includes(context.family) || !opener.test(section.text)) return false;
      if ((above === undefined) !== (path.length === 0) || (above !== undefined && !above.test(path.at(-1) ?? ''))) return false;
      const name = /(\S+)$/.exec(section.text)?.[1] ?? '';
      return /^\d+$/.test(name) || unreferenced(name, section.text, context);
    },
  };
}

export const DELETABLE_SECTIONS: readonly DeletableSection[] = [
  deletable(['cisco-ios', 'cisco-nxos', 'fs-s3900-r'], /^vlan (?!1$)\d+$/),
  deletable(['cisco-ios'], /^ip access-list (?:standard|extended) \S+$/),
  deletable(['cisco-ios'], /^class-map match-(?:all|any) \S+$/),
  deletable(['cisco-ios', 'cisco-nxos'], /^route-map \S+ permit \d+$/),
  deletable(['cisco-ios'], /^ip dhcp pool \S+$/),
  deletable(['cisco-ios'], /^ip sla monitor \d+$/),
  deletable(['fs-s5850'], /^ethernet evc \S+$/),
  deletable(['fs-s5850'], /^vlan mapping table \S+$/),
  {
    // A VLAN interface without an address: never the management one, nor VLAN 1's, which no switch deletes.
    applies: (section, path) => path.length === 0 && /^interface (?:vlan ?|Vlan|VLAN)(?!1$)\d+$/.test(section.text) &&
      !section.children.some((child) => /^ip(?:v6)? address/.test(child.text)),
  },
  deletable(['cisco-ios'], /^address-family ipv6$/, /^router bgp /),
  deletable(['cisco-ios'], /^class \S+$/, /^policy-map /),
  deletable(['cisco-nxos'], /^neighbor \S+$/, /^router bgp /),
  deletable(['cisco-nxos'], /^member vni \d+$/, /^interface nve/),
  deletable(['cisco-nxos'], /^vni \d+ l2$/, /^evpn$/),
];

export interface ProtectedLeaf {
  test(text: string, path: readonly string[]): boolean;
}

function leaf(pattern: RegExp): ProtectedLeaf {
  return { test: (text) => pattern.test(text) };
}

/**
 * Leaves an engineer does not simply delete from a baseline: a `no …` line (deleting it means
 * "back to the default", which no plan can type without knowing the default); `shutdown` (a port
 * coming up is its own decision); addresses, VRF and switchport membership (the switch clears other
 * settings with them); list-valued lines the switch merges and re-flows; and the lines a section
 * cannot exist without (a BGP neighbour's `remote-as`, an NVE's source interface).
 */
export const PROTECTED_LEAF: readonly ProtectedLeaf[] = [
  leaf(/^no /),
  leaf(/^shutdown$/),
  // A default the switch prints: without it the switch shows `no negotiation auto`.
  leaf(/^negotiation auto$/),
  leaf(/^ip(?:v6)? address/),
  leaf(/^vrf (?:member|forwarding) /),
  leaf(/^(?:no )?switchport$/),
  leaf(/^switchport mode /),
  leaf(/allowed vlan|vlan-allowed|vlan-untagged/),
  leaf(/^(?:remote-as|source-interface|host-reachability|vni) /),
  leaf(/^(?:encapsulation|channel-group) /),
  leaf(/^exit/),
  // How onramp itself logs in: the guard rails refuse any change to it.
  { test: (text, path) => /^line vty\b/.test(path[0] ?? '') && /^(?:login|transport|access-class|password|authorization|privilege)\b/.test(text) },
  { test: (text, path) => /^(?:VLAN|vlan) \d+( |$)/.test(text) && path.at(-1) === 'vlan database' && !/ name /.test(text) },
];

/** `1,962,1101,1310-1311`: ids in order, runs of two or more as a range, as FSOS 2.x prints its VLAN list. */
function vlanList(ids: readonly number[]): string {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] ?? 0) + 1) j++;
    runs.push(j > i ? `${String(sorted[i])}-${String(sorted[j])}` : String(sorted[i]));
    i = j + 1;
  }
  return runs.join(',');
}

function vlanIds(list: string): number[] {
  return list.split(',').flatMap((part) => {
    const [low, high] = part.split('-').map(Number);
    if (low === undefined) return [];
    return Array.from({ length: (high ?? low) - low + 1 }, (_, k) => low + k);
  });
}

const VLAN_LIST = /^vlan (\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*)$/;

/**
 * FSOS 2.x and NX-OS list every VLAN on one `vlan 1,10,20-30` line beside the `vlan N` blocks: a
 * VLAN block added or deleted is added to or taken out of that list, as the switch does.
 */
export function keepVlanList(tree: ConfigNode[], family: ConfigFamily, section: string, added: boolean): void {
  const id = /^vlan (\d+)$/.exec(section)?.[1];
  if ((family !== 'fs-s3900-r' && family !== 'cisco-nxos') || id === undefined) return;
  const list = tree.find((node) => node.text !== section && /[-,]/.test(node.text) && VLAN_LIST.test(node.text));
  const ids = list === undefined ? undefined : vlanIds(VLAN_LIST.exec(list.text)?.[1] ?? '');
  if (list === undefined || ids === undefined) return;
  list.text = `vlan ${vlanList(added ? [...ids, Number(id)] : ids.filter((n) => n !== Number(id)))}`;
}

/**
 * Where the VLAN list line creates the VLANs, a `vlan N` block left without settings is no longer
 * printed: the switch shows the VLAN in the list only.
 */
export function dropEmptyVlanBlock(tree: ConfigNode[], family: ConfigFamily, path: readonly string[]): void {
  if ((family !== 'fs-s3900-r' && family !== 'cisco-nxos') || path.length !== 1 || !/^vlan \d+$/.test(path[0] ?? '')) return;
  const index = tree.findIndex((node) => node.text === path[0] && node.children.length === 0);
  if (index !== -1) tree.splice(index, 1);
}
