import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Brace alternatives first, like Perl's File::Glob: a{b,c} → ab ac. */
function expandBraces(pattern: string): string[] {
  const m = /^(.*?)\{([^{}]*)\}(.*)$/s.exec(pattern);
  if (m === null) return [pattern];
  return (m[2] ?? '').split(',').flatMap((alt) => expandBraces(`${m[1] ?? ''}${alt}${m[3] ?? ''}`));
}

function segmentRegex(segment: string): RegExp {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i] ?? '';
    if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else if (ch === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end < 0) {
        source += '\\[';
        continue;
      }
      const body = segment.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
      source += `[${body}]`;
      i = end;
    } else if (ch === '\\' && i + 1 < segment.length) {
      source += `\\${segment[++i] ?? ''}`;
    } else source += /[\w]/.test(ch) ? ch : `\\${ch}`;
  }
  return new RegExp(`^${source}$`);
}

async function walk(base: string, segments: string[]): Promise<string[]> {
  const [head, ...rest] = segments;
  if (head === undefined) return [base];
  if (!/[*?[]/.test(head)) return walk(base === '' ? head : join(base, head), rest);
  let entries: string[];
  try {
    entries = await readdir(base === '' ? '.' : base);
  } catch {
    return [];
  }
  const re = segmentRegex(head);
  const out: string[] = [];
  for (const entry of entries.sort()) {
    if (entry.startsWith('.') && !head.startsWith('.')) continue;
    if (re.test(entry)) out.push(...(await walk(base === '' ? entry : join(base, entry), rest)));
  }
  return out;
}

/**
 * Expands --conf patterns the way SEC's Perl glob() does for the usual cases:
 * `*`, `?`, `[…]` and `{a,b}`; a pattern without wildcards is kept as given,
 * so a missing file is reported by whoever opens it.
 */
export async function expandGlobs(patterns: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const pattern of patterns) {
    for (const alt of expandBraces(pattern)) {
      if (!/[*?[]/.test(alt)) {
        files.push(alt);
        continue;
      }
      const absolute = alt.startsWith('/');
      const segments = alt.split('/').filter((s) => s !== '');
      files.push(...(await walk(absolute ? '/' : '', segments)));
    }
  }
  return [...new Set(files)];
}
