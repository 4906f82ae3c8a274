import { parseDhcpLine, type DhcpParseOptions } from '../dhcp/index.js';
import { FieldError } from './errors.js';
import { translatePerlRegex } from './perl-regex.js';
import { requiredLiterals } from './required-literals.js';
import { substSpecialChars, type MatchCache, type MatchVars } from './substitute.js';

export type PatternKind = 'regexp' | 'nregexp' | 'substr' | 'nsubstr' | 'cached' | 'ncached' | 'tvalue' | 'dhcp';

export interface Pattern {
  kind: PatternKind;
  /** How many of the last input lines the pattern looks at (RegExp3 → 3). */
  lines: number;
  text: string;
  regex: RegExp | undefined;
  /** Strings every match of `regex` contains: lines without one of them are not worth running it on. */
  literals: string[];
  groupIndex: number[];
  names: string[];
  truth: boolean;
  varmap: VarMap | undefined;
}

export interface VarMap {
  /** Named match variables taken from numbered groups. */
  names: [string, number][];
  /** Pattern-match cache entries the match is stored under. */
  cacheAs: string[];
}

/** The last lines of input, newest last, as the patterns see them. */
export interface InputWindow {
  line: string;
  source: string | undefined;
  joined(lines: number): string;
  sources(lines: number): string;
}

const EMPTY: MatchVars = new Map();

export function compileRegex(text: string, caseInsensitive = false): { regex: RegExp; literals: string[]; groupIndex: number[]; names: string[] } {
  const t = translatePerlRegex(text);
  const flags = caseInsensitive && !t.flags.includes('i') ? `${t.flags}i` : t.flags;
  return { regex: new RegExp(t.source, flags), literals: requiredLiterals(t.source, flags), groupIndex: t.groupIndex, names: t.names };
}

function containsAll(text: string, literals: string[]): boolean {
  for (const literal of literals) if (!text.includes(literal)) return false;
  return true;
}

export function compilePattern(ptype: string, text: string): Pattern {
  const base: Pattern = { kind: 'regexp', lines: 1, text, regex: undefined, literals: [], groupIndex: [0], names: [], truth: false, varmap: undefined };
  let m: RegExpExecArray | null;
  if ((m = /^(n?)regexp(?:0*([1-9][0-9]*))?$/i.exec(ptype))) {
    const compiled = compileRegex(text);
    return { ...base, kind: m[1] === '' ? 'regexp' : 'nregexp', lines: Number(m[2] ?? 1), ...compiled };
  }
  if ((m = /^(n?)substr(?:0*([1-9][0-9]*))?$/i.exec(ptype))) {
    return { ...base, kind: m[1] === '' ? 'substr' : 'nsubstr', lines: Number(m[2] ?? 1), text: substSpecialChars(text) };
  }
  if (/^n?perlfunc\d*$/i.test(ptype)) {
    throw new FieldError(`pattern type '${ptype}' runs Perl code, which onramp cannot run (hint: use RegExp, or ptype=DHCP for lease lines)`);
  }
  if ((m = /^(n?)cached$/i.exec(ptype))) {
    if (!/^[A-Za-z]\w*$/.test(text)) {
      throw new FieldError(`invalid cached pattern name '${text}': expected <letter>[<letter>|<digit>|<underscore>]...`);
    }
    return { ...base, kind: m[1] === '' ? 'cached' : 'ncached' };
  }
  if (/^tvalue$/i.test(ptype)) {
    const upper = text.toUpperCase();
    if (upper !== 'TRUE' && upper !== 'FALSE') throw new FieldError(`invalid truth value '${text}': expected TRUE or FALSE`);
    return { ...base, kind: 'tvalue', truth: upper === 'TRUE' };
  }
  if (/^dhcp$/i.test(ptype)) {
    return { ...base, kind: 'dhcp', ...compileRegex(text, true) };
  }
  throw patternTypeError(ptype);
}

const PATTERN_TYPE = /^(?:n?regexp\d*|n?substr\d*|n?perlfunc\d*|n?cached|tvalue|dhcp)$/i;

/** Checks a ptype on its own, so that a misspelt one is reported on its own line. */
export function assertPatternType(ptype: string): void {
  if (!PATTERN_TYPE.test(ptype)) throw patternTypeError(ptype);
}

function patternTypeError(ptype: string): FieldError {
  return new FieldError(`invalid pattern type '${ptype}' (expected RegExp[N], SubStr[N], NRegExp[N], NSubStr[N], Cached, NCached, TValue or DHCP)`);
}

