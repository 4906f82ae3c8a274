import type { ComplianceFeature, ComplianceScope, IgnoredLine } from '../inventory/types.js';
import type { ConfigNode } from './tree.js';

/** What a config is compared as when a site names no features. */
export const WHOLE_CONFIG_FEATURE = 'config';

/** A site that names no features and ignores nothing compares every line. */
export function isWholeConfig(scope: ComplianceScope): boolean {
  return scope.features.length === 0 && scope.ignore.length === 0;
}

function startsWithAny(text: string, starts: readonly string[]): boolean {
  return starts.some((start) => text.startsWith(start));
}

/** The feature a top-level line belongs to: the first whose line starts it begins with. */
export function featureOf(node: ConfigNode, features: readonly ComplianceFeature[]): ComplianceFeature | undefined {
  return features.find((feature) => startsWithAny(node.text, feature.match));
}

/** `ignored` of length k matches nodes at depth k-1 whose own line and each opener above start with its parts. */
function withoutIgnored(nodes: readonly ConfigNode[], ignore: readonly IgnoredLine[], depth: number): ConfigNode[] {
  const here = ignore.filter((line) => line.length > depth);
  return nodes
    .filter((node) => !here.some((line) => line.length === depth + 1 && node.text.startsWith(line[depth] ?? '')))
    .map((node) => {
      const deeper = here.filter((line) => line.length > depth + 1 && node.text.startsWith(line[depth] ?? ''));
      return deeper.length === 0 ? node : { text: node.text, children: withoutIgnored(node.children, deeper, depth + 1) };
    });
}

/**
 * The part of a config the site compares: the top-level lines of its
 * features (all of them when it names none), without the ignored lines.
 */
export function scopeTree(nodes: readonly ConfigNode[], scope: ComplianceScope): ConfigNode[] {
  const inFeatures = scope.features.length === 0 ? nodes : nodes.filter((node) => featureOf(node, scope.features) !== undefined);
  return withoutIgnored(inFeatures, scope.ignore, 0);
}

/** The lines of one feature (the whole scoped config when the site names none). */
export function featureTree(nodes: readonly ConfigNode[], feature: string, scope: ComplianceScope): ConfigNode[] {
  if (scope.features.length === 0) return [...nodes];
  return nodes.filter((node) => featureOf(node, scope.features)?.name === feature);
}

/** The names the compliance report lists, in the site's order. */
export function featureNames(scope: ComplianceScope): string[] {
  return scope.features.length === 0 ? [WHOLE_CONFIG_FEATURE] : scope.features.map((feature) => feature.name);
}
