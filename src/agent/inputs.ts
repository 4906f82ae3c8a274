import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const WILDCARD = /[*?[]/;

/**
 * SEC expands `--input` patterns with Perl's glob(): wildcards in the file
 * name part. A pattern that matches nothing is kept as it is, because a log
 * file that does not exist yet is still an input to wait for.
 */
export async function expandInputs(patterns: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const pattern of patterns) {
    if (pattern === '-' || !WILDCARD.test(basename(pattern))) {
      out.push(pattern);
      continue;
    }
    const dir = dirname(pattern);
    const matcher = globToRegExp(basename(pattern));
    const names = await readdir(dir).catch(() => [] as string[]);
    const matches = names.filter((name) => matcher.test(name)).sort().map((name) => join(dir, name));
    out.push(...(matches.length > 0 ? matches : [pattern]));
  }
  return [...new Set(out)];
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const ch of glob) {
    if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else source += ch.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  // '[' is passed through so character classes work as in a shell glob.
  return new RegExp(`^${source}$`);
}
