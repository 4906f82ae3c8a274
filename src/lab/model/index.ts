export { applyConfigCommands, type AppliedCommands } from './apply-commands.js';
export { applyConfigLine, type ConfigOutcome } from './apply.js';
export type { FamilyGrammar } from './family.js';
export { renderBody } from './render.js';
export { RunningConfig } from './running-config.js';
export type { DeviceFamily, Frame } from './sections.js';
