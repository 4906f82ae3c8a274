import { FieldError } from './errors.js';
import { translateCharClass } from './perl-regex-class.js';
import { characterEscape, commonEscape, escapeLiteral, hex, isLetter, SPACE_CHARS } from './perl-regex-escapes.js';

/**
 * Perl regular expressions (as SEC compiles them with qr//) translated to
 * JavaScript. Input lines are byte strings (latin1, one char per byte) like
 * Perl's, so the classes are pinned to Perl's byte semantics: JavaScript's \s
 * would also match \xa0, Perl's does not.
 */
export interface TranslatedRegex {
  source: string;
  flags: string;
  /** groupIndex[n] is the JavaScript match index of Perl group $n. */
  groupIndex: number[];
  /** Named groups the pattern declares, in order; internal names are not listed. */
  names: string[];
}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  x: boolean;
}

interface OpenGroup {
  closer: string;
  outStart: number;
  flags: Flags;
}

const AUX_PREFIX = '__onrampAtomic';
const BACKREF_MARK = '\u0000';

class Translator {
  private i = 0;
  private out = '';
  private flags: Flags;
  private readonly global: Flags;
  private readonly stack: OpenGroup[] = [];
  private atomStart = -1;
  private perlGroups = 0;
  private auxCount = 0;
  private readonly names: string[] = [];

  constructor(private readonly src: string) {
    this.global = { i: false, m: false, s: false, x: false };
    const lead = /^\(\?\^?([imsx]*)\)/.exec(src);
    if (lead !== null) {
      for (const f of lead[1] ?? '') this.global[f as keyof Flags] = true;
      this.i = lead[0].length;
    }
    this.flags = { ...this.global };
  }

  translate(): TranslatedRegex {
    const src = this.src;
    while (this.i < src.length) {
      const ch = src[this.i] ?? '';
      if (this.flags.x && /[ \t\n\r\f\v]/.test(ch)) {
        this.i++;
        continue;
      }
      if (this.flags.x && ch === '#') {
        while (this.i < src.length && src[this.i] !== '\n') this.i++;
        continue;
      }
      switch (ch) {
        case '\\':
          this.escape();
          break;
        case '[':
          this.atomStart = this.out.length;
          this.out += this.charClass();
          break;
        case '(':
          this.openGroup();
          break;
        case ')':
          this.closeGroup();
          break;
        case '*':
        case '+':
        case '?':
          this.quantifier(ch);
          break;
        case '{': {
          const q = /^\{\d+(?:,\d*)?\}/.exec(src.slice(this.i));
          if (q !== null && this.atomStart >= 0) {
            this.quantifier(q[0]);
          } else {
            this.atomStart = this.out.length;
            this.out += '\\{';
            this.i++;
          }
          break;
        }
        case '}':
          this.atomStart = this.out.length;
          this.out += '\\}';
          this.i++;
          break;
        case '.':
          this.atomStart = this.out.length;
          this.out += this.flags.s === this.global.s ? '.' : this.flags.s ? '[\\s\\S]' : '[^\\n]';
          this.i++;
          break;
        case '^':
          this.atomStart = -1;
          this.out += this.flags.m === this.global.m ? '^' : this.flags.m ? '(?<![^\\n])' : '(?<![\\s\\S])';
          this.i++;
          break;
        case '$':
          this.atomStart = -1;
          this.out += this.flags.m === this.global.m ? '$' : this.flags.m ? '(?=\\n|(?![\\s\\S]))' : '(?![\\s\\S])';
          this.i++;
          break;
        case '|':
          this.atomStart = -1;
          this.out += '|';
          this.i++;
          break;
        default:
          this.atomStart = this.out.length;
          this.out += this.literal(ch);
          this.i++;
      }
    }
    if (this.stack.length > 0) throw new FieldError('unbalanced parentheses: missing )');
    return this.finish();
  }

  private literal(ch: string): string {
    if (this.flags.i && !this.global.i && isLetter(ch)) return `[${ch.toLowerCase()}${ch.toUpperCase()}]`;
    return escapeLiteral(ch);
  }

  private quantifier(q: string): void {
    if (this.atomStart < 0) throw new FieldError(`quantifier '${q}' follows nothing`);
    this.i += q.length;
    let text = q;
    const next = this.src[this.i];
    if (next === '?') {
      text += '?';
      this.i++;
    } else if (next === '+') {
      // Possessive: emulated with an atomic group (lookahead + backreference).
      this.i++;
      const atom = this.out.slice(this.atomStart) + text;
      this.out = this.out.slice(0, this.atomStart) + this.atomic(atom);
      this.atomStart = -1;
      return;
    }
    this.out += text;
    this.atomStart = -1;
  }

