import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { splitInputSpec } from '../engine/index.js';
import type { InputRole } from '../input/roles.js';

export interface InputFile {
  path: string;
  /** SEC's --input=FILE=CONTEXT: the internal context of this file's lines. */
  context: string | undefined;
}

export interface RoleInputFile extends InputFile {
  role: InputRole;
}

/**
 * The inputs of every role (see expandInputs), sorted by name; a file named
 * under two roles is an error, since its lines cannot be trusted both ways.
 */
export async function expandInputsByRole(specs: Record<InputRole, string[]>): Promise<RoleInputFile[]> {
  const byPath = new Map<string, RoleInputFile>();
  for (const role of ['lease', 'config-change', 'sec'] as const) {
    for (const input of await expandInputs(specs[role])) {
      const other = byPath.get(input.path);
      if (other !== undefined) throw new Error(`${input.path}: given as both a ${other.role} input and a ${role} input`);
      byPath.set(input.path, { ...input, role });
    }
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
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

export class InputPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputPathError';
  }
}

/**
 * A mistyped --input would otherwise be waited for forever in silence, so an
 * input that does not exist is refused unless `mayAppear` (a log the DHCP
 * server has not written yet); then it is left out of the returned list when
 * `follow` is off, since it has no lines to read. A directory is never an input.
 */
export async function checkInputPaths<T extends InputFile>(inputs: T[], options: { mayAppear: boolean; follow: boolean }): Promise<T[]> {
  const present: T[] = [];
  for (const input of inputs) {
    if (input.path === '-') {
      present.push(input);
      continue;
    }
    const info = await stat(input.path).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new InputPathError(`--input=${input.path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    });
    if (info === undefined) {
      if (!options.mayAppear) throw new InputPathError(`--input=${input.path}: no such file (give --input-may-appear to wait for it)`);
      if (options.follow) present.push(input);
    } else if (info.isDirectory()) {
      throw new InputPathError(`--input=${input.path}: is a directory; expected a log file`);
    } else {
      present.push(input);
    }
  }
  return present;
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
