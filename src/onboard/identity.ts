import type { DeviceFacts, LldpNeighbor, MacEntry } from '../device/index.js';
import type { PortmapEntry, Site } from '../inventory/index.js';

export type IdentitySource = 'mac' | 'serial' | 'circuit-id' | 'remote-id' | 'lldp' | 'mac-table';

export interface FactoryLease {
  ip: string;
  mac: string;
  circuitId?: string;
  remoteId?: string;
}

/** Reads what the network knows about the new switch; each may fail (the caller's session errors). */
export interface IdentityProbe {
  /** Serial, model and version from the switch's `show version`. */
  facts(): Promise<DeviceFacts>;
  /** LLDP neighbours as seen by the new switch. */
  lldpNeighbors(): Promise<LldpNeighbor[]>;
  /** MAC tables of the site's uplink switches, by uplink device hostname. */
  macTables(devices: string[]): Promise<{ device: string; entries: MacEntry[] }[]>;
}

/** Where the switch was seen while its identity was looked for: what a parked switch's status shows. */
export interface Observed {
  /** Its LLDP neighbours, when they were read. */
  neighbours?: LldpNeighbor[];
  /** Uplink ports whose MAC table holds its MAC, when the tables were read. */
  macHits?: { device: string; port: string }[];
}

export type IdentityOutcome = (
  | { kind: 'found'; entry: PortmapEntry; source: IdentitySource }
  | { kind: 'ambiguous'; source: IdentitySource; candidates: string[] }
  | { kind: 'unknown'; seen: string[] }
) & { observed: Observed };

/** `Eth 1/ 1`, `Ethernet 1/1` and `eth1/1` name one port. */
export function samePort(a: string, b: string): boolean {
  const canon = (name: string): string => name.toLowerCase().replace(/\s+/g, '').replace(/^ethernet/, 'eth');
  return canon(a) === canon(b);
}

/** LLDP system names may carry a domain (`core1.example.net`). */
export function sameSystem(lldpName: string, hostname: string): boolean {
  const name = lldpName.trim().toLowerCase();
  const host = hostname.toLowerCase();
  return name === host || name.split('.')[0] === host;
}

function decide(source: IdentitySource, matches: PortmapEntry[], observed: Observed): IdentityOutcome | undefined {
  const unique = [...new Set(matches)];
  if (unique.length === 0) return undefined;
  const [only] = unique;
  if (unique.length === 1 && only !== undefined) return { kind: 'found', entry: only, source, observed };
  return { kind: 'ambiguous', source, candidates: unique.map((entry) => entry.hostname), observed };
}

function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Where a factory switch is, tried in order: its MAC in the port map; its
 * serial number (`show version`, read only when an entry names a serial);
 * the DHCP relay's option 82 circuit id / remote id; LLDP neighbours read
 * from the switch itself; the MAC tables of the uplink switches. The first source
 * that matches decides; two matches from one source are ambiguous, and
 * nothing is pushed. `occupied` tells whether a port map hostname is already
 * a live switch, so MAC-table hits on the trunk towards it are not mistaken
 * for the new switch's port.
 */
export async function identify(site: Site, lease: FactoryLease, probe: IdentityProbe, occupied: (hostname: string) => boolean): Promise<IdentityOutcome> {
  const seen: string[] = [];
  const observed: Observed = {};
  const unknown = (): IdentityOutcome => ({ kind: 'unknown', seen, observed });
  const byMac = decide('mac', site.portmap.filter((entry) => entry.mac === lease.mac), observed);
  if (byMac !== undefined) return byMac;
  seen.push(`mac ${lease.mac}: not in the port map`);

  if (site.portmap.some((entry) => entry.serial !== undefined)) {
    try {
      const serial = (await probe.facts()).serial?.toLowerCase();
      const found = serial === undefined ? undefined : decide('serial', site.portmap.filter((entry) => entry.serial?.toLowerCase() === serial), observed);
      if (found !== undefined) return found;
      seen.push(serial === undefined ? 'serial: show version gave none' : `serial ${serial.toUpperCase()}: not in the port map`);
    } catch (err) {
      seen.push(`serial: ${describeError(err)}`);
    }
  }

  if (lease.circuitId !== undefined) {
    const circuit = lease.circuitId;
    const found = decide('circuit-id', site.portmap.filter((entry) => entry.circuitId === circuit
      && (entry.remoteId === undefined || lease.remoteId === undefined || entry.remoteId === lease.remoteId)), observed);
    if (found !== undefined) return found;
    seen.push(`circuit id ${JSON.stringify(circuit)}: not in the port map`);
  }
  if (lease.remoteId !== undefined) {
    const remote = lease.remoteId;
    const found = decide('remote-id', site.portmap.filter((entry) => entry.remoteId === remote && entry.circuitId === undefined), observed);
    if (found !== undefined) return found;
    seen.push(`remote id ${JSON.stringify(remote)}: not in the port map`);
  }

  const uplinked = site.portmap.filter((entry) => entry.uplink !== undefined);
  if (uplinked.length === 0) return unknown();

  try {
    const neighbours = await probe.lldpNeighbors();
    observed.neighbours = neighbours;
    const matches = uplinked.filter((entry) => neighbours.some((neighbour) => entry.uplink !== undefined
      && sameSystem(neighbour.systemName, entry.uplink.device) && samePort(neighbour.portId, entry.uplink.port)));
    const found = decide('lldp', matches, observed);
    if (found !== undefined) return found;
    seen.push(neighbours.length === 0
      ? 'lldp: no neighbours'
      : `lldp: ${neighbours.map((n) => `${n.systemName} ${n.portId} (local ${n.localPort})`).join(', ')}`);
  } catch (err) {
    seen.push(`lldp: ${describeError(err)}`);
  }

  const devices = [...new Set(uplinked.flatMap((entry) => (entry.uplink === undefined ? [] : [entry.uplink.device])))];
  let tables: { device: string; entries: MacEntry[] }[] = [];
  try {
    tables = await probe.macTables(devices);
  } catch (err) {
    seen.push(`mac tables: ${describeError(err)}`);
  }
  const hits = tables.flatMap(({ device, entries }) => entries
    .filter((entry) => entry.mac === lease.mac)
    .map((entry) => ({ device, port: entry.port })));
  if (tables.length > 0) observed.macHits = hits;
  const matches = uplinked.filter((entry) => hits.some((hit) => entry.uplink !== undefined
    && entry.uplink.device.toLowerCase() === hit.device.toLowerCase() && samePort(entry.uplink.port, hit.port)));
  // The MAC is also learned on trunks towards switches already in place; a port whose entry is live is such a trunk.
  const free = matches.filter((entry) => !occupied(entry.hostname));
  const found = decide('mac-table', free.length > 0 ? free : matches, observed);
  if (found !== undefined) return found;
  seen.push(hits.length === 0 ? `mac tables of ${devices.join(', ')}: ${lease.mac} not learned` : `mac tables: ${hits.map((h) => `${h.device} ${h.port}`).join(', ')}`);
  return unknown();
}
