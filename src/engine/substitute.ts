import type { MatchVars } from './match-vars.js';

/**
 * SEC's two substitution passes. Match variables ($1, $+{name}) are put into
 * the rule's strings when the rule matches; action-list variables (%s, %t,
 * %name) when each action runs. Into a shell command line a value goes quoted
 * for the spot it lands in (bare, inside '…' or inside "…"), so event data
 * stays one word of data whatever it contains.
 */

/** Pattern-match cache (SEC's %pmatch_cache): varmap entries without a group number. */
export type MatchCache = Map<string, MatchVars>;

const MATCH_VAR = /\$(?:(\$)|(\d+)|\{(\d+)\}|\+\{([A-Za-z_][\w!]*|\d+)\}|:\{([A-Za-z]\w*):([A-Za-z_][\w!]*|\d+)\})/g;
/** Pair rules put the first match into desc2/action2 as %1, %+{name} (SEC's '%' token). */
const PERCENT_MATCH_VAR = /%(?:(%)|(\d+)|\{(\d+)\}|\+\{([A-Za-z_][\w!]*|\d+)\}|:\{([A-Za-z]\w*):([A-Za-z_][\w!]*|\d+)\})/g;
const ACTION_VAR = /%(?:(\.?[A-Za-z]\w*|%)|\{(\.?[A-Za-z]\w*)\})/g;

/**
 * Whether match substitution can change the text: a match variable or a
 * doubled token (`$$`, `%%`) is in it (SEC's contains_matchvars). Only such
 * strings are copied and substituted per match, as in SEC.
 */
export function hasMatchVars(text: string, token: '$' | '%' = '$'): boolean {
  if (!text.includes(token)) return false;
  const re = token === '$' ? MATCH_VAR : PERCENT_MATCH_VAR;
  re.lastIndex = 0;
  return re.test(text);
}

function matchValue(m: RegExpExecArray, vars: MatchVars, cache: MatchCache | undefined): string | undefined {
  if (m[1] !== undefined) return undefined;
  if (m[5] !== undefined) return cache?.get(m[5])?.get(m[6] ?? '') ?? '';
  return vars.get(m[2] ?? m[3] ?? m[4] ?? '') ?? '';
}

const MATCH_VAR_AT = new RegExp(MATCH_VAR.source, 'y');
const PERCENT_MATCH_VAR_AT = new RegExp(PERCENT_MATCH_VAR.source, 'y');

/** Replaces $N, ${N}, $+{name}, $:{entry:name} and $$ (SEC's subst_string); token '%' for a Pair's first match. */
export function substMatch(text: string, vars: MatchVars, cache?: MatchCache, token: '$' | '%' = '$'): string {
  return substituteMatch(text, vars, cache, token, false);
}

/**
 * substMatch for the text of an action, which the action-variable pass reads
 * next: each value goes in with its `%` doubled, so that pass turns it back
 * into the value rather than reading `%SYS` or `%s` in it as a variable
 * (SEC's subst_actionlist).
 */
export function substMatchInAction(text: string, vars: MatchVars, cache?: MatchCache, token: '$' | '%' = '$'): string {
  return substituteMatch(text, vars, cache, token, true);
}

function substituteMatch(text: string, vars: MatchVars, cache: MatchCache | undefined, token: '$' | '%', maskPercent: boolean): string {
  let i = text.indexOf(token);
  if (i < 0) return text;
  // Runs for every matched event: a sticky regex at each token, no replace() callback.
  const re = token === '$' ? MATCH_VAR_AT : PERCENT_MATCH_VAR_AT;
  let out = '';
  let last = 0;
  while (i >= 0) {
    // $1, $12: nearly every variable a rule uses, read without the regex.
    let end = i + 1;
    while (isDigit(text.charCodeAt(end))) end++;
    if (end > i + 1) {
      out += text.slice(last, i) + masked(vars.get(text.slice(i + 1, end)) ?? '', maskPercent);
      last = end;
      i = text.indexOf(token, last);
      continue;
    }
    re.lastIndex = i;
    const m = re.exec(text);
    if (m === null) {
      i = text.indexOf(token, i + 1);
      continue;
    }
    const value = matchValue(m, vars, cache);
    out += text.slice(last, i) + (value === undefined ? token : masked(value, maskPercent && !fromCache(m)));
    last = i + m[0].length;
    i = text.indexOf(token, last);
  }
  return out + text.slice(last);
}

