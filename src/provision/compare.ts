import { diffConfigs, maskSecrets, normaliseConfig, type ConfigDiff } from '../config/index.js';
import type { Profile } from '../device/index.js';

/**
 * Intended against running, both normalised. Equality counts every byte
 * (a changed password is drift); the unified text shows secrets masked.
 */
export function compareConfigs(intended: string, running: string, profile: Profile, device: string): ConfigDiff {
  return diffConfigs(
    normaliseConfig(intended, profile),
    normaliseConfig(running, profile),
    { expected: `baseline/${device}`, actual: `running/${device}` },
    { mask: (text) => maskSecrets(text, profile) },
  );
}
