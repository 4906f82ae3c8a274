import { stat } from 'node:fs/promises';
import type { ExpectedDevice } from '../inventory/inventory.js';
import { readStatus, type DeviceStatus } from '../onboard/status.js';
import type { SharedStore, StateStore } from '../state/index.js';
import { deviceSamples } from './devices.js';
import type { MetricsSource } from './source.js';

export interface StateDirSourceOptions {
  state: StateStore;
  /** A shared database, when the status is there rather than in the state directory. */
  store?: SharedStore;
  /** The devices the site files expect, when they are at hand: those never seen are `waiting`. */
  expected?: () => readonly ExpectedDevice[];
}

/**
 * A console reading the state another process writes: device states and
 * check times from its status file (read again only when it changed) or
 * from the shared database.
 */
export function stateDirSource(options: StateDirSourceOptions): MetricsSource {
  const { store } = options;
  // A database is asked at each scrape; a status file is parsed again only when it changed.
  const statuses = store?.url === undefined ? cachedStatuses(options.state) : () => readStatus(store);
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