/**
 * $:{entry:name} reads the match cache, whose values SEC's subst_actionlist
 * does not mask: a `%name` in them is read as a variable, as in SEC.
 */
function fromCache(m: RegExpExecArray): boolean {
  return m[5] !== undefined;
}

function masked(value: string, maskPercent: boolean): string {
  return maskPercent && value.includes('%') ? value.replaceAll('%', '%%') : value;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** Replaces action-list variables; `%%` becomes `%`, unknown names become ''. */
export function substAction(text: string, lookup: (name: string) => string | undefined): string {
  if (!text.includes('%')) return text;
  return text.replace(ACTION_VAR, (_m, plain: string | undefined, braced: string | undefined) => {
    const name = plain ?? braced ?? '';
    if (name === '%') return '%';
    return lookup(name) ?? '';
  });
}

type QuoteState = 'bare' | 'single' | 'double';

function advanceQuoteState(text: string, from: number, to: number, state: QuoteState): QuoteState {
  let s = state;
  for (let i = from; i < to; i++) {
    const ch = text[i];
    if (s === 'single') {
      if (ch === "'") s = 'bare';
    } else if (ch === '\\') {
      i++;
    } else if (s === 'double') {
      if (ch === '"') s = 'bare';
    } else if (ch === "'") {
      s = 'single';
    } else if (ch === '"') {
      s = 'double';
    }
  }
  return s;
}

export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

function quoteFor(state: QuoteState, value: string): string {
  if (state === 'single') return value.replaceAll("'", "'\\''");
  if (state === 'double') return value.replace(/[\\"$`]/g, '\\$&');
  return shellQuote(value);
}

function substQuoted(
  text: string,
  re: RegExp,
  value: (m: RegExpExecArray) => string | undefined,
  literal: (m: RegExpExecArray) => string,
  raw: (m: RegExpExecArray) => boolean = () => false,
): string {
  re.lastIndex = 0;
  let out = '';
  let last = 0;
  let state: QuoteState = 'bare';
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    state = advanceQuoteState(text, last, m.index, state);
    out += text.slice(last, m.index);
    const v = raw(m) ? undefined : value(m);
    out += v === undefined ? literal(m) : quoteFor(state, v);
    last = m.index + m[0].length;
  }
  return out + text.slice(last);
}

/**
 * substMatch for a shell command line: each value is quoted for its spot.
 * In an action its `%` is doubled too, as substMatchInAction does; a rule's
 * `script=` line has no action-variable pass after it, so it keeps its `%`.
 */
export function substMatchShell(text: string, vars: MatchVars, cache?: MatchCache, token: '$' | '%' = '$', inAction = true): string {
  if (!text.includes(token)) return text;
  return substQuoted(
    text,
    token === '$' ? MATCH_VAR : PERCENT_MATCH_VAR,
    (m) => {
      const v = matchValue(m, vars, cache);
      return v === undefined ? undefined : masked(v, inAction && !fromCache(m));
    },
    () => token,
  );
}

/** substAction for a shell command line: every variable's value is quoted for its spot. */
export function substActionShell(text: string, lookup: (name: string) => string | undefined): string {
  if (!text.includes('%')) return text;
  return substQuoted(
    text,
    ACTION_VAR,
    (m) => {
      const name = m[1] ?? m[2] ?? '';
      if (name === '%') return undefined;
      return lookup(name) ?? '';
    },
    (m) => {
      const name = m[1] ?? m[2] ?? '';
      // %% and SEC's character variables (%.nl, %.sp, …) are syntax the rule author wrote.
      return name === '%' ? '%' : (lookup(name) ?? '');
    },
    (m) => (m[1] ?? m[2] ?? '').startsWith('.') || (m[1] ?? m[2]) === '%',
  );
}

/** SEC's subst_specchar for SubStr patterns: \0 \n \r \s \t \\. */
export function substSpecialChars(text: string): string {
  return text.replace(/\\([0nrst\\])/g, (_m, c: string) => {
    switch (c) {
      case '0':
        return '';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 's':
        return ' ';
      case 't':
        return '\t';
      default:
        return '\\';
    }
  });
}
