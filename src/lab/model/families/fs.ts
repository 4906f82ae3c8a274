import type { FamilyGrammar } from '../family.js';
import { COMMON_NEGATIONS, freeSection, freeSections, GLOBAL_WORDS, INTERFACE_WORDS, LINE_WORDS, QOS_OPENERS, QOS_SECTIONS } from './common.js';

const FS_TOP_ORDER = [
  'version', 'service', 'hostname', 'logging', 'enable', 'username', 'aaa', 'lldp', 'management', 'dns', 'ip', 'ntp',
  'snmp-server', 'spanning-tree', 'vlan', 'interface', 'router', 'line', 'banner',
];

/** FS S5850/S5800, NetworkOS (Centec): `vlan database`, `interface vlan10`, `switchport trunk allowed vlan add` lines. */
export const networkOsGrammar: FamilyGrammar = {
  interfaceKind: 'interface',
  sections: {
    global: {
      prompt: '',
      keywords: [
        ...GLOBAL_WORDS, 'cfm', 'erps', 'g8032', 'local-user', 'mlag', 'overlay', 'ptp', 'raw', 'smart-link', 'stm',
      ],
      sections: [
        { kind: 'vlan-db', opens: /^vlan database$/ },
        { kind: 'line', opens: /^line\b/ },
        { kind: 'router', opens: /^router\b/ },
        ...QOS_OPENERS,
        ...freeSections('sub', [
          /^spanning-tree mst configuration$/, /^ethernet evc\b/, /^vlan mapping table\b/, /^overlay$/,
          /^(?:ip|ipv6|mac) access-list\b/, /^key chain\b/, /^route-map\b/,
        ]),
      ],
    },
    interface: { prompt: 'if', keywords: [...INTERFACE_WORDS, 'overlay', 'vlan'], sections: [] },
    'vlan-db': { prompt: 'vlan', keywords: ['vlan'], sections: [] },
    line: { prompt: 'line', keywords: LINE_WORDS, sections: [] },
    router: freeSection('router'),
    ...QOS_SECTIONS,
    sub: freeSection('sub'),
  },
  printedNegations: [
    ...COMMON_NEGATIONS,
    { feature: 'local-user', positivePrinted: true, withArguments: true },
    { feature: 'line-password', positivePrinted: true },
    { feature: 'login', positivePrinted: true },
    { feature: 'switchport', positivePrinted: false },
    { feature: 'service http', positivePrinted: true, withArguments: true },
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
  sections: {
    global: {
      prompt: '',
      keywords: [
        ...GLOBAL_WORDS, 'dhcpv6', 'mvr', 'network-access', 'port-security', 'authentication', 'upgrade', 'jumbo',
      ],
      sections: [
        { kind: 'vlan-db', opens: /^vlan database$/ },
        { kind: 'line', opens: /^line\b/ },
        { kind: 'router', opens: /^router\b/ },
        ...QOS_OPENERS,
        ...freeSections('sub', [/^spanning-tree mst configuration$/, /^(?:ip|ipv6|mac) access-list\b/]),
      ],
    },
    interface: {
      prompt: 'if',
      keywords: [...INTERFACE_WORDS, 'capabilities', 'dhcpv6', 'transceiver-monitor', 'network-access', 'discard'],
      sections: [],
    },
    'vlan-db': { prompt: 'vlan', keywords: ['vlan'], sections: [] },
    line: { prompt: 'line', keywords: LINE_WORDS, sections: [] },
    router: freeSection('router'),
    ...QOS_SECTIONS,
    sub: freeSection('sub'),
  },
  printedNegations: [
    ...COMMON_NEGATIONS,
    { feature: 'capabilities', positivePrinted: false, withArguments: true },
    { feature: 'negotiation', positivePrinted: false },
    { feature: 'service http', positivePrinted: true, withArguments: true },
    { feature: 'service telnet', positivePrinted: true, withArguments: true },
    { feature: 'dns domain-lookup', positivePrinted: true },
    // The factory accounts admin and guest exist until removed, so their removal is printed.
    { feature: 'username', positivePrinted: true, withArguments: true },
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
  sections: {
    global: {
      prompt: '',
      keywords: [...GLOBAL_WORDS, 'filter', 'gvrp', 'igmp-snooping', 'mirror', 'port-group'],
      sections: [
        { kind: 'vlan', opens: /^vlan \d+$/ },
        { kind: 'line', opens: /^line\b/ },
        { kind: 'router', opens: /^router\b/ },
        ...QOS_OPENERS,
        ...freeSections('sub', [/^aaa group server\b/, /^(?:ip|ipv6|mac) access-list\b/, /^spanning-tree mst configuration$/]),
      ],
    },
    interface: { prompt: 'if', keywords: [...INTERFACE_WORDS], sections: [] },
    vlan: { prompt: 'vlan', keywords: ['name', 'state', 'shutdown', 'mtu'], sections: [] },
    line: { prompt: 'line', keywords: LINE_WORDS, sections: [] },
    router: freeSection('router'),
    ...QOS_SECTIONS,
    sub: freeSection('sub'),
  },
  printedNegations: [
    ...COMMON_NEGATIONS,
    { feature: 'ip directed-broadcast', positivePrinted: false },
    { feature: 'ip route-cache', positivePrinted: false },
    { feature: 'ip telnet', positivePrinted: true, withArguments: true },
  ],
  builtInInterface: /^(?:GigaEthernet|TGigaEthernet)\d+\/\d+$|^Null0$/,
  vlanListLine: true,
  trunkVlanArithmetic: false,
  usernameKeyLength: 2,
  topOrder: FS_TOP_ORDER,
};
