import { formatPatch, structuredPatch } from 'diff';

export interface ConfigDiff {
  equal: boolean;
  unified: string;
  /** Lines only in `actual`. */
  added: number;
  /** Lines only in `expected`. */
  removed: number;
}

export interface DiffOptions {
  /** Applied to both texts for display only; must keep the line count (maskSecrets does). */
  mask?: (text: string) => string;
  context?: number;
}

/**
 * Unified diff of two normalised configs, expected first. Equality and counts
 * come from the texts themselves, so a changed password is still drift; with
 * a mask, the lines shown are the masked ones (the change shows as `-`/`+`
 * of two identical masked lines).
 */
export function diffConfigs(expected: string, actual: string, labels: { expected: string; actual: string }, options: DiffOptions = {}): ConfigDiff {
  if (expected === actual) return { equal: true, unified: '', added: 0, removed: 0 };
  const patch = structuredPatch(labels.expected, labels.actual, expected, actual, undefined, undefined, { context: options.context ?? 3 });
  let added = 0;
  let removed = 0;
  for (const hunk of patch.hunks) {
    for (const line of hunk.lines) {
      if (line.startsWith('+')) added++;
      else if (line.startsWith('-')) removed++;
    }
  }
  const mask = options.mask;
  if (mask) {
    const oldLines = mask(expected).split('\n');
    const newLines = mask(actual).split('\n');
    for (const hunk of patch.hunks) {
      let o = hunk.oldStart - 1;
      let n = hunk.newStart - 1;
      hunk.lines = hunk.lines.map((line) => {
        const sign = line[0];
        if (sign === '\\') return line;
        if (sign === '+') return '+' + (newLines[n++] ?? '');
        if (sign === '-') return '-' + (oldLines[o++] ?? '');
        n++;
        return ' ' + (oldLines[o++] ?? '');
      });
    }
  }
  return { equal: false, unified: formatPatch(patch), added, removed };
}
