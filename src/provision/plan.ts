/**
 * Remediation planning: the config-mode lines that turn a running config
 * into the intended one. Configs are read as a two-level tree (top-level
 * lines, and blocks such as `interface X` with indented children); a change
 * inside a block is sent inside that block, followed by `exit`.
 */

export interface PlanProfile {
  /** Whole lines that carry no configuration (timestamps, `Building configuration…`). */
  volatileLines: RegExp[];
}

interface Entry {
  line: string;
  children: string[];
}

/** Lines that frame a config rather than configure anything. */
const STRUCTURAL = [/^!/, /^end$/, /^version\b/, /^Building .*configuration/i, /^Current configuration/i, /^exit$/];

export const EXIT_BLOCK = 'exit';

function isStructural(line: string, profile: PlanProfile): boolean {
  return STRUCTURAL.some((pattern) => pattern.test(line)) || profile.volatileLines.some((pattern) => pattern.test(line));
}

export function parseConfigTree(text: string, profile: PlanProfile): Entry[] {
  const entries: Entry[] = [];
  const byLine = new Map<string, Entry>();
  let current: Entry | undefined;
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.replace(/\s+$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || isStructural(trimmed, profile)) {
      if (!/^\s/.test(line)) current = undefined;
      continue;
    }
    if (/^\s/.test(line)) {
      if (current !== undefined && !current.children.includes(trimmed)) current.children.push(trimmed);
      continue;
    }
    // A block opened twice (some switches print an interface per feature) is one block.
    const existing = byLine.get(trimmed);
    if (existing !== undefined) {
      current = existing;
      continue;
    }
    current = { line: trimmed, children: [] };
    entries.push(current);
    byLine.set(trimmed, current);
  }
  return entries;
}

/**
 * Settings that hold one value: setting a new value replaces the old one, so
 * the old line needs no `no` first (and removing the management address or
 * the hostname first would cut the session or change the prompt twice).
 * The number is how many leading words name the setting.
 */
const SINGLE_VALUED: [RegExp, number][] = [
  [/^hostname\s/, 1],
  [/^description\s/, 1],
  [/^lldp system-name\s/, 2],
  [/^ip address\s/, 2],
  [/^ip default-gateway\s/, 2],
  [/^switchport mode\s/, 2],
  [/^switchport pvid\s/, 2],
  [/^switchport access vlan\s/, 3],
  [/^enable (?:password|secret)\s/, 2],
  [/^username \S+ (?:password|secret|privilege)\s/, 3],
  [/^snmp-server (?:location|contact)\s/, 2],
  [/^spanning-tree mode\s/, 2],
  [/^clock timezone\s/, 2],
  [/^privilege level\s/, 2],
];

function settingKey(line: string): string | undefined {
  for (const [pattern, words] of SINGLE_VALUED) {
    if (pattern.test(line)) return line.split(/\s+/).slice(0, words).join(' ');
  }
  return undefined;
}

/** `no X`, or `X` for a line that is itself a negation. */
export function negate(line: string): string {
  return line.startsWith('no ') ? line.slice(3) : `no ${line}`;
}

function removals(extra: string[], added: string[]): string[] {
  const replaced = new Set(added.map(settingKey).filter((key): key is string => key !== undefined));
  return extra.filter((line) => {
    const key = settingKey(line);
    return key === undefined || !replaced.has(key);
  }).map(negate);
}

/** Blocks that exist in hardware: they are emptied, never deleted. */
export const PERMANENT_BLOCK = /^(?:interface\s+(?!vlan|loopback|port-channel|agg)|line\s)/i;

/**
 * Config-mode lines turning `running` into `intended`. Both are full
 * `show running-config` texts; separators, `end`, `version` and the
 * profile's volatile lines are ignored. An empty list means nothing to do.
 */
export function planRemediation(intended: string, running: string, profile: PlanProfile): string[] {
  const want = parseConfigTree(intended, profile);
  const have = parseConfigTree(running, profile);
  const haveByLine = new Map(have.map((entry) => [entry.line, entry]));
  const wantByLine = new Map(want.map((entry) => [entry.line, entry]));
  const plan: string[] = [];

  const addedTop = want.filter((entry) => !haveByLine.has(entry.line)).map((entry) => entry.line);
  const extraSimple = have.filter((entry) => !wantByLine.has(entry.line) && entry.children.length === 0);
  plan.push(...removals(extraSimple.map((entry) => entry.line), addedTop));

  for (const entry of want) {
    const current = haveByLine.get(entry.line);
    if (current === undefined) {
      plan.push(entry.line);
      if (entry.children.length > 0) plan.push(...entry.children, EXIT_BLOCK);
      continue;
    }
    const added = entry.children.filter((line) => !current.children.includes(line));
    const extra = current.children.filter((line) => !entry.children.includes(line));
    const changes = [...removals(extra, added), ...added];
    if (changes.length > 0) plan.push(entry.line, ...changes, EXIT_BLOCK);
  }

  for (const entry of have) {
    if (wantByLine.has(entry.line) || entry.children.length === 0) continue;
    if (PERMANENT_BLOCK.test(entry.line)) plan.push(entry.line, ...entry.children.map(negate), EXIT_BLOCK);
    else plan.push(negate(entry.line));
  }
  return plan;
}
