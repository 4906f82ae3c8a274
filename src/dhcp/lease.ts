import { escapeForLog, validateHostname } from './hostname.js';

export type DhcpServer = 'isc' | 'dnsmasq' | 'kea';

/** A lease granted by a DHCP server, as read from one log line. */
export interface DhcpLease {
  server: DhcpServer;
  ip: string;
  /** Lower-case `aa:bb:cc:dd:ee:ff`. */
  mac: string;
  /** The client's hostname, present only when it passed validateHostname. */
  host?: string;
  /** The hostname as seen (escaped and cut for logging), also when it was refused. */
  rawHost?: string;
  /** Interface the request came in on, or the relay address. */
  via?: string;
  circuitId?: string;
  remoteId?: string;
  syslogHost?: string;
  time?: Date;
}

/** Looks a hostname up elsewhere when the log line has none (Kea). */
export interface HostnameResolver {
  hostnameFor(ip: string, mac: string): string | undefined;
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

/** Sets `host` when the name is acceptable and `rawHost` in any case. */
export function withHostname(lease: DhcpLease, raw: string | undefined): DhcpLease {
  if (raw === undefined || raw.length === 0) return lease;
  const host = validateHostname(raw);
  if (host !== null) {
    lease.host = host;
    lease.rawHost = host;
  } else {
    lease.rawHost = escapeForLog(raw);
  }
  return lease;
}
