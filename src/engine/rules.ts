import { readFile } from 'node:fs/promises';
import { RuleLoadError } from './errors.js';
import { expandGlobs } from './glob.js';
import type { Pattern } from './pattern.js';
import type { RuleFile, RuleFileSummary } from './rule.js';
import { compileRuleText } from './rule-compiler.js';

export type { EventGroupMember, Rule, RuleFile, RuleFileSummary, RuleType } from './rule.js';
export { compileRuleText } from './rule-compiler.js';

function tooLongPatterns(ruleFile: RuleFile, bufferSize: number): RuleLoadError[] {
  return ruleFile.rules.flatMap((r) => {
    const longest = Math.max(...[r.pattern, r.pattern2, ...r.members.map((m) => m.pattern)].map((p) => p?.lines ?? 1));
    return longest > bufferSize
      ? [new RuleLoadError(ruleFile.file, r.line, `a pattern of this rule matches ${String(longest)} lines: --bufsize must be at least ${String(longest)}`)]
      : [];
  });
}

export class RuleSet {
  constructor(readonly files: RuleFile[]) {}

  summary(): RuleFileSummary[] {
    return this.files.map((f) => ({ file: f.file, count: f.rules.length }));
  }

  usesNativeActions(): boolean {
    return this.files.some((f) =>
      f.rules.some((r) => [r.action, r.action2, r.init, r.slide, r.end, ...r.members.map((m) => m.count)].some((l) => l.natives)),
    );
  }

  /** Longest multi-line pattern: how many input lines must be kept (SEC's --bufsize default). */
  bufferSize(): number {
    let size = 1;
    for (const p of this.patterns()) if (p.lines > size) size = p.lines;
    return size;
  }

  /** Whether any rule reads DHCP leases (`ptype=DHCP`). */
  usesDhcpPatterns(): boolean {
    return this.patterns().some((p) => p.kind === 'dhcp');
  }

  private patterns(): Pattern[] {
    return this.files.flatMap((f) =>
      f.rules.flatMap((r) => [r.pattern, r.pattern2, r.egPattern, ...r.members.map((m) => m.pattern)].filter((p): p is Pattern => p !== undefined)),
    );
  }
}

export interface LoadOptions {
  /** SEC's --bufsize: a pattern over more lines than are kept could never match, so it is an error. */
  bufferSize?: number;
}

/**
 * Loads and compiles rule files (globs expand like SEC's --conf, sorted, each
 * file once). Files are read as bytes (latin1) like Perl reads them. Throws
 * the RuleLoadError when there is one problem, an AggregateError of them when
 * there are several.
 */
export async function loadRules(globsOrFiles: string[], options: LoadOptions = {}): Promise<RuleSet> {
  const files = await expandGlobs(globsOrFiles);
  const ruleFiles: RuleFile[] = [];
  const errors: RuleLoadError[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'latin1');
    } catch (err) {
      errors.push(new RuleLoadError(file, 0, `cannot read rule file: ${err instanceof Error ? err.message : String(err)}`));
      continue;
    }
    const compiled = compileRuleText(text, file);
    errors.push(...compiled.errors);
    if (options.bufferSize !== undefined && options.bufferSize > 0) errors.push(...tooLongPatterns(compiled.ruleFile, options.bufferSize));
    ruleFiles.push(compiled.ruleFile);
  }
  if (errors.length === 1 && errors[0] !== undefined) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} errors in rule files`);
  return new RuleSet(ruleFiles);
}
