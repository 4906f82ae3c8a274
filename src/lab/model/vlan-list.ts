/** VLAN lists as switches write them: `1,10-20,30`. */

export const MAX_VLAN = 4094;

export function isVlanList(word: string): boolean {
  return /^\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*$/.test(word);
}

/** The VLAN ids of a list, or undefined when one is out of 1–4094 or a range runs backwards. */
export function parseVlanList(word: string): number[] | undefined {
  if (!isVlanList(word)) return undefined;
  const ids: number[] = [];
  for (const part of word.split(',')) {
    const [from = 0, to = from] = part.split('-').map(Number);
    if (from < 1 || to > MAX_VLAN || to < from) return undefined;
    for (let id = from; id <= to; id++) ids.push(id);
  }
  return ids;
}

export function formatVlanList(ids: Iterable<number>): string {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] ?? 0) + 1) j++;
    parts.push(j === i ? String(sorted[i]) : `${String(sorted[i])}-${String(sorted[j])}`);
    i = j + 1;
  }
  return parts.join(',');
}
