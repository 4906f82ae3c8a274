import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { splitInputSpec } from '../engine/index.js';

export interface InputFile {
  path: string;
  /** SEC's --input=FILE=CONTEXT: the internal context of this file's lines. */
  context: string | undefined;
}

const WILDCARD = /[*?[]/;

/**
 * SEC expands `--input` patterns with Perl's glob(): wildcards in the file
 * name part. A pattern that matches nothing is kept as it is, because a log
 * file that does not exist yet is still an input to wait for. A file given
 * twice takes its last context, and files come sorted by name, as in SEC.
 */
export async function expandInputs(specs: string[]): Promise<InputFile[]> {
  const contexts = new Map<string, string | undefined>();
  for (const spec of specs) {
    const { path: pattern, context } = splitInputSpec(spec);
    for (const path of await expandPattern(pattern)) contexts.set(path, context);
  }
  return [...contexts.keys()].sort().map((path) => ({ path, context: contexts.get(path) }));
}

async function expandPattern(pattern: string): Promise<string[]> {
  if (pattern === '-' || !WILDCARD.test(basename(pattern))) return [pattern];
  const dir = dirname(pattern);
  const matcher = globToRegExp(basename(pattern));
  const names = await readdir(dir).catch(() => [] as string[]);
  const matches = names.filter((name) => matcher.test(name)).sort().map((name) => join(dir, name));
  return matches.length > 0 ? matches : [pattern];
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
