import { readFile } from 'node:fs/promises';
import { expandGlobs } from './glob.js';
import { listHasNatives, parseActionList, type ActionList } from './actions/parse.js';
import { parseContextCondition, type ContextCondition } from './context-expr.js';
import { FieldError, RuleLoadError } from './errors.js';
import { parseRuleText, type RawRule } from './parser.js';
import { assertPatternType, compilePattern, parseVarMap, type Pattern } from './pattern.js';
import { parseCalendar, type CalendarSpec } from './calendar.js';
import { hasMatchVars } from './substitute.js';
import { planCommand, type CommandPlan } from './command.js';

export type RuleType =
  | 'Single' | 'SingleWithScript' | 'SingleWithSuppress' | 'Pair' | 'PairWithWindow' | 'SingleWithThreshold'
  | 'SingleWith2Thresholds' | 'EventGroup' | 'Suppress' | 'Calendar' | 'Jump' | 'Options';

export interface EventGroupMember {
  pattern: Pattern;
  context: ContextCondition | undefined;
  next: number;
  count: ActionList;
  thresh: number;
  /** What this member adds to the event group string egpattern is matched against (egtokenN; default N). */
  egToken: string;
}

export interface Rule {
  type: RuleType;
  id: number;
  file: string;
  line: number;
  next: number;
  next2: number;
  pattern: Pattern | undefined;
  pattern2: Pattern | undefined;
  context: ContextCondition | undefined;
  context2: ContextCondition | undefined;
  desc: string;
  desc2: string;
  action: ActionList;
  action2: ActionList;
  window: number;
  window2: number;
  thresh: number;
  thresh2: number;
  script: CommandPlan | undefined;
  cfset: string[];
  constset: boolean;
  calendar: CalendarSpec | undefined;
  members: EventGroupMember[];
  egPattern: Pattern | undefined;
  init: ActionList;
  slide: ActionList;
  end: ActionList;
  multact: boolean;
}

export interface RuleFile {
  file: string;
  rules: Rule[];
  /** `Options` rule: procallin=no means the file only sees events from Jump rules. */
  jumpOnly: boolean;
  cfsets: string[];
}

export interface RuleFileSummary {
  file: string;
  count: number;
}

const KEYWORDS: Record<string, Record<string, boolean>> = {
  SINGLE: { type: true, continue: false, ptype: true, pattern: true, varmap: false, context: false, desc: true, action: true },
  SINGLEWITHSCRIPT: {
    type: true, continue: false, ptype: true, pattern: true, varmap: false, context: false, script: true, shell: false,
    desc: true, action: true, action2: false,
  },
  SINGLEWITHSUPPRESS: {
    type: true, continue: false, ptype: true, pattern: true, varmap: false, context: false, desc: true, action: true, window: true,
  },
  PAIR: {
    type: true, continue: false, ptype: true, pattern: true, varmap: false, context: false, desc: true, action: true,
    continue2: false, ptype2: true, pattern2: true, varmap2: false, context2: false, desc2: true, action2: true, window: false,
  },
  PAIRWITHWINDOW: {
    type: true, continue: false, ptype: true, pattern: true, varmap: false, context: false, desc: true, action: true,
    continue2: false, ptype2: true, pattern2: true, varmap2: false, context2: false, desc2: true, action2: true, window: true,
  },
  SINGLEWITHTHRESHOLD: {
    type: true, continue: false, ptype: true, pattern: true, varmap: false, context: false, desc: true, action: true,
    action2: false, window: true, thresh: true,
  },
  SINGLEWITH2THRESHOLDS: {
    type: true, continue: false, ptype: true, pattern: true, varmap: false, context: false, desc: true, action: true,
    window: true, thresh: true, desc2: true, action2: true, window2: true, thresh2: true,
  },
  SUPPRESS: { type: true, ptype: true, pattern: true, varmap: false, context: false, desc: false },
  CALENDAR: { type: true, time: true, context: false, desc: true, action: true },
  JUMP: { type: true, continue: false, ptype: true, pattern: true, varmap: false, context: false, cfset: false, constset: false, desc: false },
  OPTIONS: { type: true, joincfset: false, procallin: false },
};

const TYPE_NAMES: Record<string, RuleType> = {
  SINGLE: 'Single', SINGLEWITHSCRIPT: 'SingleWithScript', SINGLEWITHSUPPRESS: 'SingleWithSuppress', PAIR: 'Pair',
  PAIRWITHWINDOW: 'PairWithWindow', SINGLEWITHTHRESHOLD: 'SingleWithThreshold', SINGLEWITH2THRESHOLDS: 'SingleWith2Thresholds',
  EVENTGROUP: 'EventGroup', SUPPRESS: 'Suppress', CALENDAR: 'Calendar', JUMP: 'Jump', OPTIONS: 'Options',
};

