/**
 * Parsers for `show lldp neighbors` and `show mac address-table` in the
 * formats of VENDORS.md: Centec blocks, Edgecore tables, BDCOM and Cisco
 * tables. They take the output without the echoed command and the prompt.
 */
export interface LldpNeighbor {
  localPort: string;
  systemName: string;
  portId: string;
}

export interface MacEntry {
  /** aa:bb:cc:dd:ee:ff */
  mac: string;
  /** Absent for entries not bound to a VLAN (Cisco `All`). */
  vlan?: number;
  port: string;
}

/** `Eth 1/ 1` (Edgecore pads the port number) and `Eth 1/1` name the same port. */
export function canonicalPort(name: string): string {
  return name.trim().replace(/\/\s+/g, '/').replace(/\s+/g, ' ');
}

export function parseLldpNeighbors(output: string): LldpNeighbor[] {
  const lines = output.split('\n').map((l) => l.replace(/\s+$/, ''));
  if (lines.some((l) => /^\s*(?:Local Port|Local Intf|chassis id)\s*:/i.test(l))) return parseLldpBlocks(lines);
  const header = lines.findIndex((l) => /\bSystem Name\b|\bDevice ID\b/i.test(l) && /\bPort ID\b/i.test(l));
  if (header < 0) return [];
  const columns = columnsOf(lines[header] ?? '');
  const local = columns.findIndex((c) => /^Local (?:Port|Intf)/i.test(c.title));
  const port = columns.findIndex((c) => /^Port ID/i.test(c.title));
  const name = columns.findIndex((c) => /^(?:System Name|Device ID)/i.test(c.title));
  if (local < 0 || port < 0 || name < 0) return [];
  const neighbours: LldpNeighbor[] = [];
  for (const line of lines.slice(header + 1)) {
    if (/^\s*-[-\s]*$/.test(line) || line.trim() === '' || /^\s*Total entries/i.test(line)) continue;
    const cells = cellsOf(line, columns);
    const entry = { localPort: canonicalPort(cells[local] ?? ''), portId: canonicalPort(cells[port] ?? ''), systemName: (cells[name] ?? '').trim() };
    if (entry.localPort !== '' && entry.portId !== '') neighbours.push(entry);
  }
  return neighbours;
}

/** `Field : value` blocks, one per neighbour (Centec brief, BDCOM/Cisco detail). */
function parseLldpBlocks(lines: string[]): LldpNeighbor[] {
  const neighbours: LldpNeighbor[] = [];
  let current: Partial<LldpNeighbor> = {};
  const flush = (): void => {
    if (current.localPort !== undefined && current.portId !== undefined) {
      neighbours.push({ localPort: current.localPort, portId: current.portId, systemName: current.systemName ?? '' });
    }
    current = {};
  };
  for (const line of lines) {
    const m = /^\s*([A-Za-z][A-Za-z ]*?)\s*:\s*(.*)$/.exec(line);
    if (!m) continue;
    const key = (m[1] ?? '').toLowerCase();
    const value = (m[2] ?? '').trim();
    if (key === 'local port' || key === 'local intf') {
      if (current.localPort !== undefined) flush();
      current.localPort = canonicalPort(value);
    } else if (key === 'remote port' || key === 'port id') {
      current.portId = canonicalPort(value);
    } else if (key === 'system name') {
      current.systemName = value;
    }
  }
  flush();
  return neighbours;
}

interface Column {
  title: string;
  start: number;
}

/** Column titles are separated by two or more blanks (`Local Port Chassis ID` needs the known titles). */
function columnsOf(header: string): Column[] {
  const titles = /Local Port|Local Intf|Chassis ID|Port ID|Hold Time|Hold-time|System Name|Device ID|Capability|Interface|MAC Address|Mac Address|VLAN|Vlan|Type|Life Time|Ports/gi;
  const columns: Column[] = [];
  for (const m of header.matchAll(titles)) columns.push({ title: m[0], start: m.index });
  return columns;
}

/**
 * Cuts a table row at the header's column starts. A value longer than its
 * column pushes into the next one; the cut then moves to the next blank.
 */
function cellsOf(line: string, columns: Column[]): string[] {
  const cells: string[] = [];
  let from = 0;
  for (let i = 0; i < columns.length; i++) {
    const next = columns[i + 1];
    let to = next ? next.start : line.length;
    while (to < line.length && to > from && line[to - 1] !== ' ' && line[to] !== ' ') to++;
    cells.push(line.slice(from, Math.min(to, line.length)).trim());
    from = Math.min(to, line.length);
  }
  return cells;
}

const MAC_TOKEN = /(?:[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}|[0-9a-f]{2}(?:[-:][0-9a-f]{2}){5})/i;

export function normaliseMacToken(token: string): string | undefined {
  const hex = token.toLowerCase().replace(/[^0-9a-f]/g, '');
  if (hex.length !== 12) return undefined;
  return hex.replace(/(..)(?!$)/g, '$1:');
}

export function parseMacTable(output: string): MacEntry[] {
  const entries: MacEntry[] = [];
  // Edgecore puts the interface first (`Interface MAC Address VLAN Type Life Time`); the others lead with the VLAN.
  const interfaceFirst = /^\s*Interface\s+MAC Address/im.test(output);
  for (const raw of output.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    const m = MAC_TOKEN.exec(line);
    if (!m) continue;
    const mac = normaliseMacToken(m[0]);
    if (mac === undefined) continue;
    const before = line.slice(0, m.index).trim();
    const after = line.slice(m.index + m[0].length).trim().split(/\s+/);
    let entry: MacEntry;
    if (interfaceFirst) {
      const vlan = Number.parseInt(after[0] ?? '', 10);
      entry = { mac, port: canonicalPort(before), ...(Number.isInteger(vlan) ? { vlan } : {}) };
    } else {
      const vlan = /^\d+$/.test(before) ? Number.parseInt(before, 10) : undefined;
      const port = after.length >= 2 ? after.slice(1).join(' ') : '';
      entry = { mac, port: canonicalPort(port), ...(vlan !== undefined ? { vlan } : {}) };
    }
    if (entry.port !== '') entries.push(entry);
  }
  return entries;
}
