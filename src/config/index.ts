export { normaliseConfig } from './normalise.js';
export { maskSecrets } from './mask.js';
export { diffConfigs, type ConfigDiff, type DiffOptions } from './diff.js';
export { parseConfigTree, renderConfigTree, sameConfig, COMMON_TREE_SYNTAX, type ConfigNode, type TreeSyntax } from './tree.js';
export { intendedProblems, type IntendedExpectations, type IntendedProblem } from './intended.js';
export { configProblems, type ConfigProblem } from './check.js';
export { featureNames, featureOf, featureTree, isWholeConfig, scopeTree, WHOLE_CONFIG_FEATURE } from './compliance.js';
