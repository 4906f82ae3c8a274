export { normaliseConfig } from './normalise.js';
export { maskSecrets } from './mask.js';
export { diffConfigs, type ConfigDiff, type DiffOptions } from './diff.js';
