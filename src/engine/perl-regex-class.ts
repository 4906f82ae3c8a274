import { FieldError } from './errors.js';
import { characterEscape, escapeLiteral, hex, isLetter, POSIX_CLASSES, SPACE_CHARS } from './perl-regex-escapes.js';

/**
 * A Perl character class ([…]) from `src[open]`, in JavaScript: Perl's byte
 * classes, POSIX classes and escapes inside it, and (for a case-insensitive
 * part of a pattern that is not case-insensitive as a whole, `caseFold`) each
 * letter and letter range with its other case. Returns the class and where
 * it ends in `src`.
 */
export function translateCharClass(src: string, open: number, caseFold: boolean): { text: string; end: number } {
  let j = open + 1;
  let out = '[';
  if (src[j] === '^') {
    out += '^';
    j++;
  }
  if (src[j] === ']') {
    out += '\\]';
    j++;
  }
  let prevChar: string | undefined;
  for (;;) {
    const ch = src[j];
    if (ch === undefined) throw new FieldError('unterminated character class: missing ]');
    if (ch === ']') break;
    if (ch === '[' && src[j + 1] === ':') {
      const end = src.indexOf(':]', j + 2);
      const name = end < 0 ? '' : src.slice(j + 2, end);
      const expansion = POSIX_CLASSES[name];
      if (expansion === undefined) {
        throw new FieldError(`POSIX class [:${name}:] cannot be translated`);
      }
      out += expansion;
      j = end + 2;
      prevChar = undefined;
      continue;
    }
    if (ch === '\\') {
      const c = src[j + 1];
      if (c === undefined) throw new FieldError('unterminated character class: missing ]');
      j += 2;
      prevChar = undefined;
      switch (c) {
        case 's':
          out += SPACE_CHARS;
          continue;
        case 'S':
          out += '\\S\\xa0';
          continue;
        case 'h':
          out += '\\t \\xa0';
          continue;
        case 'v':
          out += '\\n\\v\\f\\r\\x85';
          continue;
        case 'b':
          out += '\\x08';
          continue;
        case 'd':
        case 'D':
        case 'w':
        case 'W':
          out += `\\${c}`;
          continue;
        default:
          break;
      }
      const escaped = characterEscape(src, j, c);
      if (escaped !== undefined) {
        j = escaped.end;
        out += hex(escaped.code);
        prevChar = String.fromCharCode(escaped.code);
        continue;
      }
      if (/[A-Za-z0-9]/.test(c)) throw new FieldError(`escape \\${c} inside a character class cannot be translated`);
      out += `\\${c}`;
      prevChar = c;
      continue;
    }
    if (ch === '-' && prevChar !== undefined && src[j + 1] !== ']' && src[j + 1] !== undefined) {
      const to = src[j + 1] ?? '';
      out += `-${escapeLiteral(to)}`;
      const from = prevChar;
      if (caseFold && isLetter(from) && isLetter(to)) {
        const other = (s: string): string => (from === from.toLowerCase() ? s.toUpperCase() : s.toLowerCase());
        out += `${other(from)}-${other(to)}`;
      }
      j += 2;
      prevChar = undefined;
      continue;
    }
    out += ch === '[' ? '\\[' : ch === '-' ? '\\-' : ch;
    if (caseFold && isLetter(ch)) out += ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase();
    prevChar = ch;
    j++;
  }
  return { text: `${out}]`, end: j + 1 };
}
