import type { FamilyGrammar } from '../family.js';
import { COMMON_NEGATIONS, freeSection, freeSections, negations, GLOBAL_WORDS, INTERFACE_WORDS, LINE_WORDS, QOS_OPENERS, QOS_SECTIONS } from './common.js';

/**
 * Cisco IOS / IOS-XE, with what NX-OS configs add (`feature`, `vrf context`,
 * `evpn`, BGP neighbours as sections), so configs of both styles apply.
 */
export const ciscoIosGrammar: FamilyGrammar = {
  interfaceKind: 'interface',
  sections: {
    global: {
      prompt: '',
      keywords: [
        ...GLOBAL_WORDS, 'bba-group', 'call-home', 'cfs', 'control-plane', 'copp', 'device-tracking', 'diagnostic',
        'dial-peer', 'dialer-list', 'evpn', 'event', 'fabric', 'feature', 'hardware', 'hw-module', 'icam', 'kron',
        'login', 'memory', 'mls', 'mpls', 'multilink', 'network-clock-participate', 'nv', 'object-group', 'parser',
        'password', 'platform', 'power', 'redundancy', 'rmon', 'scheduler', 'security', 'snmp', 'spd', 'stack-mac',
        'switch', 'transceiver', 'vdc', 'virtual-service', 'vpdn', 'vrf', 'vstack', 'vtp',
      ],
      sections: [
        { kind: 'vlan', opens: /^vlan \d+$/ },
        { kind: 'line', opens: /^line\b/ },
        { kind: 'router', opens: /^(?:ipv6 )?router (?!bgp)\S+/ },
        { kind: 'bgp', opens: /^router bgp\b/ },
        { kind: 'acl', opens: /^(?:ip|ipv6|mac) access-list\b/ },
        ...QOS_OPENERS,
        { kind: 'archive', opens: /^archive$/ },
        { kind: 'vrf', opens: /^vrf (?:context|definition)\b/ },
        { kind: 'evpn', opens: /^evpn$/ },
        // IOS-XE: a hosted service (`virtual-service csr_mgmt`), its vNIC a mode of its own (`vnic gateway VirtualPortGroup0`).
        { kind: 'virtual-service', opens: /^virtual-service\b/ },
        ...freeSections('sub', [
          /^route-map\b/, /^ip dhcp pool\b/, /^ip sla(?: monitor)? \d+$/, /^aaa (?:group )?server\b/, /^radius server\b/,
          /^key chain\b/, /^spanning-tree mst configuration$/, /^control-plane\b/, /^redundancy$/, /^vdc\b/,
          /^bba-group\b/, /^transceiver type\b/, /^snmp mib\b/, /^dial-peer\b/, /^crypto\b/, /^evpn multisite\b/,
          /^line-card\b/, /^ip vrf\b/, /^object-group\b/, /^track \d+\b/, /^time-range\b/, /^mac access-list\b/,
        ]),
      ],
    },
    interface: {
      prompt: 'if',
      keywords: [
        ...INTERFACE_WORDS, 'atm', 'autostate', 'bundle-enable', 'carrier-delay', 'channel-protocol', 'clock', 'dampening',
        'delay', 'device-tracking', 'dialer', 'dialer-group', 'dsl', 'evpn', 'fabric', 'fair-queue', 'full-duplex',
        'half-duplex', 'hold-queue', 'host-reachability', 'keepalive', 'l2protocol-tunnel', 'mab', 'max-reserved-bandwidth',
        'media-type', 'mls', 'nameif', 'ospfv3', 'port', 'power', 'ppp', 'pppoe-client', 'priority-queue', 'pvc', 'rate-limit', 'service', 'member',
        'snmp', 'source-interface', 'srr-queue', 'standby', 'tunnel', 'vpc', 'vrf', 'xconnect',
      ],
      sections: [
        { kind: 'service-instance', opens: /^service instance \d+\b/ },
        { kind: 'xconnect', opens: /^xconnect\b/ },
        { kind: 'sub', opens: /^pvc\b/ },
        { kind: 'sub', opens: /^member vni\b/ },
      ],
    },
    // An EVC service instance; its pseudowire (`xconnect PEER VCID encapsulation mpls`) opens a mode for its `mtu`, backup peer…
    'service-instance': freeSection('if-srv', [{ kind: 'xconnect', opens: /^xconnect\b/ }]),
    xconnect: freeSection('if-xconn'),
    'virtual-service': freeSection('virt-serv', [{ kind: 'sub', opens: /^vnic\b/ }]),
    vlan: { prompt: 'vlan', keywords: ['name', 'state', 'shutdown', 'mtu', 'vn-segment', 'remote-span', 'private-vlan'], sections: [] },
    line: { prompt: 'line', keywords: LINE_WORDS, sections: [] },
    // EIGRP named mode: router eigrp NAME → address-family … autonomous-system N → af-interface / topology.
    router: freeSection('router', [{ kind: 'router-af', opens: /^address-family\b/ }]),
    'router-af': {
      ...freeSection('router-af', [
        { kind: 'af-interface', opens: /^af-interface\b/ },
        { kind: 'af-topology', opens: /^topology\b/ },
      ]),
      exit: 'exit-address-family',
      closing: 'exit-address-family',
    },
    'af-interface': { ...freeSection('router-af-interface'), exit: 'exit-af-interface', closing: 'exit-af-interface' },
    'af-topology': { ...freeSection('router-af-topology'), exit: 'exit-af-topology', closing: 'exit-af-topology' },
    bgp: freeSection('router', [
      { kind: 'bgp-af', opens: /^address-family\b/ },
      { kind: 'bgp-neighbor', opens: /^neighbor \S+$/ },
      { kind: 'bgp-vrf', opens: /^vrf \S+$/ },
      { kind: 'bgp-template', opens: /^template\b/ },
    ]),
    'bgp-af': { ...freeSection('router-af'), exit: 'exit-address-family', closing: 'exit-address-family' },
    'bgp-neighbor': freeSection('router-neighbor', [{ kind: 'bgp-neighbor-af', opens: /^address-family\b/ }]),
    // NX-OS has no exit-address-family; taking it keeps configs of both styles typeable.
    'bgp-neighbor-af': { ...freeSection('router-neighbor-af'), exit: 'exit-address-family' },
    'bgp-vrf': freeSection('router-vrf', [{ kind: 'bgp-neighbor-af', opens: /^address-family\b/ }]),
    'bgp-template': freeSection('router-template', [{ kind: 'bgp-neighbor-af', opens: /^address-family\b/ }]),
    acl: freeSection('ext-nacl'),
    ...QOS_SECTIONS,
    archive: freeSection('archive', [{ kind: 'sub', opens: /^log config$/ }]),
    vrf: freeSection('vrf', [{ kind: 'vrf-af', opens: /^address-family\b/ }]),
    'vrf-af': { ...freeSection('vrf-af'), exit: 'exit-address-family', closing: 'exit-address-family' },
    evpn: freeSection('evpn-evi', [{ kind: 'sub', opens: /^vni \d+\b/ }]),
    sub: freeSection('sub'),
  },
  printedNegations: [
    ...COMMON_NEGATIONS,
    ...negations(
      [
        'service pad', 'service config', 'ip source-route', 'ip gratuitous-arps', 'ip bootp server', 'ip routing',
        'ip redirects', 'ip unreachables', 'ip proxy-arp', 'ip route-cache', 'ip mroute-cache',
        'ip directed-broadcast', 'ipv6 redirects', 'ipv6 unreachables', 'cdp run', 'cdp enable', 'cdp log …',
        'keepalive', 'switchport', 'mop enabled', 'snmp trap link-status', 'exec', 'vstack',
      ],
      [
        'aaa new-model', 'ip http server', 'ip http secure-server', 'ip cef', 'ipv6 cef', 'ip address',
        'negotiation auto', 'logging console …', 'login', 'network-clock-participate …', 'atm ilmi-keepalive',
      ],
    ),
  ],
  builtInInterface:
    /^(?:(?:GigabitEthernet|FastEthernet|TenGigabitEthernet|TwentyFiveGigE|FortyGigabitEthernet|HundredGigE|Ethernet|ATM|Serial)\d+(?:\/\d+)*|Null0|mgmt0)$/,
  vlanListLine: false,
  trunkVlanArithmetic: true,
  usernameKeyLength: 2,
  topOrder: [
    'version', 'service', 'hostname', 'boot-start-marker', 'boot-end-marker', 'logging', 'enable', 'username', 'aaa',
    'clock', 'switch', 'ip', 'ipv6', 'spanning-tree', 'vlan', 'class-map', 'policy-map', 'interface', 'router',
    'snmp-server', 'ntp', 'line', 'banner',
  ],
};
