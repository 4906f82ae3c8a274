import { Events } from '../log/index.js';
import type { DeviceStatus } from './status.js';

/**
 * Where a device stands, in the words an engineer at the rack uses: the
 * console's port map and the `onramp_device_state` metric speak these.
 * `waiting`: expected, never seen; `leased`: seen, no verdict yet;
 * `identified`: a factory switch recognised as this port map entry;
 * `provisioning`: work under way (only a running appliance knows it);
 * `refused`: a plan the guard rails stopped, or a host key that did not match;
 * `parked`: a factory switch the port map did not identify, in its parking
 * config until an operator assigns it.
 */
export const DEVICE_STATES = ['waiting', 'leased', 'identified', 'provisioning', 'provisioned', 'ok', 'drift', 'failed', 'refused', 'parked'] as const;

export type DeviceState = (typeof DEVICE_STATES)[number];

/**
 * The state a newly recorded outcome leaves the device in. A backup says
 * nothing about compliance, so one that worked keeps the state the device
 * had; one that failed means the device cannot be worked on, as any failure.
 */
export function stateAfter(previous: DeviceState | undefined, status: DeviceStatus): DeviceState {
  if (status.lastEvent === Events.planRefused || status.lastEvent === Events.hostkeyChanged) return 'refused';
  switch (status.result) {
    case 'ok':
    case 'remediated':
      return status.action === 'backup' ? (previous ?? 'leased') : 'ok';
    case 'drift':
      return 'drift';
    // A saved version pushed back (restored) is, like a provisioning, the config onramp was asked to make it.
    case 'provisioned':
    case 'restored':
      return 'provisioned';
    case 'parked':
      return 'parked';
    case 'failed':
    case 'unreachable':
      return 'failed';
    case 'skipped':
      if (status.lastEvent === Events.identityFound) return 'identified';
      if (status.lastEvent === Events.identityMismatch) return previous ?? 'refused';
      return previous ?? 'leased';
  }
}

/** The recorded state of a device; status files written before states were recorded get it from their last outcome. */
export function stateOf(status: DeviceStatus): DeviceState {
  return status.state ?? stateAfter(undefined, status);
}
