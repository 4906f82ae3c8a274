import { diffConfigs, maskSecrets, normaliseConfig, parseConfigTree, renderConfigTree, sameConfig, type ConfigDiff } from '../config/index.js';
import type { Profile } from '../device/index.js';
import { managedTrees } from './plan/index.js';

/**
 * Intended against running, as the planner sees them: comments, volatile
 * lines and section ends ignored, sibling order ignored outside ordered
 * sections, and what the plan leaves alone (a port or a default line the
 * intended config does not mention) left out. Equality counts every byte of
 * every configuring line (a changed password is drift); the unified text
 * shows both trees rendered, secrets masked.
 */
export function compareConfigs(intended: string, running: string, profile: Profile, device: string): ConfigDiff {
  const trees = managedTrees(
    parseConfigTree(normaliseConfig(intended, profile), profile.tree),
    parseConfigTree(normaliseConfig(running, profile), profile.tree),
    profile.remediation,
  );
  if (sameConfig(trees.intended, trees.running, profile.tree)) return { equal: true, unified: '', added: 0, removed: 0 };
  return diffConfigs(
    renderConfigTree(trees.intended),
    renderConfigTree(trees.running),
    { expected: `baseline/${device}`, actual: `running/${device}` },
    { mask: (text) => maskSecrets(text, profile) },
  );
}
