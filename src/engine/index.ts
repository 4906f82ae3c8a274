export { RuleLoadError } from './errors.js';
export { Engine, type EngineOptions, type NativeActionSink } from './engine.js';
export { loadRules, compileRuleText, RuleSet, type RuleFileSummary, type Rule, type RuleFile } from './rules.js';
export { runEngineOnFiles, forEachLine, type RunFilesOptions, type RunFilesResult } from './run.js';
export { translatePerlRegex, type TranslatedRegex } from './perl-regex.js';
