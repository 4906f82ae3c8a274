import type { FamilyGrammar, SectionKind, SectionOpener } from '../family.js';
import { COMMON_NEGATIONS, freeSection, freeSections, negations, GLOBAL_WORDS, INTERFACE_WORDS, LINE_WORDS, QOS_OPENERS, QOS_SECTIONS } from './common.js';

const FS_TOP_ORDER = [
  'version', 'service', 'hostname', 'logging', 'enable', 'username', 'aaa', 'lldp', 'management', 'dns', 'ip', 'ntp',
  'snmp-server', 'spanning-tree', 'vlan', 'interface', 'router', 'line', 'banner',
];

/** Where a family keeps its VLANs: the section that opens them and what it takes. */
interface VlanSections {
  opener: SectionOpener;
  kind: SectionKind;
}

/** Where the FS families keep VLANs: one `vlan database` section, or a `vlan N` section each. */
const VLAN_DATABASE: VlanSections = { opener: { kind: 'vlan-db', opens: /^vlan database$/ }, kind: { prompt: 'vlan', keywords: ['vlan'], sections: [] } };
/** FSOS 1.x lists its VLAN database entries as `VLAN 10 name DMZ`, whichever way the command was typed. */
const FSOS1_VLAN_DATABASE: VlanSections = { ...VLAN_DATABASE, kind: { ...VLAN_DATABASE.kind, printedKeywords: { vlan: 'VLAN' } } };
const VLAN_BLOCKS: VlanSections = {
  opener: { kind: 'vlan', opens: /^vlan \d+$/ },
  kind: { prompt: 'vlan', keywords: ['name', 'state', 'shutdown', 'mtu'], sections: [] },
};

/** The sections the three FS families share, with what each adds. */
function fsSections(family: {
  globalWords: readonly string[];
  vlans: VlanSections;
  interfaceWords: readonly string[];
  /** Sections whose lines the lab takes as written. */
  freeOpeners: readonly RegExp[];
}): Record<string, SectionKind> {
  return {
    global: {
      prompt: '',
      keywords: [...GLOBAL_WORDS, ...family.globalWords],
      sections: [
        family.vlans.opener,
        { kind: 'line', opens: /^line\b/ },
        { kind: 'router', opens: /^router\b/ },
        ...QOS_OPENERS,
        ...freeSections('sub', [/^spanning-tree mst configuration$/, /^(?:ip|ipv6|mac) access-list\b/, ...family.freeOpeners]),
      ],
    },
    interface: { prompt: 'if', keywords: [...INTERFACE_WORDS, ...family.interfaceWords], sections: [] },
    [family.vlans.opener.kind]: family.vlans.kind,
    line: { prompt: 'line', keywords: LINE_WORDS, sections: [] },
    router: freeSection('router'),
    ...QOS_SECTIONS,
    sub: freeSection('sub'),
  };
}

/** FS S5850/S5800, NetworkOS (Centec): `vlan database`, `interface vlan10`, `switchport trunk allowed vlan add` lines. */
export const networkOsGrammar: FamilyGrammar = {
  interfaceKind: 'interface',
  sections: fsSections({
    globalWords: ['cfm', 'erps', 'g8032', 'local-user', 'mlag', 'overlay', 'ptp', 'raw', 'smart-link', 'stm'],
    vlans: VLAN_DATABASE,
    interfaceWords: ['overlay', 'vlan'],
    freeOpeners: [/^ethernet evc\b/, /^vlan mapping table\b/, /^overlay$/, /^key chain\b/, /^route-map\b/],
  }),
  printedNegations: [
    ...COMMON_NEGATIONS,
    ...negations(['switchport'], ['local-user …', 'line-password', 'login', 'service http …']),
  ],
  builtInInterface: /^(?:eth-\d+-\d+|null0|management)$/,
  vlanListLine: false,
  trunkVlanArithmetic: false,
  usernameKeyLength: 2,
  topOrder: FS_TOP_ORDER,
};

/** FS S3900, FSOS 1.x (Edgecore): `vlan database` with `VLAN N …` lines, `interface ethernet 1/1`, two username lines. */
export const fsos1Grammar: FamilyGrammar = {
  interfaceKind: 'interface',
  sections: fsSections({
    globalWords: ['dhcpv6', 'mvr', 'network-access', 'port-security', 'authentication', 'upgrade', 'jumbo'],
    vlans: FSOS1_VLAN_DATABASE,
    interfaceWords: ['capabilities', 'dhcpv6', 'transceiver-monitor', 'network-access', 'discard'],
    freeOpeners: [],
  }),
  printedNegations: [
    ...COMMON_NEGATIONS,
    // The factory accounts admin and guest exist until removed, so removing one is printed (`no username guest`).
    ...negations(['capabilities …', 'negotiation'], ['service http …', 'service telnet …', 'dns domain-lookup', 'username …']),
  ],
  builtInInterface: /^ethernet \d+\/\d+$/,
  vlanListLine: false,
  trunkVlanArithmetic: false,
  usernameKeyLength: 3,
  topOrder: FS_TOP_ORDER,
};

/** FS S3900-R / S3400, FSOS 2.x (BDCOM): `vlan N` blocks beside a `vlan 1,10-20` list line, `interface GigaEthernet0/1`. */
export const fsos2Grammar: FamilyGrammar = {
  interfaceKind: 'interface',
  sections: fsSections({
    globalWords: ['aggregator-group', 'filter', 'gvrp', 'igmp-snooping', 'localauthor', 'mirror', 'port-group'],
    vlans: VLAN_BLOCKS,
    interfaceWords: ['aggregator-group'],
    freeOpeners: [/^aaa group server\b/, /^localauthor\b/],
  }),
  printedNegations: [
    ...COMMON_NEGATIONS,
    ...negations(['ip directed-broadcast', 'ip route-cache'], ['ip telnet …']),
  ],
  builtInInterface: /^(?:GigaEthernet|TGigaEthernet|CGigaEthernet)\d+\/\d+$|^Null0$/,
  vlanListLine: true,
  trunkVlanArithmetic: false,
  usernameKeyLength: 2,
  topOrder: FS_TOP_ORDER,
};
