import { normaliseMac } from './mac.js';
import { isIpv4, withHostname, type DhcpLease, type HostnameResolver } from './lease.js';

/*
 * Kea: `[TIME ]LEVEL [logger/pid.tid] DHCP4_LEASE_ALLOC [hwtype=1 MAC], cid=[…],
 * tid=0x…: lease IP has been allocated for N seconds` (or DHCP4_LEASE_REUSE when
 * a lease is handed out again from the cache). The line names no host; a
 * HostnameResolver (KeaLeaseFile) supplies it.
 */
const ACK =
  /^(?:(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))? +)?(?:[A-Z]{1,8} +)?(?:\[[^\]\s]{1,160}\] +)?DHCP4_LEASE_(?:ALLOC|REUSE) \[hwtype=\d{1,3} ([0-9A-Fa-f:]{1,64})\], cid=\[[^\]]{0,600}\], tid=0x[0-9A-Fa-f]{1,8}: lease (\S{7,15}) has been (?:allocated|reused) for \d{1,10} seconds/;

export function parseKeaLease(message: string, hostnames?: HostnameResolver): DhcpLease | null {
  const m = ACK.exec(message);
  if (m === null) return null;
  const mac = normaliseMac(m[8] ?? '');
  const ip = m[9] ?? '';
  if (mac === null || !isIpv4(ip)) return null;
  const lease: DhcpLease = { server: 'kea', ip, mac };
  if (m[1] !== undefined) {
    // Kea's own log file writes local time.
    const ms = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
    lease.time = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms);
  }
  return withHostname(lease, hostnames?.hostnameFor(ip, mac));
}
