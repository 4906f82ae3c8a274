/**
 * Literal strings that every match of a JavaScript regular expression must
 * contain. Most log lines match none of a rule set's patterns, and
 * `String.prototype.includes` turns them away several times faster than the
 * regex engine's scan, so a pattern is only run on lines that contain them.
 *
 * Only the top-level sequence is read: a literal run ends at anything that
 * is not a plain character (classes, groups, escapes such as \d, anchors),
 * and a quantified character is dropped from its run. Whatever is unsure is
 * left out, which costs speed, never a match. A top-level `|` or the `i` or
 * `v` flag means no literals at all.
 */
export function requiredLiterals(source: string, flags: string): string[] {
  if (flags.includes('i') || flags.includes('v')) return [];
  const runs: string[] = [];
  let run = '';
  const end = (): void => {
    if (run.length >= MIN_LENGTH) runs.push(run);
    run = '';
  };
  // The quantified character may be absent (or repeated): only what came before it is certain.
  const quantified = (): void => {
    run = run.slice(0, -1);
    end();
  };
  for (let i = 0; i < source.length; i++) {
    const ch = source.charAt(i);
    switch (ch) {
      case '|':
        return [];
      case '\\': {
        const next = source.charAt(i + 1);
        if (/[A-Za-z0-9]/.test(next) || next === '') {
          end();
          i = escapeEnd(source, i);
        } else {
          run += next;
          i++;
        }
        break;
      }
      case '[':
        end();
        i = skipClass(source, i);
        break;
      case '(':
        end();
        i = skipGroup(source, i);
        if (i < 0) return [];
        break;
      case '{':
        if (QUANTIFIER.test(source.slice(i))) {
          quantified();
          i = source.indexOf('}', i);
        } else {
          end();
        }
        break;
      case '*':
      case '+':
      case '?':
        quantified();
        break;
      case '.':
      case '^':
      case '$':
      case ')':
      case ']':
      case '}':
        end();
        break;
      default:
        run += ch;
    }
  }
  end();
  return runs.sort((a, b) => b.length - a.length).slice(0, MAX_LITERALS);
}

/** Shorter literals cost more to look for than they save. */
const MIN_LENGTH = 3;
const MAX_LITERALS = 2;

const QUANTIFIER = /^\{\d+(?:,\d*)?\}/;

/** Index of the last character of the escape starting at `start` (a backslash followed by a letter or digit). */
function escapeEnd(source: string, start: number): number {
  const letter = source.charAt(start + 1);
  const after = source.charAt(start + 2);
  const through = (closer: string): number => {
    const i = source.indexOf(closer, start + 2);
    return i < 0 ? source.length : i;
  };
  if (letter === 'x') return start + 3;
  if (letter === 'u') return after === '{' ? through('}') : start + 5;
  if (letter === 'c') return start + 2;
  if (letter === 'k' && after === '<') return through('>');
  if ((letter === 'p' || letter === 'P') && after === '{') return through('}');
  let i = start + 1;
  if (/[0-9]/.test(letter)) while (/[0-9]/.test(source.charAt(i + 1))) i++;
  return i;
}

/** Index of the `]` closing the class opened at `open`: in JavaScript the first unescaped one. */
function skipClass(source: string, open: number): number {
  for (let i = open + 1; i < source.length; i++) {
    const ch = source.charAt(i);
    if (ch === '\\') i++;
    else if (ch === ']') return i;
  }
  return source.length;
}

/** Index of the `)` closing the group opened at `open`, or -1 if the source is not what it seems. */
function skipGroup(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const ch = source.charAt(i);
    if (ch === '\\') i++;
    else if (ch === '[') i = skipClass(source, i);
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  return -1;
}
