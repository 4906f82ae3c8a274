import { stateOf } from '../onboard/device-state.js';
import type { ExpectedDevice } from '../inventory/inventory.js';
import type { DeviceStatus } from '../onboard/status.js';
import type { DeviceSample } from './source.js';

/**
 * One sample per device: with the site files at hand, every device they
 * expect (those never seen are `waiting`); without, every device the status
 * file names under a site. A factory switch's `Switch <mac>` entry is left
 * out: once provisioned it is the device it became, and until then it is
 * no device a site expects.
 */
export function deviceSamples(expected: readonly ExpectedDevice[] | undefined, statuses: Iterable<DeviceStatus>): DeviceSample[] {
  if (expected === undefined) {
    const samples: DeviceSample[] = [];
    for (const status of statuses) {
      if (status.site === undefined || status.device.startsWith('Switch ')) continue;
      samples.push(sampleOf({ site: status.site, device: status.device, profile: '' }, status));
    }
    return samples;
  }
  const byName = new Map<string, DeviceStatus>();
  for (const status of statuses) byName.set(status.device.toLowerCase(), status);
  return expected.map((device) => sampleOf(device, byName.get(device.device.toLowerCase())));
}

function sampleOf(device: ExpectedDevice, status: DeviceStatus | undefined): DeviceSample {
  if (status === undefined) return { ...device, state: 'waiting' };
  const sample: DeviceSample = { ...device, state: stateOf(status) };
  if (status.checkedAt !== undefined) sample.lastCheckSuccess = status.checkedAt;
  return sample;
}
