import { escapeForLog } from './hostname.js';
import { normaliseMac } from './mac.js';
import { isIpv4, withHostname, type DhcpLease } from './lease.js';

const HEAD = /^DHCPACK on (\S{7,15}) to (\S{1,64}) /;
const VIA = /^\S{1,64}/;

/**
 * ISC dhcpd: `DHCPACK on IP to MAC (HOSTNAME) via IFACE|RELAY`, the hostname
 * part being absent when the client sent none. `DHCPACK to IP (MAC) via …`
 * answers a DHCPINFORM, grants nothing, and does not reach this function.
 */
export function parseIscAck(message: string): DhcpLease | null {
  const head = HEAD.exec(message);
  if (head === null) return null;
  const [, ip = '', rawMac = ''] = head;
  const mac = normaliseMac(rawMac);
  if (mac === null || !isIpv4(ip)) return null;
  const lease: DhcpLease = { server: 'isc', ip, mac };
  const rest = message.slice(head[0].length);
  if (rest.startsWith('via ')) return withVia(lease, rest.slice(4));
  if (!rest.startsWith('(')) return null;
  // The hostname is client data and may itself contain ") via ": the last one is dhcpd's.
  const close = rest.lastIndexOf(') via ');
  if (close < 0) {
    // A line cut short (e.g. by a newline inside the hostname): keep what was seen, trust none of it.
    lease.rawHost = escapeForLog(rest.slice(1));
    return lease;
  }
  withHostname(lease, rest.slice(1, close));
  return withVia(lease, rest.slice(close + 6));
}

function withVia(lease: DhcpLease, text: string): DhcpLease {
  const via = VIA.exec(text);
  if (via !== null) lease.via = via[0];
  return lease;
}
