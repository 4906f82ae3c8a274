import { diffConfigs, maskSecrets, normaliseConfig, type ConfigDiff } from '../config/index.js';
import type { Profile } from '../device/index.js';

/**
 * Lines starting with `!` configure nothing: separators, and on FSOS 1.x the
 * `!<stackingMac>…` metadata bound to the hardware. A template cannot know
 * them and the remediation plan ignores them, so the comparison does too.
 */
function withoutComments(text: string): string {
  return text.split('\n').filter((line) => !line.startsWith('!')).join('\n');
}

/**
 * Intended against running, both normalised. Equality counts every byte of
 * every configuring line (a changed password is drift); the unified text
 * shows secrets masked.
 */
export function compareConfigs(intended: string, running: string, profile: Profile, device: string): ConfigDiff {
  return diffConfigs(
    withoutComments(normaliseConfig(intended, profile)),
    withoutComments(normaliseConfig(running, profile)),
    { expected: `baseline/${device}`, actual: `running/${device}` },
    { mask: (text) => maskSecrets(text, profile) },
  );
}
