import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { normaliseMac } from './mac.js';
import type { HostnameResolver } from './lease.js';

interface LeaseRow {
  mac: string | undefined;
  hostname: string;
}

interface Columns {
  address: number;
  hwaddr: number;
  validLifetime: number;
  hostname: number;
  state: number;
}

// Kea 1.x/2.x memfile header: address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,…
const DEFAULT_COLUMNS: Columns = { address: 0, hwaddr: 1, validLifetime: 3, hostname: 8, state: 9 };
const STATE_DEFAULT = '0';
const READ_CHUNK = 64 * 1024;

/**
 * Kea's DHCP4_LEASE_ALLOC log line names no host; the memfile lease CSV
 * (`lease-database { type memfile; name …/kea-leases4.csv }`) does, and Kea
 * appends the row before it logs the allocation. This reads the file
 * incrementally on each lookup (only the bytes appended since the last one)
 * and starts over, from the lease-file cleanup's `.1`/`.2` files, when the
 * file was replaced or shrank. The last row for an address wins; a row with
 * valid_lifetime 0 or a state other than default removes it.
 */
export class KeaLeaseFile implements HostnameResolver {
  readonly path: string;
  private readonly leases = new Map<string, LeaseRow>();
  private columns: Columns = DEFAULT_COLUMNS;
  private inode = -1;
  private offset = 0;
  private pending = '';

  constructor(path: string) {
    this.path = path;
  }

  hostnameFor(ip: string, mac: string): string | undefined {
    this.refresh();
    const row = this.leases.get(ip);
    if (row === undefined || (row.mac !== undefined && row.mac !== mac)) return undefined;
    return row.hostname.length > 0 ? row.hostname : undefined;
  }

  /** Reads what was appended since the last call; cheap when nothing changed. */
  refresh(): void {
    let stat;
    try {
      stat = statSync(this.path);
    } catch {
      return;
    }
    if (stat.ino !== this.inode || stat.size < this.offset) {
      this.leases.clear();
      this.columns = DEFAULT_COLUMNS;
      for (const older of [`${this.path}.1`, `${this.path}.2`]) this.readFrom(older, 0);
      this.inode = stat.ino;
      this.offset = 0;
      this.pending = '';
    }
    if (stat.size > this.offset) this.offset = this.readFrom(this.path, this.offset);
  }

  private readFrom(path: string, start: number): number {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return start;
    }
    let position = start;
    try {
      const buffer = Buffer.allocUnsafe(READ_CHUNK);
      for (;;) {
        const n = readSync(fd, buffer, 0, READ_CHUNK, position);
        if (n === 0) break;
        position += n;
        this.consume(buffer.toString('utf8', 0, n));
      }
    } finally {
      closeSync(fd);
    }
    if (path !== this.path) this.pending = '';
    return position;
  }

  private consume(text: string): void {
    const lines = (this.pending + text).split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.addRow(line.replace(/\r$/, ''));
  }

  private addRow(line: string): void {
    if (line.length === 0) return;
    const fields = line.split(',');
    if (fields[0] === 'address') {
      this.columns = columnsOf(fields);
      return;
    }
    const c = this.columns;
    const address = fields[c.address];
    if (address === undefined || address.length === 0) return;
    if (fields[c.validLifetime] === '0' || (fields[c.state] ?? STATE_DEFAULT) !== STATE_DEFAULT) {
      this.leases.delete(address);
      return;
    }
    const mac = normaliseMac(fields[c.hwaddr] ?? '') ?? undefined;
    // Kea escapes commas in text fields as `&#x2c`; a DDNS-qualified name ends in a dot.
    let hostname = (fields[c.hostname] ?? '').replaceAll('&#x2c', ',').replace(/\.$/, '');
    // A renewal from a client that no longer sends its name writes a row with none; the
    // lease still belongs to the same device, and a log line read late still needs its name.
    const earlier = this.leases.get(address);
    if (hostname.length === 0 && earlier !== undefined && earlier.mac === mac) hostname = earlier.hostname;
    this.leases.set(address, { mac, hostname });
  }
}

function columnsOf(header: string[]): Columns {
  const at = (name: string, fallback: number): number => {
    const i = header.indexOf(name);
    return i >= 0 ? i : fallback;
  };
  return {
    address: at('address', DEFAULT_COLUMNS.address),
    hwaddr: at('hwaddr', DEFAULT_COLUMNS.hwaddr),
    validLifetime: at('valid_lifetime', DEFAULT_COLUMNS.validLifetime),
    hostname: at('hostname', DEFAULT_COLUMNS.hostname),
    state: at('state', DEFAULT_COLUMNS.state),
  };
}
