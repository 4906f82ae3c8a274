import type { PrintedNegation, SectionKind, SectionOpener } from '../family.js';

/** Words a global config line may start with on every family. */
export const GLOBAL_WORDS = [
  'aaa', 'access-list', 'alias', 'archive', 'arp', 'banner', 'boot', 'boot-end-marker', 'boot-start-marker', 'cdp',
  'class-map', 'clock', 'crypto', 'dhcp', 'dns', 'dot1x', 'enable', 'errdisable', 'ethernet', 'hostname', 'http',
  'interface', 'ip', 'ipv6', 'key', 'lacp', 'license', 'line', 'lldp', 'logging', 'loopback-detection', 'mac',
  'mac-address-table', 'management', 'monitor', 'ntp', 'policy-map', 'port-channel', 'privilege', 'qos', 'radius',
  'radius-server', 'route-map', 'router', 'service', 'sflow', 'snmp-server', 'sntp', 'spanning-tree', 'ssh',
  'storm-control', 'system', 'tacacs', 'tacacs-server', 'telnet', 'time-range', 'track', 'udld', 'username',
  'version', 'vlan', 'vrrp', 'web',
];

/** Words an interface setting may start with on every family. */
export const INTERFACE_WORDS = [
  'arp', 'authentication', 'bandwidth', 'cdp', 'channel-group', 'description', 'dhcp', 'dot1x', 'duplex',
  'encapsulation', 'fec', 'flowcontrol', 'ip', 'ipv6', 'lacp', 'lldp', 'load-interval', 'loopback-detection', 'mac',
  'mac-address', 'mtu', 'negotiation', 'poe', 'port-security', 'qos', 'service-policy', 'shutdown', 'spanning-tree',
  'speed', 'storm-control', 'switchport', 'udld', 'vrrp',
];

export const LINE_WORDS = [
  'access-class', 'accounting', 'authorization', 'databits', 'exec', 'exec-timeout', 'flowcontrol', 'history',
  'ipv6', 'length', 'line-password', 'logging', 'login', 'logout-warning', 'parity', 'password', 'privilege',
  'session-timeout', 'silent-time', 'speed', 'stopbits', 'terminal-type', 'timeout', 'transport', 'width',
];

/** Openers of sections whose lines the lab takes as written (no first-word list). */
export function freeSections(kind: string, openers: readonly RegExp[]): SectionOpener[] {
  return openers.map((opens) => ({ kind, opens }));
}

/** A section that takes any line that opens nothing above it. */
export function freeSection(prompt: string, sections: readonly SectionOpener[] = []): SectionKind {
  return { prompt, sections };
}

/**
 * Printed negations from two lists: features on by default, whose positive
 * form prints nothing (`service pad`), and features printed in both forms
 * (`aaa new-model`). A feature ending in ` …` takes arguments, each printed as
 * its own `no` line (`no spanning-tree vlan 10`).
 */
export function negations(defaultOn: readonly string[], bothPrinted: readonly string[]): PrintedNegation[] {
  const one = (feature: string, positivePrinted: boolean): PrintedNegation => {
    const withArguments = feature.endsWith(' …');
    return { feature: withArguments ? feature.slice(0, -2) : feature, positivePrinted, ...(withArguments ? { withArguments } : {}) };
  };
  return [...defaultOn.map((f) => one(f, false)), ...bothPrinted.map((f) => one(f, true))];
}

/** Features that print their `no` form on every family where they exist. */
export const COMMON_NEGATIONS: readonly PrintedNegation[] = negations(
  ['lldp transmit', 'lldp receive', 'lldp tlv …', 'ip domain-lookup', 'ip domain lookup'],
  ['service password-encryption', 'spanning-tree vlan …'],
);

/** `policy-map X` → `class Y` → `police …`: QoS policies as the IOS-like families nest them. */
export const QOS_OPENERS: readonly SectionOpener[] = [
  { kind: 'pmap', opens: /^policy-map\b/ },
  { kind: 'cmap', opens: /^class-map\b/ },
];

export const QOS_SECTIONS: Readonly<Record<string, SectionKind>> = {
  pmap: { prompt: 'pmap', keywords: ['class', 'description'], sections: [{ kind: 'pmap-c', opens: /^class\b/ }] },
  'pmap-c': {
    prompt: 'pmap-c',
    keywords: [
      'bandwidth', 'drop', 'fair-queue', 'police', 'priority', 'queue-limit', 'random-detect', 'service-policy', 'set',
      'shape', 'trust',
    ],
    // A `police` line without its actions opens the police sub-mode, where they follow one a line.
    sections: [{ kind: 'pmap-c-police', opens: /^police\b(?!.*-action)/ }],
  },
  'pmap-c-police': { prompt: 'pmap-c-police', keywords: ['conform-action', 'exceed-action', 'violate-action'], sections: [] },
  cmap: { prompt: 'cmap', keywords: ['match', 'description'], sections: [] },
};