function volatileText(text: string, pairSecond: boolean): boolean {
  return hasMatchVars(text) || (pairSecond && hasMatchVars(text, '%'));
}

const EMPTY_LIST: ActionList = { actions: [], volatile: false, natives: false };

type Continue = { kind: 'takenext' } | { kind: 'dontcont' } | { kind: 'endmatch' } | { kind: 'goto'; label: string };

function parseContinue(value: string): Continue {
  const upper = value.toUpperCase();
  if (upper === 'TAKENEXT') return { kind: 'takenext' };
  if (upper === 'DONTCONT') return { kind: 'dontcont' };
  if (upper === 'ENDMATCH') return { kind: 'endmatch' };
  const m = /^goto\s+(.*\S)/is.exec(value);
  if (m !== null) return { kind: 'goto', label: m[1] ?? '' };
  throw new FieldError(`invalid continue value '${value}' (expected TakeNext, DontCont, EndMatch or GoTo LABEL)`);
}

function parseNumber(value: string, what: string, allowZero: boolean): number {
  if (!/^\s*\d+\s*$/.test(value)) throw new FieldError(`invalid ${what} '${value}': expected a whole number`);
  const n = Number(value);
  if (!allowZero && n === 0) throw new FieldError(`invalid ${what} '${value}': must be at least 1`);
  return n;
}

class RuleCompiler {
  private readonly continues = new Map<Rule, [Continue | undefined, Continue | undefined, (Continue | undefined)[]]>();

  constructor(private readonly file: string) {}

  field(raw: RawRule, key: string): string | undefined {
    return raw.fields.get(key)?.value;
  }

