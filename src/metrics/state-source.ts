import { stat } from 'node:fs/promises';
import type { ExpectedDevice } from '../inventory/inventory.js';
import { readStatus, type DeviceStatus } from '../onboard/status.js';
import type { StateStore } from '../state/index.js';
import { deviceSamples } from './devices.js';
import type { MetricsSource } from './source.js';

export interface StateDirSourceOptions {
  state: StateStore;
  /** The devices the site files expect, when they are at hand: those never seen are `waiting`. */
  expected?: () => readonly ExpectedDevice[];
}

/**
 * A console reading a state directory another process writes: device states
 * and check times from its status file, read again only when the file changed.
 */
export function stateDirSource(options: StateDirSourceOptions): MetricsSource {
  const statuses = cachedStatuses(options.state);
  return {
    async devices() {
      return deviceSamples(options.expected?.(), await statuses());
    },
  };
}

/** The status file's devices, parsed once per change of the file (its size or modification time). */
function cachedStatuses(state: StateStore): () => Promise<DeviceStatus[]> {
  let stamp: string | undefined;
  let cached: DeviceStatus[] = [];
  return async () => {
    const info = await stat(state.path('status.json')).catch(() => undefined);
    const now = info === undefined ? 'none' : `${String(info.size)}:${String(info.mtimeMs)}`;
    if (now !== stamp) {
      cached = info === undefined ? [] : await readStatus(state);
      stamp = now;
    }
    return cached;
  };
}
