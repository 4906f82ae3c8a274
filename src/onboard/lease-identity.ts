import type { SiteDevice } from '../inventory/index.js';
import type { VerifiedIdentity } from './verified-identities.js';

export interface LeaseSeen {
  ip: string;
  mac: string;
}

export type LeaseJudgement = { kind: 'ok' } | { kind: 'mismatch'; reasons: string[] };

/**
 * Whether a lease carrying a known device's name may be that device, judged
 * before anything is sent to it: its MAC must be the site's `mac:` when one
 * is given; its address must be the site's `ip:` or where the device was last
 * verified (or moved to by an operator), and its MAC the one it was last
 * verified with. A device with `ip: dhcp` may lease any address from any MAC:
 * its host key alone tells it is that device.
 */
export function judgeLease(device: SiteDevice, known: VerifiedIdentity | undefined, lease: LeaseSeen): LeaseJudgement {
  const reasons: string[] = [];
  if (device.mac !== undefined && lease.mac !== device.mac) reasons.push(`MAC ${lease.mac} is not the site's ${device.mac}`);
  if (device.ipFromDhcp !== true) {
    const accepted = [
      ...(device.ip === undefined ? [] : [`${device.ip} (site)`]),
      ...(known === undefined || known.ip === device.ip ? [] : [`${known.ip} (${known.source === 'moved' ? 'moved there by an operator' : 'last verified'})`]),
    ];
    const addresses = [device.ip, known?.ip];
    if (accepted.length > 0 && !addresses.includes(lease.ip)) reasons.push(`address ${lease.ip} is not ${device.hostname}'s: ${accepted.join(', ')}`);
    if (device.mac === undefined && known?.mac !== undefined && known.mac !== lease.mac) {
      reasons.push(`MAC ${lease.mac} is not the one ${device.hostname} was last verified with (${known.mac})`);
    }
  }
  return reasons.length === 0 ? { kind: 'ok' } : { kind: 'mismatch', reasons };
}
