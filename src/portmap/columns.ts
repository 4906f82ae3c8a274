/**
 * The columns of a port map CSV and the port map keys they fill. Headers are
 * matched without regard to case, spaces, '-' or '_' ("Circuit ID",
 * "circuit_id" and "circuitId" are one column); `port` is short for
 * `uplink port`.
 */
export const COLUMNS = [
  { name: 'uplink device', key: 'uplink.device' },
  { name: 'uplink port', key: 'uplink.port' },
  { name: 'mac', key: 'mac' },
  { name: 'serial', key: 'serial' },
  { name: 'circuit id', key: 'circuitId' },
  { name: 'remote id', key: 'remoteId' },
  { name: 'hostname', key: 'hostname' },
  { name: 'model', key: 'model' },
  { name: 'profile', key: 'profile' },
  { name: 'vars', key: 'vars' },
] as const;

export type Column = (typeof COLUMNS)[number];
export type ColumnKey = Column['key'];

const ALIASES: Record<string, ColumnKey> = { port: 'uplink.port' };

function folded(header: string): string {
  return header.trim().toLowerCase().replace(/[\s_-]+/g, '');
}

export function columnFor(header: string): Column | undefined {
  const text = folded(header);
  const key = ALIASES[text];
  return COLUMNS.find((column) => (key === undefined ? folded(column.name) === text : column.key === key));
}

/** The column a port map key (`uplink.device`, `circuitId`, `vars.vlan`) is written in, for messages. */
export function columnOfKey(path: readonly (string | number)[]): string | undefined {
  const [first, second] = path;
  if (first === 'vars') return second === undefined ? 'vars' : `vars (${String(second)})`;
  if (first === 'uplink') {
    if (second === undefined) return 'uplink device, uplink port';
    return second === 'device' ? 'uplink device' : 'uplink port';
  }
  return COLUMNS.find((column) => column.key === first)?.name;
}
