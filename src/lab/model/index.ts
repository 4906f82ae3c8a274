export { applyConfigCommands, type AppliedCommands } from './apply-commands.js';
export { applyConfigLine } from './apply.js';
export type { ConfigOutcome } from './outcome.js';
export type { FamilyGrammar } from './family.js';
export { renderBody } from './render.js';
export { RunningConfig } from './running-config.js';
export type { Frame } from './sections.js';
export { loginAccepted, usernameLines, type FactoryAccount } from './logins.js';