  /** Runs fn for a field and turns its FieldError into a located RuleLoadError. */
  at<T>(raw: RawRule, key: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof FieldError) {
        throw new RuleLoadError(this.file, raw.fields.get(key)?.line ?? raw.line, `${key}: ${err.message}`);
      }
      throw err;
    }
  }

  /** `pairSecond`: a Pair's action2 or context2, which also takes the first match's `%1`, `%%` (SEC's ActVolat2). */
  actions(raw: RawRule, key: string, id: number, pairSecond = false): ActionList {
    const text = this.field(raw, key);
    if (text === undefined) return EMPTY_LIST;
    return this.at(raw, key, () => {
      const actions = parseActionList(text, { ruleIndex: id, file: this.file });
      return { actions, volatile: volatileText(text, pairSecond), natives: listHasNatives(actions) };
    });
  }

  pattern(raw: RawRule, ptypeKey: string, patternKey: string, varmapKey: string, first?: Pattern): Pattern | undefined {
    const ptype = this.field(raw, ptypeKey);
    const text = this.field(raw, patternKey);
    if (ptype === undefined || text === undefined) return undefined;
    this.at(raw, ptypeKey, () => { assertPatternType(ptype); });
    const pattern = this.at(raw, patternKey, () => {
      try {
        return compilePattern(ptype, text);
      } catch (err) {
        // A second RegExp that takes the first match's values ($1, $+{name}) is a regex only once
        // they are in (SEC compiles it then): `$+{src}` alone is not one. The engine compiles it per match.
        const deferred = first !== undefined && !['tvalue', 'substr', 'nsubstr'].includes(first.kind) && /^n?regexp\d*$/i.test(ptype) && hasMatchVars(text);
        if (!deferred) throw err;
        return { ...compilePattern(ptype, '(?!)'), text };
      }
    });
    const varmap = this.field(raw, varmapKey);
    if (varmap !== undefined && (pattern.kind === 'regexp' || pattern.kind === 'dhcp')) {
      pattern.varmap = this.at(raw, varmapKey, () => parseVarMap(varmap));
    }
    return pattern;
  }

  context(raw: RawRule, key: string, pairSecond = false): ContextCondition | undefined {
    const text = this.field(raw, key);
    if (text === undefined) return undefined;
    return this.at(raw, key, () => parseContextCondition(text, (t) => volatileText(t, pairSecond)));
  }

  compile(raw: RawRule, id: number): Rule {
    const typeValue = this.field(raw, 'type');
    if (typeValue === undefined) throw new RuleLoadError(this.file, raw.line, "keyword 'type' missing");
    const upper = typeValue.toUpperCase();
    const eventGroup = /^EVENTGROUP(\d*)$/.exec(upper);
    const type = eventGroup !== null ? 'EventGroup' : TYPE_NAMES[upper];
    if (type === undefined) {
      throw new RuleLoadError(this.file, raw.fields.get('type')?.line ?? raw.line, `type: invalid rule type '${typeValue}'`);
    }
    const members = eventGroup !== null ? Number(eventGroup[1] === '' ? '1' : eventGroup[1]) : 0;
    if (eventGroup !== null && members < 1) throw new RuleLoadError(this.file, raw.line, `type: invalid rule type '${typeValue}'`);
    const keywords = eventGroup !== null ? eventGroupKeywords(members) : (KEYWORDS[upper] ?? {});
    for (const [key, required] of Object.entries(keywords)) {
      if (required && !raw.fields.has(key)) throw new RuleLoadError(this.file, raw.line, `keyword '${key}' missing (needed for ${type} rule)`);
    }
    for (const [key, value] of raw.fields) {
      if (!(key in keywords)) throw new RuleLoadError(this.file, value.line, `keyword '${key}' is not allowed for ${type} rule`);
    }

    const number = (key: string, allowZero: boolean): number => {
      const value = this.field(raw, key);
      return value === undefined ? 0 : this.at(raw, key, () => parseNumber(value, key, allowZero));
    };
    const cont = (key: string): Continue | undefined => {
      const value = this.field(raw, key);
      return value === undefined ? undefined : this.at(raw, key, () => parseContinue(value));
    };

    const first = this.pattern(raw, 'ptype', 'pattern', 'varmap');
    const isPair = type === 'Pair' || type === 'PairWithWindow';
    const rule: Rule = {
      type, id, file: this.file, line: raw.line, next: 0, next2: 0,
      pattern: first,
      pattern2: this.pattern(raw, 'ptype2', 'pattern2', 'varmap2', first),
      context: this.context(raw, 'context'),
      context2: this.context(raw, 'context2', isPair),
      desc: this.field(raw, 'desc') ?? '',
      desc2: this.field(raw, 'desc2') ?? '',
      action: this.actions(raw, 'action', id),
      action2: this.actions(raw, 'action2', id, isPair),
      window: number('window', type !== 'SingleWithSuppress' && type !== 'SingleWithThreshold' && type !== 'SingleWith2Thresholds' && type !== 'PairWithWindow' && type !== 'EventGroup'),
      window2: number('window2', false),
      thresh: number('thresh', false),
      thresh2: number('thresh2', true),
      script: undefined,
      cfset: (this.field(raw, 'cfset') ?? '').split(/\s+/).filter((s) => s !== ''),
      constset: (this.field(raw, 'constset') ?? 'yes').toLowerCase() !== 'no',
      calendar: undefined,
      members: [],
      egPattern: undefined,
      init: this.actions(raw, 'init', id),
      slide: this.actions(raw, 'slide', id),
      end: this.actions(raw, 'end', id),
      multact: (this.field(raw, 'multact') ?? 'no').toLowerCase() === 'yes',
    };
    if (type === 'Suppress' && rule.desc === '') rule.desc = '';
    const script = this.field(raw, 'script');
    if (script !== undefined) {
      const shell = (this.field(raw, 'shell') ?? 'yes').toLowerCase();
      if (shell !== 'yes' && shell !== 'no') {
        throw new RuleLoadError(this.file, raw.fields.get('shell')?.line ?? raw.line, `shell: invalid value '${shell}' (expected Yes or No)`);
      }
      rule.script = planCommand(script, shell === 'yes');
    }
    const time = this.field(raw, 'time');
    if (time !== undefined) rule.calendar = this.at(raw, 'time', () => parseCalendar(time));
    const memberConts: (Continue | undefined)[] = [];
    for (let k = 1; k <= members; k++) {
      const suffix = k === 1 ? '' : String(k);
      const pattern = this.pattern(raw, `ptype${suffix}`, `pattern${suffix}`, `varmap${suffix}`);
      if (pattern === undefined) throw new RuleLoadError(this.file, raw.line, `keyword 'pattern${suffix}' missing (needed for EventGroup rule)`);
      memberConts.push(cont(`continue${suffix}`));
      rule.members.push({
        pattern,
        context: this.context(raw, `context${suffix}`),
        next: 0,
        count: this.actions(raw, `count${suffix}`, id),
        thresh: raw.fields.has(`thresh${suffix}`) ? number(`thresh${suffix}`, false) : 1,
        egToken: this.field(raw, `egtoken${suffix}`) ?? String(k),
      });
      if (raw.fields.has(`egtoken${suffix}`) && !raw.fields.has('egpattern')) {
        throw new RuleLoadError(this.file, raw.line, `'egtoken${suffix}' keyword requires the 'egpattern' keyword`);
      }
    }
    const egptype = this.field(raw, 'egptype');
    const egpattern = this.field(raw, 'egpattern');
    if ((egptype === undefined) !== (egpattern === undefined)) {
      throw new RuleLoadError(this.file, raw.line, 'egptype and egpattern must be given together');
    }
    if (egptype !== undefined && egpattern !== undefined) {
      rule.egPattern = this.at(raw, 'egpattern', () => compilePattern(egptype, egpattern));
    }
    this.continues.set(rule, [cont('continue'), cont('continue2'), memberConts]);
    return rule;
  }

  /** SEC's resolve_labels: continue values become rule indexes; a missing or backward label means DontCont. */
  resolve(rules: Rule[], labels: Map<string, number>): void {
    const n = rules.length;
    const target = (c: Continue | undefined, i: number): number => {
      if (c === undefined || c.kind === 'dontcont') return n;
      if (c.kind === 'takenext') return i + 1;
      if (c.kind === 'endmatch') return -1;
      const id = labels.get(c.label);
      return id === undefined || id <= i ? n : id;
    };
    rules.forEach((rule, i) => {
      const [c1, c2, members] = this.continues.get(rule) ?? [undefined, undefined, []];
      rule.next = rule.type === 'Suppress' ? n : target(c1, i);
      rule.next2 = target(c2, i);
      rule.members.forEach((m, k) => {
        m.next = target(members[k], i);
      });
    });
  }
}

