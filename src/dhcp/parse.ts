import { parseDnsmasqAck } from './dnsmasq.js';
import { parseIscAck } from './isc.js';
import { parseKeaLease } from './kea.js';
import type { DhcpLease, HostnameResolver } from './lease.js';
import { parseOption82Line } from './option82.js';
import { stripSyslogHeader } from './syslog.js';

export interface DhcpParseOptions {
  /** Supplies the hostname for formats whose lines carry none (Kea): a KeaLeaseFile. */
  hostnames?: HostnameResolver;
  /** Reference time for year-less RFC 3164 timestamps. */
  now?: Date;
  /**
   * Refuse lines without a syslog header. Set it for inputs that always carry
   * one (rsyslog files, journald, the syslog listener): a hostname with an
   * embedded newline, written raw by a server, then cannot make its second
   * half pass for a header-less `DHCPACK on …` line.
   */
  requireHeader?: boolean;
}

const MAX_LINE = 64 * 1024;

/**
 * The lease a log line grants, or null when the line grants none (another
 * message, a DHCPINFORM reply, an offer, a NAK, a line from an unknown
 * format). Runs on every line: cheap substring tests come before any regex.
 * The marker must open the message after the syslog header, so a client
 * cannot forge a lease by sending a hostname that looks like a DHCPACK line.
 */
export function parseDhcpLine(line: string, options: DhcpParseOptions = {}): DhcpLease | null {
  if (line.length > MAX_LINE) return null;
  const ack = line.indexOf('DHCPACK');
  if (ack < 0 && line.indexOf('DHCP4_LEASE_') < 0) return null;
  const header = stripSyslogHeader(line, options.now);
  if (options.requireHeader === true && header.message === line) return null;
  const lease = parseMessage(header.message, ack >= 0, options.hostnames);
  if (lease === null) return null;
  if (header.host !== undefined) lease.syslogHost = header.host;
  if (header.time !== undefined) lease.time = header.time;
  return lease;
}

function parseMessage(message: string, hasAck: boolean, hostnames: HostnameResolver | undefined): DhcpLease | null {
  if (hasAck) {
    if (message.startsWith('DHCPACK on ')) return parseIscAck(message);
    if (message.startsWith('DHCPACK-OPT82 ')) return parseOption82Line(message);
    const first = message.charCodeAt(0);
    if (message.startsWith('DHCPACK(') || (first >= 0x30 && first <= 0x39)) {
      const lease = parseDnsmasqAck(message);
      if (lease !== null) return lease;
    }
  }
  if (message.includes('DHCP4_LEASE_')) return parseKeaLease(message, hostnames);
  return null;
}