export function parseVarMap(text: string): VarMap {
  const names: [string, number][] = [];
  const cacheAs: string[] = [];
  for (const part of text.split(';')) {
    const entry = part.trim();
    if (entry === '') continue;
    const m = /^([A-Za-z]\w*)(?:\s*=\s*(\d+))?$/.exec(entry);
    if (m === null) throw new FieldError(`invalid varmap entry '${entry}': expected NAME or NAME=NUMBER`);
    if (m[2] === undefined) cacheAs.push(m[1] ?? '');
    else names.push([m[1] ?? '', Number(m[2])]);
  }
  return { names, cacheAs };
}

/** "1", "2", …: the keys of numbered groups, made once rather than for every match. */
const GROUP_KEYS = Array.from({ length: 100 }, (_, n) => String(n));

function groupKey(n: number): string {
  return GROUP_KEYS[n] ?? String(n);
}

function regexVars(p: Pattern, m: RegExpExecArray, text: string, window: InputWindow, intContext: string | undefined): MatchVars {
  const vars: MatchVars = new Map();
  const groups = m.groups;
  if (groups !== undefined) {
    for (const name of p.names) vars.set(name, groups[name]);
  }
  const count = p.groupIndex.length - 1;
  if (count === 0) {
    // Perl's list-context match without groups returns (1), so SEC's $1 is "1".
    vars.set('1', '1');
  } else {
    for (let n = 1; n <= count; n++) vars.set(groupKey(n), m[p.groupIndex[n] ?? 0]);
  }
  vars.set('0', text);
  vars.set('_inputsrc', p.lines === 1 ? (window.source ?? 'synthetic') : window.sources(p.lines));
  vars.set('_intcontext', intContext);
  if (p.varmap !== undefined) {
    for (const [name, n] of p.varmap.names) vars.set(name, n <= count ? vars.get(groupKey(n)) : undefined);
  }
  return vars;
}

/** Matches one pattern; the result is the match variables (possibly empty) or null when it does not match. */
export function matchPattern(
  p: Pattern,
  window: InputWindow,
  cache: MatchCache,
  intContext: string | undefined,
  dhcp?: DhcpParseOptions,
): MatchVars | null {
  switch (p.kind) {
    case 'regexp': {
      const text = p.lines === 1 ? window.line : window.joined(p.lines);
      if (!containsAll(text, p.literals)) return null;
      const m = (p.regex as RegExp).exec(text);
      if (m === null) return null;
      const vars = regexVars(p, m, text, window, intContext);
      if (p.varmap !== undefined) for (const name of p.varmap.cacheAs) cache.set(name, new Map(vars));
      return vars;
    }
    case 'nregexp': {
      const text = p.lines === 1 ? window.line : window.joined(p.lines);
      if (containsAll(text, p.literals) && (p.regex as RegExp).test(text)) return null;
      const source = p.lines === 1 ? (window.source ?? 'synthetic') : window.sources(p.lines);
      return new Map([
        ['0', text],
        ['_inputsrc', source],
        ['_intcontext', intContext],
      ]);
    }
    case 'substr': {
      const text = p.lines === 1 ? window.line : window.joined(p.lines);
      return text.includes(p.text) ? EMPTY : null;
    }
    case 'nsubstr': {
      const text = p.lines === 1 ? window.line : window.joined(p.lines);
      return text.includes(p.text) ? null : EMPTY;
    }
    case 'cached': {
      const hit = cache.get(p.text);
      return hit === undefined ? null : new Map(hit);
    }
    case 'ncached':
      return cache.has(p.text) ? null : EMPTY;
    case 'tvalue':
      return p.truth ? EMPTY : null;
    case 'dhcp':
      return matchDhcp(p, window, cache, intContext, dhcp);
  }
}

function matchDhcp(p: Pattern, window: InputWindow, cache: MatchCache, intContext: string | undefined, dhcp: DhcpParseOptions | undefined): MatchVars | null {
  const line = window.line;
  // parseDhcpLine is cheap on lines without a lease marker, but skip the call entirely.
  if (!line.includes('DHCPACK') && !line.includes('DHCP4_LEASE_')) return null;
  const lease = parseDhcpLine(line, dhcp);
  if (lease === null) return null;
  const host = lease.host ?? '';
  const m = (p.regex as RegExp).exec(host);
  if (m === null) return null;
  const vars = regexVars(p, m, host, window, intContext);
  vars.set('0', line);
  vars.set('ip', lease.ip);
  vars.set('mac', lease.mac);
  vars.set('host', host);
  vars.set('via', lease.via ?? '');
  vars.set('server', lease.server);
  vars.set('circuit', lease.circuitId ?? '');
  vars.set('remote', lease.remoteId ?? '');
  if (p.varmap !== undefined) for (const name of p.varmap.cacheAs) cache.set(name, new Map(vars));
  return vars;
}

