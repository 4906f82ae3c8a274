import { normaliseMac } from './mac.js';
import { isIpv4, withHostname, type DhcpLease } from './lease.js';

// `[xid ]DHCPACK(iface) IP MAC[ HOSTNAME]`; the xid appears with `log-dhcp`.
const ACK = /^(?:\d{1,10} )?DHCPACK\(([^)\s]{1,64})\) (\S{7,15}) (\S{1,64})(?: (.*))?$/s;

export function parseDnsmasqAck(message: string): DhcpLease | null {
  const m = ACK.exec(message);
  if (m === null) return null;
  const [, via = '', ip = '', rawMac = '', rawHost] = m;
  const mac = normaliseMac(rawMac);
  if (mac === null || !isIpv4(ip)) return null;
  const lease: DhcpLease = { server: 'dnsmasq', ip, mac, via };
  return withHostname(lease, rawHost?.replace(/ +$/, ''));
}
