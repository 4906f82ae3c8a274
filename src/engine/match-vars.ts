/**
 * The variables of one match ($1, $+{name}, $0, $+{_inputsrc}, a DHCP
 * lease's $+{ip}, …), looked up by name. A RegExp match answers from its
 * exec result when a substitution asks, rather than copying every group into
 * a map for every matching event: most rules read one or two values, and
 * many events read none (a suppressed or counted operation).
 *
 * A match's variables never change once made, so the pattern-match cache
 * and a Cached pattern share them rather than copy them.
 */
export interface MatchVars {
  /** True for pattern types that set no variables (SubStr, TValue, NCached): there is nothing to put in. */
  readonly empty: boolean;
  get(name: string): string | undefined;
}

/** What a RegExp match needs of its pattern to name its groups. */
export interface GroupNaming {
  /** groupIndex[n] is the exec result index of Perl group $n; groupIndex[0] is 0. */
  groupIndex: number[];
  /** Named groups the pattern declares. */
  names: string[];
  /** varmap's NAME=N entries: names for numbered groups. */
  varmap: { names: [string, number][] } | undefined;
}

/** The variables of a pattern type that sets none. */
export const NO_VARS: MatchVars = { empty: true, get: () => undefined };

/** Variables given as a map (NRegExp's $0, tests). */
export class MapVars implements MatchVars {
  readonly empty: boolean;

  constructor(private readonly values: ReadonlyMap<string, string | undefined>) {
    this.empty = values.size === 0;
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }
}

/**
 * $N as a number when `name` is one as SEC's variables spell it (no leading
 * zero), else -1: `$01` names no group.
 */
function groupNumber(name: string): number {
  const first = name.charCodeAt(0);
  if (first < 0x31 || first > 0x39) return -1;
  let n = first - 0x30;
  for (let i = 1; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    n = n * 10 + c - 0x30;
  }
  return n;
}

/**
 * A RegExp match. Precedence follows the order SEC fills its variables in:
 * varmap names over $0, _inputsrc and _intcontext, over numbered groups, over
 * named groups.
 */
export class RegexVars implements MatchVars {
  readonly empty = false;

  constructor(
    private readonly naming: GroupNaming,
    private readonly m: RegExpExecArray,
    /** The text matched ($0). */
    private readonly text: string,
    /** Where the lines came from ($+{_inputsrc}). */
    private readonly source: string,
    private readonly intContext: string | undefined,
  ) {}

  get(name: string): string | undefined {
    const varmap = this.naming.varmap;
    if (varmap !== undefined) {
      for (const [mapped, n] of varmap.names) if (mapped === name) return n < this.naming.groupIndex.length ? this.group(n) : undefined;
    }
    if (name === '0') return this.text;
    if (name === '_inputsrc') return this.source;
    if (name === '_intcontext') return this.intContext;
    const n = groupNumber(name);
    if (n > 0) return this.group(n);
    if (this.m.groups !== undefined && this.naming.names.includes(name)) return this.m.groups[name];
    return undefined;
  }

  /** $n; a pattern without groups has $1 "1", as Perl's list-context match returns (1). */
  private group(n: number): string | undefined {
    const count = this.naming.groupIndex.length - 1;
    if (count === 0) return n === 1 ? '1' : undefined;
    return n <= count ? this.m[this.naming.groupIndex[n] ?? 0] : undefined;
  }
}

/** What ptype=DHCP reads from a lease line besides its hostname match. */
export interface LeaseValues {
  ip: string;
  mac: string;
  host: string;
  via: string;
  server: string;
  circuit: string;
  remote: string;
}

/** A DHCP pattern's match: the hostname regex's variables, with $0 the whole line and the lease's fields by name over them. */
export class LeaseVars implements MatchVars {
  readonly empty = false;

  constructor(
    private readonly host: RegexVars,
    private readonly line: string,
    private readonly lease: LeaseValues,
  ) {}

  get(name: string): string | undefined {
    switch (name) {
      case '0':
        return this.line;
      case 'ip':
      case 'mac':
      case 'host':
      case 'via':
      case 'server':
      case 'circuit':
      case 'remote':
        return this.lease[name];
      default:
        return this.host.get(name);
    }
  }
}

/** `vars` with `f` applied to each defined value when it is read (a Pair's values quoted or masked for its second half). */
export function mapValues(vars: MatchVars, f: (value: string) => string): MatchVars {
  return {
    empty: vars.empty,
    get(name) {
      const value = vars.get(name);
      return value === undefined ? undefined : f(value);
    },
  };
}
