import { COMMON_TREE_SYNTAX, type TreeSyntax } from '../../config/tree.js';
import type { OrderRule, RemediationRules } from '../profile.js';

/**
 * Remediation rules shared by the IOS-like families (Centec NetworkOS,
 * Edgecore FSOS 1.x, BDCOM FSOS 2.x, Cisco IOS). Each profile starts from
 * these and adds its own port names and quirks.
 */

/**
 * Interface names (any case) created in config, not built in: VLAN, loopback, aggregate, tunnel,
 * dialer, IOS-XE's VirtualPortGroup… (`Null0` and the management port are built in, like the front ports).
 */
const LOGICAL_INTERFACE = 'vlan|loopback|port-channel|port-aggregator|agg|tunnel|bvi|bdi|nve|dialer|virtual-template|virtualportgroup';

/**
 * Interfaces that exist in hardware, whatever the family calls them: an
 * interface that is neither logical (vlan, loopback, aggregate, tunnel…)
 * nor a subinterface (`Gi0/1.10`). They cannot be deleted, and one
 * the intended config does not mention is left as it is: emptying it would
 * turn `shutdown` into `no shutdown` and bring a retired port up.
 */
export const PHYSICAL_PORT = new RegExp(`^interface\\s+(?!(?:${LOGICAL_INTERFACE})(?:\\b|\\d)|\\S*\\.\\d)`, 'i');

const ORDER: readonly OrderRule[] = [
  // Objects first, so that what refers to them finds them; removed last, after their users.
  { match: /^(?:vlan\b|VLAN\b)/, add: 10, remove: 85 },
  { match: /^(?:(?:ip|ipv6|mac) access-list|access-list|ip prefix-list|ipv6 prefix-list|ip as-path|ip community-list)\b/, add: 20, remove: 80 },
  { match: /^class-map\b/, add: 25, remove: 75 },
  { match: /^route-map\b/, add: 30, remove: 78 },
  { match: /^policy-map\b/, add: 35, remove: 70 },
  // The path onramp itself uses, and the user it logs in with, last: a
  // mistake there ends the session, so everything else is in place by then.
  { match: /^hostname\b/, add: 88, remove: 88 },
  { match: /^(?:aaa|username|enable (?:secret|password))\b/, add: 90, remove: 90 },
  { match: /^(?:interface\s+(?:management|mgmt\S*|vlan\s?1)$|ip default-gateway|ip route 0\.0\.0\.0 0\.0\.0\.0|ip ssh|ssh|line vty)\b/i, add: 95, remove: 95 },
];

export const IOS_LIKE_REMEDIATION: RemediationRules = {
  negationPrefix: 'no ',
  negateWith: [
    { match: /^description\s.*$/, command: 'no description' },
    { match: PHYSICAL_PORT, command: 'default $&' },
    { match: /^(ip address)\s(?!.*\ssecondary$).*$/, command: 'no $1' },
    { match: /^(switchport (?:access|native) vlan)\s.*$/, command: 'no $1' },
    { match: /^(switchport mode)\s.*$/, command: 'no $1' },
    { match: /^(username\s+\S+)\s.*$/, command: 'no $1' },
    { match: /^(snmp-server (?:location|contact))\s.*$/, command: 'no $1' },
    { match: /^(mtu|speed|duplex)\s.*$/, command: 'no $1' },
  ],
  singleValued: [
    /^(hostname)\s/,
    /^(description)\s/,
    /^(lldp system-name)\s/,
    /^(ip address)\s(?!.*\ssecondary$)/,
    /^(ip default-gateway)\s/,
    /^(switchport mode)\s/,
    /^(switchport pvid)\s/,
    /^(switchport (?:access|native) vlan)\s/,
    /^(switchport trunk native vlan)\s/,
    /^(enable (?:password|secret))\s/,
    /^(username \S+ (?:password|secret|privilege))\s/,
    /^(snmp-server (?:location|contact))\s/,
    /^(spanning-tree mode)\s/,
    /^(clock timezone)\s/,
    /^(privilege level)\s/,
    /^(mtu)\s/,
    /^(speed)\s/,
    /^(duplex)\s/,
    /^(name)\s/,
    /^(router-id)\s/,
    /^(bgp router-id)\s/,
    /^(exec-timeout)\s/,
    /^(transport input)\s/,
    // BGP: `no neighbor X remote-as` would delete the neighbour and all its settings.
    /^(neighbor \S+ (?:remote-as|update-source|description|ebgp-multihop|password))\b/,
    /^(remote-as|update-source|ebgp-multihop)\b/,
    /^(rd)\s/,
    /^((?:ip )?vrf (?:member|forwarding))\s/,
    /^(ip access-group) \S+ (in|out)$/,
    /^(service-policy) (?:type \S+ )?(input|output) \S+$/,
    /^(channel-group)\s/,
    /^(encapsulation)\s/,
    /^(spanning-tree(?: mst \S+| vlan \S+)? priority)\s/,
    // IOS's list form replaces the list; FSOS's `… allowed vlan add 10,20` adds to it and is not single-valued.
    /^(switchport trunk allowed vlan)\s(?!add\b|remove\b|except\b)/,
    /^(ip mtu)\s/,
    /^(bandwidth)\s/,
    /^(load-interval)\s/,
    /^(logging buffered)\b/,
    /^(ip domain[- ]name)\s/,
    /^(snmp-server system-(?:location|contact))\s/,
  ],
  keepWhenAbsent: [
    // A negated line is a default printed (`no service pad`) or a choice the intended config does not speak about.
    /^no\s/,
    PHYSICAL_PORT,
    /^line\s/,
    /^vlan 1$/,
    /^interface\s+vlan\s?1$/i,
  ],
  orderedGroups: [/^(access-list \S+)\s/, /^(ip prefix-list \S+)\s/, /^(ipv6 prefix-list \S+)\s/],
  numberLists: [/^(vlan) ([\d,-]+)$/],
  order: ORDER,
  sectionExits: [
    { match: /^address-family\b/, under: /^(?:router (?:bgp|eigrp|ospfv3)|vrf definition)\b/, exit: 'exit-address-family' },
    // EIGRP named mode: router eigrp NAME → address-family → af-interface / topology.
    { match: /^af-interface\b/, exit: 'exit-af-interface' },
    { match: /^topology\b/, under: /^address-family\b/, exit: 'exit-af-topology' },
  ],
};

/** The tree syntax of the IOS-like families: the common one plus their volatile lines. */
export function iosLikeTree(volatileLines: readonly RegExp[], extra: Partial<TreeSyntax> = {}): TreeSyntax {
  return {
    sectionEnds: [...COMMON_TREE_SYNTAX.sectionEnds, ...(extra.sectionEnds ?? [])],
    ignored: [...COMMON_TREE_SYNTAX.ignored, ...volatileLines, ...(extra.ignored ?? [])],
    flatSections: [...COMMON_TREE_SYNTAX.flatSections, ...(extra.flatSections ?? [])],
    orderedSections: [...COMMON_TREE_SYNTAX.orderedSections, ...(extra.orderedSections ?? [])],
  };
}
