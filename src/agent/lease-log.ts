import { parseDhcpLine, type KeaLeaseFile } from '../dhcp/index.js';
import { Events, type Logger } from '../log/index.js';

/**
 * `dhcp.ack` for every lease line, whatever the rules then do with it. A
 * lease whose hostname is not a plain host name (`Switch;reboot`, `$(id)`,
 * control bytes…) matches no DHCP rule, so it would pass unnoticed: it is
 * logged as `input.line.rejected`, escaped, and goes no further.
 */
export function logLease(line: string, source: string, hostnames: KeaLeaseFile | undefined, logger: Logger): void {
  if (!line.includes('DHCPACK') && !line.includes('DHCP4_LEASE_')) return;
  const lease = parseDhcpLine(line, hostnames === undefined ? {} : { hostnames });
  if (lease === null) return;
  const fields = { source, ip: lease.ip, mac: lease.mac, server: lease.server, via: lease.via };
  logger.info({ event: Events.dhcpAck, device: lease.host, ...fields }, `DHCPACK ${lease.ip} to ${lease.mac}${lease.host === undefined ? '' : ` (${lease.host})`}`);
  if (lease.host === undefined && lease.rawHost !== undefined) {
    logger.warn({ event: Events.inputLineRejected, ...fields, rawHost: lease.rawHost }, 'DHCP hostname rejected: not a plain host name');
  }
}
