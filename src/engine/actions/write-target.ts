import { resolve, sep } from 'node:path';

/**
 * A write action's file name may take values from the event (`write
 * /var/log/hosts/$3.log`). Such a value is path-checked, as a value put into
 * a shell command is quoted: the file must stay inside the directory the rule
 * wrote before its first variable, so a hostname `../../etc/x` cannot reach
 * outside it. A file name without variables is the rule author's, and is used
 * as it is.
 */

/**
 * Variables whose value can come from an event: match variables ($1, ${1},
 * $+{name}, $:{entry:name}), a Pair's %1, %+{name}, and action-list
 * variables (%s is the description, %name may be assigned a match value).
 * SEC's built-ins %.year, %.nl… and the clock's %u, %t are not events' text.
 */
const VALUE_VARIABLE = /\$(?:\d|\{\d|\+\{|:\{)|%(?:\d|\{\d|\+\{|:\{)|%\{?(?![ut]\b)[A-Za-z]/;

/**
 * The directory part a write target is kept in: the text before its first
 * value-bearing variable, up to the last `/` (empty: the working directory).
 * Undefined when the target holds no such variable.
 */
export function fixedDirectoryOf(target: string): string | undefined {
  const escaped = target.replaceAll('$$', '').replaceAll('%%', '');
  if (!VALUE_VARIABLE.test(escaped)) return undefined;
  const first = firstVariableIndex(target);
  const prefix = target.slice(0, first);
  return prefix.slice(0, prefix.lastIndexOf('/') + 1);
}

/** Index of the first value-bearing variable, skipping the `$$` and `%%` escapes. */
function firstVariableIndex(target: string): number {
  for (let i = 0; i < target.length; i++) {
    const ch = target[i];
    if (ch !== '$' && ch !== '%') continue;
    if (target[i + 1] === ch) {
      i++;
      continue;
    }
    if (VALUE_VARIABLE.exec(target.slice(i))?.index === 0) return i;
  }
  return target.length;
}

/** Whether `path` names a file strictly inside `directory` ('' is the working directory). */
export function staysInside(path: string, directory: string): boolean {
  const base = resolve(directory === '' ? '.' : directory);
  const full = resolve(path);
  const inside = base.endsWith(sep) ? base : `${base}${sep}`;
  return full.startsWith(inside) && !path.includes('\0');
}
