import { FieldError } from './errors.js';

/**
 * The pieces of Perl regex syntax that stand for characters, shared by the
 * translator and its character classes: the escapes, Perl's byte classes
 * and POSIX classes, and how a character is written in JavaScript.
 */

/** Perl's \s on byte strings: JavaScript's would also match \xa0. */
export const SPACE_CHARS = '\\t\\n\\v\\f\\r ';
export const POSIX_CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: 'a-zA-Z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: SPACE_CHARS,
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  print: '\\x20-\\x7e',
  graph: '\\x21-\\x7e',
  cntrl: '\\x00-\\x1f\\x7f',
  xdigit: '0-9A-Fa-f',
  word: '\\w',
  ascii: '\\x00-\\x7f',
};

export function hex(code: number): string {
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  throw new FieldError(`character \\x{${code.toString(16)}} is outside the byte range of log lines`);
}

export function escapeLiteral(ch: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch;
}

export function isLetter(ch: string): boolean {
  return /^[A-Za-z]$/.test(ch);
}

/**
 * Escapes that denote one character code (\t, \x41, \x{41}, \0, \o{101},
 * \cA, \e): the code and where the escape ends in `src`, or undefined for
 * another escape. `at` is just past the escape letter `c`.
 */
export function characterEscape(src: string, at: number, c: string): { code: number; end: number } | undefined {
  switch (c) {
    case 't':
      return { code: 9, end: at };
    case 'n':
      return { code: 10, end: at };
    case 'r':
      return { code: 13, end: at };
    case 'f':
      return { code: 12, end: at };
    case 'e':
      return { code: 27, end: at };
    case 'a':
      return { code: 7, end: at };
    case 'x': {
      const braced = /^\{([0-9A-Fa-f]*)\}/.exec(src.slice(at));
      if (braced !== null) return { code: parseInt(braced[1] === '' ? '0' : (braced[1] ?? '0'), 16), end: at + braced[0].length };
      const plain = /^[0-9A-Fa-f]{0,2}/.exec(src.slice(at))?.[0] ?? '';
      return { code: plain === '' ? 0 : parseInt(plain, 16), end: at + plain.length };
    }
    case '0': {
      const digits = /^[0-7]{0,2}/.exec(src.slice(at))?.[0] ?? '';
      return { code: parseInt(`0${digits}`, 8), end: at + digits.length };
    }
    case 'o': {
      const braced = /^\{([0-7]+)\}/.exec(src.slice(at));
      if (braced === null) throw new FieldError('\\o must be followed by {octal digits}');
      return { code: parseInt(braced[1] ?? '0', 8), end: at + braced[0].length };
    }
    case 'c': {
      const ctl = src[at];
      if (ctl === undefined) throw new FieldError('\\c must be followed by a character');
      return { code: ctl.toUpperCase().charCodeAt(0) ^ 64, end: at + 1 };
    }
    default:
      return undefined;
  }
}

/** \d \w and friends, and escaped punctuation; unknown letters are errors rather than guesses. */
export function commonEscape(c: string): string {
  if ('dDwW'.includes(c)) return `\\${c}`;
  if (/[A-Za-z]/.test(c)) {
    if ('pPXCGKlLuU'.includes(c)) throw new FieldError(`\\${c} has no JavaScript equivalent for byte strings`);
    throw new FieldError(`unknown escape \\${c}`);
  }
  return escapeLiteral(c);
}
