import { listHasNatives, parseActionList, type ActionList } from './actions/parse.js';
import { parseCalendar } from './calendar.js';
import { planCommand } from './command.js';
import { parseContextCondition, type ContextCondition } from './context-expr.js';
import { FieldError, RuleLoadError } from './errors.js';
import { parseRuleText, type RawRule } from './parser.js';
import { assertPatternType, compilePattern, parseVarMap, type Pattern } from './pattern.js';
import type { Rule, RuleFile } from './rule.js';
import { eventGroupKeywords, KEYWORDS, TYPE_NAMES } from './rule-keywords.js';
import { hasMatchVars } from './substitute.js';

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

/** Turns a rule file's raw rules into Rules, each problem located at its file and line. */
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
