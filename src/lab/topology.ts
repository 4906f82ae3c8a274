import { splitWords } from './grammar.js';
import type { MacEntry, Neighbour, PersonalityDef } from './personality.js';
import type { LabSwitchSpec } from './types.js';

/** What the topology needs to know about each switch. */
export interface TopologyNode {
  spec: LabSwitchSpec;
  mac: string;
  personality: PersonalityDef;
  hostname(): string;
}

/** The port in the personality's canonical spelling, or as written when it does not parse. */
export function canonicalPort(port: string, personality: PersonalityDef): string {
  const parsed = personality.parseInterface(splitWords(port).map((w) => w.text));
  return 'name' in parsed ? parsed.name : port;
}

function findNode(name: string, nodes: TopologyNode[]): TopologyNode | undefined {
  return nodes.find((n) => n.spec.hostname === name) ?? nodes.find((n) => n.hostname() === name);
}

/**
 * LLDP neighbours: the uplink switch on the uplink's local port, and every
 * switch whose uplink points here, on the port it names.
 */
export function neighboursOf(node: TopologyNode, nodes: TopologyNode[]): Neighbour[] {
  const result: Neighbour[] = [];
  const up = node.spec.uplink;
  if (up) {
    const peer = findNode(up.device, nodes);
    result.push({
      localPort: canonicalPort(up.localPort, node.personality),
      systemName: peer ? peer.hostname() : up.device,
      portId: up.port,
      chassisMac: peer ? peer.mac : '00:00:00:00:00:00',
    });
  }
  for (const other of nodes) {
    const link = other.spec.uplink;
    if (other === node || link === undefined || findNode(link.device, nodes) !== node) continue;
    result.push({
      localPort: canonicalPort(link.port, node.personality),
      systemName: other.hostname(),
      portId: link.localPort,
      chassisMac: other.mac,
    });
  }
  return result;
}

/** MAC table: each directly linked neighbour's MAC, learned on the facing port in VLAN 1. */
export function macTableOf(node: TopologyNode, nodes: TopologyNode[]): MacEntry[] {
  return neighboursOf(node, nodes)
    .filter((n) => n.chassisMac !== '00:00:00:00:00:00')
    .map((n) => ({ vlan: 1, mac: n.chassisMac, port: n.localPort }));
}
