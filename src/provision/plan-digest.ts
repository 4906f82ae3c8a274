import { createHash } from 'node:crypto';
import { maskSecrets, normaliseConfig, parseConfigTree, renderConfigTree } from '../config/index.js';
import type { Profile } from '../device/index.js';
import type { ComplianceScope } from '../inventory/index.js';
import { scopeConfig } from './compliance.js';

/** A plan digest: 64 lower-case hex digits. */
export const PLAN_DIGEST_PATTERN = '^[0-9a-f]{64}$';

/**
 * What an operator confirms when they confirm a plan: its lines as they
 * were shown (secrets masked) and the running config it was planned from,
 * within the site's compliance scope and as its config tree reads it
 * (comments and volatile lines do not count). The same digest at push time
 * means the same lines would be typed, planned from the same config. Both
 * are taken masked, so the digest tells nothing of a secret: a secret
 * changed on the switch and nothing else leaves it as it was, and the push
 * types the site's secret whichever the switch had.
 */
export function planDigest(lines: readonly string[], running: string, profile: Profile, scope?: ComplianceScope): string {
  const scoped = scope === undefined ? running : scopeConfig(running, profile, scope);
  const tree = renderConfigTree(parseConfigTree(maskSecrets(normaliseConfig(scoped, profile), profile), profile.tree));
  const shown = lines.map((line) => maskSecrets(line, profile));
  return createHash('sha256').update(JSON.stringify({ lines: shown, running: tree })).digest('hex');
}