  private atomic(body: string): string {
    const name = `${AUX_PREFIX}${++this.auxCount}`;
    return `(?:(?=(?<${name}>${body}))\\k<${name}>)`;
  }

  private openGroup(): void {
    const src = this.src;
    const rest = src.slice(this.i);
    const start = this.out.length;
    const push = (opener: string, closer: string, consumed: number, flags: Flags = this.flags): void => {
      this.stack.push({ closer, outStart: start, flags: this.flags });
      this.flags = flags;
      this.out += opener;
      this.i += consumed;
      this.atomStart = -1;
    };
    if (!rest.startsWith('(?') && !rest.startsWith('(*')) {
      this.perlGroups++;
      push('(', ')', 1);
      return;
    }
    if (rest.startsWith('(*')) throw new FieldError(`backtracking control verb '${rest.slice(0, 8)}…' has no JavaScript equivalent`);
    const comment = /^\(\?#[^)]*\)/.exec(rest);
    if (comment !== null) {
      this.i += comment[0].length;
      return;
    }
    for (const simple of ['(?:', '(?=', '(?!', '(?<=', '(?<!']) {
      if (rest.startsWith(simple)) {
        push(simple, ')', simple.length);
        return;
      }
    }
    const named = /^\(\?(?:P?<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/.exec(rest);
    if (named !== null) {
      const name = named[1] ?? named[2] ?? '';
      if (this.names.includes(name)) throw new FieldError(`named group '${name}' is defined twice (JavaScript does not allow that)`);
      this.names.push(name);
      this.perlGroups++;
      push(`(?<${name}>`, ')', named[0].length);
      return;
    }
    const namedRef = /^\(\?P=([A-Za-z_]\w*)\)/.exec(rest);
    if (namedRef !== null) {
      this.atomStart = this.out.length;
      this.out += `\\k<${namedRef[1] ?? ''}>`;
      this.i += namedRef[0].length;
      return;
    }
    if (rest.startsWith('(?>')) {
      const name = `${AUX_PREFIX}${++this.auxCount}`;
      push(`(?:(?=(?<${name}>`, `))\\k<${name}>)`, 3);
      return;
    }
    const modifier = /^\(\?(\^)?([imsxn]*)(?:-([imsx]*))?(:|\))/.exec(rest);
    if (modifier !== null) {
      const flags: Flags = modifier[1] === '^' ? { i: false, m: false, s: false, x: false } : { ...this.flags };
      for (const f of modifier[2] ?? '') {
        if (f === 'n') throw new FieldError("the (?n) modifier cannot be translated");
        flags[f as keyof Flags] = true;
      }
      for (const f of modifier[3] ?? '') flags[f as keyof Flags] = false;
      if (this.global.i && !flags.i) {
        throw new FieldError('turning case-insensitivity off inside a case-insensitive pattern cannot be translated');
      }
      if (modifier[4] === ':') {
        push('(?:', ')', modifier[0].length, flags);
      } else {
        // (?i) applies to the end of the enclosing group.
        this.flags = flags;
        this.i += modifier[0].length;
      }
      return;
    }
    throw new FieldError(`regular expression construct '${rest.slice(0, 6)}…' cannot be translated to JavaScript`);
  }

  private closeGroup(): void {
    const group = this.stack.pop();
    if (group === undefined) throw new FieldError('unbalanced parentheses: unexpected )');
    this.out += group.closer;
    this.flags = group.flags;
    this.atomStart = group.outStart;
    this.i++;
  }

  private escape(): void {
    const src = this.src;
    const c = src[this.i + 1];
    if (c === undefined) throw new FieldError('pattern ends with a backslash');
    this.atomStart = this.out.length;
    this.i += 2;
    switch (c) {
      case 'Q':
      case 'E':
        // \Q…\E quote only in Perl string interpolation; SEC compiles the
        // pattern from a variable, where the regex engine sees a plain Q and E.
        this.out += this.literal(c);
        return;
      case 'A':
        this.out += '(?<![\\s\\S])';
        this.atomStart = -1;
        return;
      case 'z':
        this.out += '(?![\\s\\S])';
        this.atomStart = -1;
        return;
      case 'Z':
        this.out += '(?=\\n?(?![\\s\\S]))';
        this.atomStart = -1;
        return;
      case 'b':
      case 'B':
        this.out += `\\${c}`;
        this.atomStart = -1;
        return;
      case 's':
        this.out += `[${SPACE_CHARS}]`;
        return;
      case 'S':
        this.out += `[^${SPACE_CHARS}]`;
        return;
      case 'h':
        this.out += '[\\t \\xa0]';
        return;
      case 'H':
        this.out += '[^\\t \\xa0]';
        return;
      case 'v':
        this.out += '[\\n\\v\\f\\r\\x85]';
        return;
      case 'V':
        this.out += '[^\\n\\v\\f\\r\\x85]';
        return;
      case 'R':
        this.out += '(?:\\r\\n|[\\n\\v\\f\\r\\x85])';
        return;
      case 'N':
        if (src[this.i] === '{') throw new FieldError('\\N{…} named characters cannot be translated');
        this.out += '[^\\n]';
        return;
      case 'k': {
        const ref = /^(?:<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)'|\{([A-Za-z_]\w*)\})/.exec(src.slice(this.i));
        if (ref === null) throw new FieldError('\\k must name a group');
        this.out += `\\k<${ref[1] ?? ref[2] ?? ref[3] ?? ''}>`;
        this.i += ref[0].length;
        return;
      }
      case 'g': {
        const ref = /^(?:\{(-?\d+)\}|(-?\d+))/.exec(src.slice(this.i));
        if (ref === null) {
          const named = /^\{([A-Za-z_]\w*)\}/.exec(src.slice(this.i));
          if (named === null) throw new FieldError('\\g must be followed by a group number or name');
          this.out += `\\k<${named[1] ?? ''}>`;
          this.i += named[0].length;
          return;
        }
        let n = Number(ref[1] ?? ref[2]);
        if (n < 0) n = this.perlGroups + 1 + n;
        this.out += `${BACKREF_MARK}${n}${BACKREF_MARK}`;
        this.i += ref[0].length;
        return;
      }
      default:
        break;
    }
    if (/[1-9]/.test(c)) {
      const digits = /^\d*/.exec(src.slice(this.i))?.[0] ?? '';
      const n = Number(c + digits);
      if (n < 10 || n <= this.perlGroups) {
        this.out += `${BACKREF_MARK}${n}${BACKREF_MARK}`;
        this.i += digits.length;
        return;
      }
      const octal = /^[0-7]{1,3}/.exec(c + digits)?.[0] ?? c;
      this.out += this.literalCode(parseInt(octal, 8));
      this.i += octal.length - 1;
      return;
    }
    const escaped = characterEscape(src, this.i, c);
    if (escaped !== undefined) {
      this.i = escaped.end;
      this.out += this.literalCode(escaped.code);
      return;
    }
    this.out += commonEscape(c);
  }

  private literalCode(code: number): string {
    const ch = String.fromCharCode(code);
    if (this.flags.i && !this.global.i && isLetter(ch)) return this.literal(ch);
    return hex(code);
  }

  private charClass(): string {
    const { text, end } = translateCharClass(this.src, this.i, this.flags.i && !this.global.i);
    this.i = end;
    return text;
  }

  private finish(): TranslatedRegex {
    const flags = (this.global.i ? 'i' : '') + (this.global.m ? 'm' : '') + (this.global.s ? 's' : '');
    // JavaScript numbers every capture, the auxiliary ones of atomic groups too:
    // find where each Perl group landed.
    const withMarks = this.out;
    const captureOrder = captureKinds(withMarks.replaceAll(new RegExp(`${BACKREF_MARK}\\d+${BACKREF_MARK}`, 'g'), ''));
    const groupIndex = [0];
    captureOrder.forEach((aux, idx) => {
      if (!aux) groupIndex.push(idx + 1);
    });
    const source = withMarks.replace(new RegExp(`${BACKREF_MARK}(\\d+)${BACKREF_MARK}`, 'g'), (_m, n: string) => {
      const index = groupIndex[Number(n)];
      if (index === undefined) throw new FieldError(`backreference \\${n} refers to a group that does not exist`);
      return `\\${index}(?:)`;
    });
    try {
      new RegExp(source, flags);
    } catch (err) {
      throw new FieldError(`regular expression cannot be compiled: ${err instanceof Error ? err.message : String(err)}`);
    }
    return { source, flags, groupIndex, names: this.names };
  }
}

/** For every capturing group of a JavaScript source, in order: true when it is an auxiliary (atomic) one. */
function captureKinds(source: string): boolean[] {
  const kinds: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      continue;
    }
    if (ch !== '(') continue;
    if (source[i + 1] !== '?') {
      kinds.push(false);
      continue;
    }
    const named = /^\(\?<([A-Za-z_]\w*)>/.exec(source.slice(i, i + 80));
    if (named !== null) kinds.push((named[1] ?? '').startsWith(AUX_PREFIX));
  }
  return kinds;
}

export function translatePerlRegex(pattern: string): TranslatedRegex {
  return new Translator(pattern).translate();
}

export function isInternalGroupName(name: string): boolean {
  return name.startsWith(AUX_PREFIX);
}
