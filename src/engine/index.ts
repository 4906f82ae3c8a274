/**
 * SEC-compatible rule engine.
 *
 * Strings are byte strings: input files and rule files are decoded as latin1
 * (one character per byte) and `write` encodes back as latin1, so any byte
 * sequence, invalid UTF-8 included, round-trips exactly as it does through
 * SEC's Perl, and Perl's byte-oriented regex classes (\s, \w, .) are
 * reproduced on them. Callers that hand lines to processLine() themselves
 * should decode the same way; runEngineOnFiles() does.
 */
export { RuleLoadError } from './errors.js';
export { Engine, type EngineOptions, type LeaseDetails, type NativeActionSink, type RuleMatches } from './engine.js';
export { loadRules, compileRuleText, RuleSet, type RuleFileSummary, type Rule, type RuleFile } from './rules.js';
export { runEngineOnFiles, forEachLine, readInputsInTurn, splitInputSpec, type RunFilesOptions } from './run.js';
export { translatePerlRegex, type TranslatedRegex } from './perl-regex.js';
