import { diffConfigs, maskSecrets, normaliseConfig, type ConfigDiff } from '../config/index.js';
import type { Profile } from '../device/index.js';
import { PERMANENT_BLOCK } from './plan.js';

/**
 * Lines starting with `!` configure nothing: separators, and on FSOS 1.x the
 * `!<stackingMac>…` metadata bound to the hardware. A template cannot know
 * them and the remediation plan ignores them, so the comparison does too.
 */
function withoutComments(text: string): string {
  return text.split('\n').filter((line) => !line.startsWith('!')).join('\n');
}

/**
 * A physical port with nothing configured is what a switch shows for every
 * unused port (and what remains after its lines are removed): not drift.
 */
function withoutEmptyPorts(text: string): string {
  const lines = text.split('\n');
  return lines.filter((line, index) => !(PERMANENT_BLOCK.test(line) && !/^\s/.test(lines[index + 1] ?? ''))).join('\n');
}

function significant(text: string, profile: Profile): string {
  return withoutEmptyPorts(withoutComments(normaliseConfig(text, profile)));
}

/**
 * Intended against running, both normalised. Equality counts every byte of
 * every configuring line (a changed password is drift); the unified text
 * shows secrets masked.
 */
export function compareConfigs(intended: string, running: string, profile: Profile, device: string): ConfigDiff {
  return diffConfigs(
    significant(intended, profile),
    significant(running, profile),
    { expected: `baseline/${device}`, actual: `running/${device}` },
    { mask: (text) => maskSecrets(text, profile) },
  );
}
