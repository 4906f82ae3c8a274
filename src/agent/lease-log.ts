import { parseDhcpLine, type DhcpLease, type KeaLeaseFile } from '../dhcp/index.js';
import type { LeaseDetails, NativeActionSink } from '../engine/index.js';
import { Events, type Logger } from '../log/index.js';

/**
 * `dhcp.ack` for every lease line, whatever the rules then do with it. A
 * lease whose hostname is not a plain host name (`Switch;reboot`, `$(id)`,
 * control bytes…) matches no DHCP rule, so it would pass unnoticed: it is
 * logged as `input.line.rejected`, escaped, and goes no further. Returns
 * the lease the line is, if any.
 */
export function logLease(line: string, source: string, hostnames: KeaLeaseFile | undefined, logger: Logger): DhcpLease | undefined {
  if (!line.includes('DHCPACK') && !line.includes('DHCP4_LEASE_')) return undefined;
  const lease = parseDhcpLine(line, hostnames === undefined ? {} : { hostnames });
  if (lease === null) return undefined;
  const fields = { source, ip: lease.ip, mac: lease.mac, server: lease.server, via: lease.via };
  logger.info({ event: Events.dhcpAck, device: lease.host, ...fields }, `DHCPACK ${lease.ip} to ${lease.mac}${lease.host === undefined ? '' : ` (${lease.host})`}`);
  if (lease.host === undefined && lease.rawHost !== undefined) {
    logger.warn({ event: Events.inputLineRejected, ...fields, rawHost: lease.rawHost }, 'DHCP hostname rejected: not a plain host name');
  }
  return lease;
}

/**
 * Between the rules and the onboarder: an `onboard` fired by a lease line
 * is given the time that line says (the DHCP server's clock), so that the
 * same DHCPACK logged by both failover peers is known as one lease by the
 * shared queue whenever each appliance reads it.
 */
export class LeaseTimes implements NativeActionSink {
  private current: DhcpLease | undefined;

  constructor(private readonly inner: NativeActionSink) {}

  /** Runs `work` (the rules on one line) with `lease`, the lease that line is, as the current one. */
  during(lease: DhcpLease | undefined, work: () => void): void {
    this.current = lease;
    try {
      work();
    } finally {
      this.current = undefined;
    }
  }

  onboard(ip: string, mac: string, hostname: string, lease?: LeaseDetails): void {
    const time = this.current?.ip === ip && this.current.mac === mac.toLowerCase() ? this.current.time : undefined;
    this.inner.onboard(ip, mac, hostname, time === undefined ? lease : { ...lease, leaseTime: time.getTime() });
  }

  check(host: string): void {
    this.inner.check(host);
  }

  provision(ip: string, name: string): void {
    this.inner.provision(ip, name);
  }

  backup(host: string, line?: string): void {
    this.inner.backup(host, line);
  }
}
