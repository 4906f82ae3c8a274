export { createMetrics, type Metrics } from './registry.js';
export { applianceSource, type ApplianceParts, type OnboarderView } from './appliance-source.js';
export { stateDirSource, type StateDirSourceOptions } from './state-source.js';
export { deviceSamples } from './devices.js';
export type { DeviceSample, InputLineCount, MetricsSource, RuleMatchCount } from './source.js';