function eventGroupKeywords(n: number): Record<string, boolean> {
  const keywords: Record<string, boolean> = {
    type: true, desc: true, action: true, multact: false, init: false, slide: false, end: false, window: true, egptype: false, egpattern: false,
  };
  for (let k = 1; k <= n; k++) {
    const s = k === 1 ? '' : String(k);
    Object.assign(keywords, {
      [`continue${s}`]: false, [`ptype${s}`]: true, [`pattern${s}`]: true, [`varmap${s}`]: false, [`context${s}`]: false,
      [`count${s}`]: false, [`thresh${s}`]: false, [`egtoken${s}`]: false,
    });
  }
  return keywords;
}

function tooLongPatterns(ruleFile: RuleFile, bufferSize: number): RuleLoadError[] {
  return ruleFile.rules.flatMap((r) => {
    const longest = Math.max(...[r.pattern, r.pattern2, ...r.members.map((m) => m.pattern)].map((p) => p?.lines ?? 1));
    return longest > bufferSize
      ? [new RuleLoadError(ruleFile.file, r.line, `a pattern of this rule matches ${String(longest)} lines: --bufsize must be at least ${String(longest)}`)]
      : [];
  });
}

/** Compiles one rule file's text; every problem is collected, each as file:line: message. */
export function compileRuleText(text: string, file: string): { ruleFile: RuleFile; errors: RuleLoadError[] } {
  const parsed = parseRuleText(text, file);
  const errors = [...parsed.errors];
  const compiler = new RuleCompiler(file);
  const rules: Rule[] = [];
  const ruleFile: RuleFile = { file, rules, jumpOnly: false, cfsets: [] };
  for (const raw of parsed.rules) {
    try {
      const rule = compiler.compile(raw, rules.length);
      if (rule.type === 'Options') {
        const procallin = (raw.fields.get('procallin')?.value ?? 'yes').toLowerCase();
        ruleFile.jumpOnly = procallin === 'no';
        ruleFile.cfsets = (raw.fields.get('joincfset')?.value ?? '').split(/\s+/).filter((s) => s !== '');
        continue;
      }
      rules.push(rule);
    } catch (err) {
      if (err instanceof RuleLoadError) errors.push(err);
      else throw err;
    }
  }
  compiler.resolve(rules, parsed.labels);
  return { ruleFile, errors };
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

/**
 * Loads and compiles rule files (globs expand like SEC's --conf, sorted, each
 * file once). Files are read as bytes (latin1) like Perl reads them. Throws
 * the RuleLoadError when there is one problem, an AggregateError of them when
 * there are several.
 */
export interface LoadOptions {
  /** SEC's --bufsize: a pattern over more lines than are kept could never match, so it is an error. */
  bufferSize?: number;
}

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
