import { parseDhcpLine, type DhcpParseOptions } from '../dhcp/index.js';
import { FieldError } from './errors.js';
import { translatePerlRegex } from './perl-regex.js';
import { requiredLiterals } from './required-literals.js';
import { LeaseVars, MapVars, NO_VARS, RegexVars, type MatchVars } from './match-vars.js';
import { substSpecialChars, type MatchCache } from './substitute.js';

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

function regexVars(p: Pattern, m: RegExpExecArray, text: string, window: InputWindow, intContext: string | undefined): RegexVars {
  return new RegexVars(p, m, text, inputSource(p, window), intContext);
}

/** $+{_inputsrc}: the input of the line, or of each line a multi-line pattern saw. */
function inputSource(p: Pattern, window: InputWindow): string {
  return p.lines === 1 ? (window.source ?? 'synthetic') : window.sources(p.lines);
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
      if (p.varmap !== undefined) for (const name of p.varmap.cacheAs) cache.set(name, vars);
      return vars;
    }
    case 'nregexp': {
      const text = p.lines === 1 ? window.line : window.joined(p.lines);
      if (containsAll(text, p.literals) && (p.regex as RegExp).test(text)) return null;
      return new MapVars(
        new Map([
          ['0', text],
          ['_inputsrc', inputSource(p, window)],
          ['_intcontext', intContext],
        ]),
      );
    }
    case 'substr': {
      const text = p.lines === 1 ? window.line : window.joined(p.lines);
      return text.includes(p.text) ? NO_VARS : null;
    }
    case 'nsubstr': {
      const text = p.lines === 1 ? window.line : window.joined(p.lines);
      return text.includes(p.text) ? null : NO_VARS;
    }
    case 'cached': {
      return cache.get(p.text) ?? null;
    }
    case 'ncached':
      return cache.has(p.text) ? null : NO_VARS;
    case 'tvalue':
      return p.truth ? NO_VARS : null;
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
  const vars = new LeaseVars(regexVars(p, m, host, window, intContext), line, {
    ip: lease.ip,
    mac: lease.mac,
    host,
    via: lease.via ?? '',
    server: lease.server,
    circuit: lease.circuitId ?? '',
    remote: lease.remoteId ?? '',
  });
  if (p.varmap !== undefined) for (const name of p.varmap.cacheAs) cache.set(name, vars);
  return vars;
}

