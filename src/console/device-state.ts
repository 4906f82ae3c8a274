import { Events } from '../log/index.js';
import type { DeviceState } from '../onboard/index.js';
import type { JournalEntry } from '../journal/index.js';

export { DEVICE_STATES, stateOf, type DeviceState } from '../onboard/index.js';

/** The overview's buckets. */
export type StateBucket = 'ok' | 'drift' | 'provisioning' | 'failed' | 'unknown';

export function bucketOf(state: DeviceState): StateBucket {
  switch (state) {
    case 'ok':
    case 'provisioned':
      return 'ok';
    case 'drift':
      return 'drift';
    case 'leased':
    case 'identified':
    case 'provisioning':
      return 'provisioning';
    case 'failed':
    case 'refused':
      return 'failed';
    case 'waiting':
    case 'parked':
      return 'unknown';
  }
}

/** Events after which a device is held back by a safety check rather than broken: a person must look. */
const REFUSALS: ReadonlySet<string> = new Set([Events.planRefused, Events.hostkeyChanged, Events.identityMismatch, Events.outsideRange]);
const FAILURES: ReadonlySet<string> = new Set([
  Events.checkFailed, Events.provisionFailed, Events.unreachable, Events.identityUnknown, Events.identityAmbiguous, Events.identityConflict,
  Events.identityModelMismatch,
]);

/**
 * The state a journal event puts its device in, as soon as it is logged
 * (the status book records it when the job ends); undefined for an event
 * that does not move it.
 */
export function stateAfter(entry: JournalEntry): DeviceState | undefined {
  const { event, result } = entry;
  if (REFUSALS.has(event)) return entry.details?.dryRun === true ? undefined : 'refused';
  if (FAILURES.has(event)) return 'failed';
  switch (event) {
    case Events.dhcpAck:
    case Events.checkStart:
      return 'leased';
    case Events.identityFound:
      return result === 'ok' ? 'identified' : undefined;
    case Events.provisionStart:
      return 'provisioning';
    case Events.provisionDone:
      return result === 'remediated' ? 'ok' : 'provisioned';
    case Events.checkOk:
      return 'ok';
    case Events.checkDrift:
      return 'drift';
    case Events.parked:
      return result === 'parked' ? 'parked' : undefined;
    default:
      return undefined;
  }
}
