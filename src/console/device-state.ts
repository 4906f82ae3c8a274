import { Events } from '../log/index.js';
import type { DeviceStatus } from '../onboard/index.js';
import type { JournalEntry } from '../journal/index.js';

/** Where a device stands, as the site page shows it (PRODUCT.md "Console"). */
export const DEVICE_STATES = ['waiting', 'leased', 'identified', 'provisioning', 'provisioned', 'ok', 'drift', 'failed', 'refused', 'unknown'] as const;
export type DeviceState = (typeof DEVICE_STATES)[number];

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
    case 'unknown':
      return 'unknown';
  }
}

/** Events after which a device is held back by a safety check rather than broken: a person must look. */
const REFUSALS: ReadonlySet<string> = new Set([Events.planRefused, Events.hostkeyChanged, Events.identityMismatch]);
const FAILURES: ReadonlySet<string> = new Set([
  Events.checkFailed, Events.provisionFailed, Events.unreachable, Events.identityUnknown, Events.identityAmbiguous, Events.identityConflict,
]);

/** The state an event puts its device in; undefined for an event that does not move it. */
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
    default:
      return undefined;
  }
}

/** The state a status record says, for a device the journal has nothing newer about. */
export function stateOfStatus(status: DeviceStatus): DeviceState {
  if (REFUSALS.has(status.lastEvent)) return 'refused';
  switch (status.result) {
    case 'ok':
    case 'remediated':
      return 'ok';
    case 'provisioned':
      return 'provisioned';
    case 'drift':
      return 'drift';
    case 'failed':
    case 'unreachable':
      return 'failed';
    case 'skipped':
      return 'unknown';
  }
}
