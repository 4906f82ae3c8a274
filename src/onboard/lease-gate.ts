import type { DeviceRef } from '../inventory/index.js';
import { Events, type Logger } from '../log/index.js';
import { locationFlags, type SharedStore } from '../state/index.js';
import { judgeLease, type LeaseSeen } from './lease-identity.js';
import type { StatusBook } from './status.js';
import type { VerifiedIdentities } from './verified-identities.js';

export interface LeaseGateDeps {
  identities: VerifiedIdentities;
  status: StatusBook;
  logger: Logger;
  store: SharedStore;
  sitesDir: string;
  now: () => number;
}

/**
 * In front of every lease that names a known device: nothing is sent unless
 * it may be that device (lease-identity.ts). A mismatch is logged as
 * device.identity.mismatch with the command that confirms a real move, and
 * noted beside the device's status; nothing else changes: no session, no
 * pin, no backup, no address or result.
 */
export class LeaseGate {
  /** `--sites`/`--state`/`--store` of the command the event tells the operator to run. */
  private readonly locationFlags: string;

  constructor(private readonly deps: LeaseGateDeps) {
    this.locationFlags = locationFlags({ state: deps.store.root, sites: deps.sitesDir, ...(deps.store.url === undefined ? {} : { store: deps.store.url }) });
  }

  async admits(ref: DeviceRef, lease: LeaseSeen): Promise<boolean> {
    const { device, site } = ref;
    const judgement = judgeLease(device, await this.deps.identities.get(device.hostname), lease);
    if (judgement.kind === 'ok') return true;
    const command = `onramp devices move ${device.hostname} --to ${lease.ip}${this.locationFlags}`;
    this.deps.logger.warn(
      { event: Events.identityMismatch, device: device.hostname, ip: lease.ip, mac: lease.mac, site: site.name, result: 'skipped', reasons: judgement.reasons, command },
      `lease of ${device.hostname} refused, nothing sent: ${judgement.reasons.join('; ')}. If the switch really moved there, run: ${command}`,
    );
    await this.deps.status.noteRefusedLease(device.hostname, site.name, {
      ip: lease.ip, mac: lease.mac, time: new Date(this.deps.now()).toISOString(), reasons: judgement.reasons,
    });
    return false;
  }
}
