import {
  featureNames, featureTree, isWholeConfig, normaliseConfig, parseConfigTree, renderConfigTree, sameConfig, scopeTree, type ConfigDiff,
} from '../config/index.js';
import type { Profile } from '../device/index.js';
import type { ComplianceScope } from '../inventory/index.js';
import { compareConfigs } from './compare.js';
import { managedTrees } from './plan/index.js';

/** One compliance feature of a device: whether its lines match the intended ones. */
export interface FeatureCompliance {
  name: string;
  compliant: boolean;
}

export interface ComplianceReport {
  /** Intended against running, both scoped to the site's features and ignores. */
  diff: ConfigDiff;
  features: FeatureCompliance[];
}

/** The part of a config the site compares, as text the planner and the diff read. Unchanged when the site compares everything. */
export function scopeConfig(text: string, profile: Profile, scope: ComplianceScope): string {
  if (isWholeConfig(scope)) return text;
  return renderConfigTree(scopeTree(parseConfigTree(normaliseConfig(text, profile), profile.tree), scope));
}

/**
 * Intended against running as Golden Config compares them: only the site's
 * features (`compliance.sections`, everything when it names none), without
 * the ignored lines, each feature reported compliant or not.
 */
export function checkCompliance(intended: string, running: string, profile: Profile, device: string, scope: ComplianceScope): ComplianceReport {
  const scopedIntended = scopeConfig(intended, profile, scope);
  const scopedRunning = scopeConfig(running, profile, scope);
  const diff = compareConfigs(scopedIntended, scopedRunning, profile, device);
  if (diff.equal) return { diff, features: featureNames(scope).map((name) => ({ name, compliant: true })) };
  // What the plan leaves alone (ports, defaults the intended config does not mention) is not a feature's drift either.
  const trees = managedTrees(
    parseConfigTree(normaliseConfig(scopedIntended, profile), profile.tree),
    parseConfigTree(normaliseConfig(scopedRunning, profile), profile.tree),
    profile.remediation,
  );
  const features = featureNames(scope).map((name) => ({
    name,
    compliant: sameConfig(featureTree(trees.intended, name, scope), featureTree(trees.running, name, scope), profile.tree),
  }));
  return { diff, features };
}
