/**
 * A running config as a structured value: top-level lines, blocks with
 * indented children, and the `!` separators between groups. Separators are
 * kept as entries so that a config given in a vendor's own layout renders
 * back unchanged; edits add separators only around what they insert.
 */
export interface ConfigEntry {
  /** `!` for a separator. */
  line: string;
  children: string[];
  /** A block opener (interface, vlan, line …) even while it has no children. */
  block: boolean;
}

export const SEPARATOR = '!';

export function tokens(line: string): string[] {
  return line.trim().split(/\s+/).filter((t) => t !== '');
}

function startsWithTokens(line: string, prefix: string[]): boolean {
  const words = tokens(line);
  return prefix.length <= words.length && prefix.every((p, i) => words[i] === p);
}

/** `no ip address` is cancelled by `ip address 10.0.0.1 255.255.255.0`. */
function negates(existing: string, line: string): boolean {
  const e = tokens(existing);
  if (e[0] !== 'no' || e.length < 2) return false;
  const l = tokens(line);
  return e.length - 1 <= l.length && e.slice(1).every((t, i) => t === l[i]);
}

function sameKey(a: string, b: string, keyLength: number): boolean {
  const ta = tokens(a);
  const tb = tokens(b);
  if (ta.length < keyLength || tb.length < keyLength) return a.trim() === b.trim();
  return ta.slice(0, keyLength).every((t, i) => t === tb[i]);
}

/** Natural order so that eth-0-2 sorts before eth-0-10. */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' });
}

export interface ModelRules {
  /** Where a new top-level line goes relative to others: lower ranks first. */
  rank(line: string): number;
}

export class ConfigModel {
  private constructor(private entries: ConfigEntry[]) {}

  /** Parses a config body (no vendor header, no trailing `end`). */
  static parse(body: string[], isBlockOpener: (line: string) => boolean): ConfigModel {
    const entries: ConfigEntry[] = [];
    for (const raw of body) {
      const line = raw.replace(/\s+$/, '');
      if (line === '') continue;
      const last = entries.at(-1);
      if (/^\s/.test(line) && last !== undefined && last.line !== SEPARATOR) {
        last.children.push(line.replace(/^ /, ''));
        last.block = true;
        continue;
      }
      const trimmed = line.trim();
      if (trimmed.startsWith('!')) {
        if (last?.line !== SEPARATOR) entries.push({ line: SEPARATOR, children: [], block: false });
        continue;
      }
      entries.push({ line: trimmed, children: [], block: isBlockOpener(trimmed) });
    }
    const model = new ConfigModel(entries);
    model.collapseSeparators();
    return model;
  }

  clone(): ConfigModel {
    return new ConfigModel(this.entries.map((e) => ({ ...e, children: [...e.children] })));
  }

  /** Body lines: children indented by one space; separators as `!`. */
  render(): string[] {
    const out: string[] = [];
    for (const entry of this.entries) {
      out.push(entry.line);
      for (const child of entry.children) out.push(` ${child}`);
    }
    return out;
  }

  topLines(): string[] {
    return this.entries.filter((e) => e.line !== SEPARATOR).map((e) => e.line);
  }

  findTop(prefix: string[]): string | undefined {
    return this.entries.find((e) => e.line !== SEPARATOR && startsWithTokens(e.line, prefix))?.line;
  }

  block(line: string): ConfigEntry | undefined {
    return this.entries.find((e) => e.block && e.line === line);
  }

  /** Sets a top-level line, replacing one with the same first `keyLength` words in place. */
  setTop(line: string, keyLength: number, rules: ModelRules): void {
    this.entries = this.entries.filter((e) => e.block || !negates(e.line, line));
    this.collapseSeparators();
    const existing = this.entries.find((e) => !e.block && e.line !== SEPARATOR && sameKey(e.line, line, keyLength));
    if (existing) {
      existing.line = line;
      return;
    }
    this.insert({ line, children: [], block: false }, rules);
  }

  /** Returns the block for `line`, creating it in order if absent. */
  openBlock(line: string, rules: ModelRules): ConfigEntry {
    const found = this.block(line);
    if (found) return found;
    const entry: ConfigEntry = { line, children: [], block: true };
    this.insert(entry, rules);
    return entry;
  }

  /** Removes top-level lines and blocks that start with `prefix`; true if something went. */
  removeTop(prefix: string[]): boolean {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.line === SEPARATOR || !startsWithTokens(e.line, prefix));
    const removed = this.entries.length !== before;
    if (removed) this.collapseSeparators();
    return removed;
  }

  private insert(entry: ConfigEntry, rules: ModelRules): void {
    const first = tokens(entry.line)[0] ?? '';
    const rank = rules.rank(entry.line);
    const siblings = this.entries
      .map((e, i) => ({ e, i }))
      .filter(({ e }) => e.line !== SEPARATOR && tokens(e.line)[0] === first && e.block === entry.block);
    if (siblings.length > 0) {
      if (entry.block) {
        const after = siblings.find(({ e }) => naturalCompare(e.line, entry.line) > 0);
        if (after) {
          this.entries.splice(after.i, 0, entry, sep());
        } else {
          const last = siblings.at(-1);
          if (last) this.entries.splice(last.i + 1, 0, sep(), entry);
        }
      } else {
        const last = siblings.at(-1);
        if (last) this.entries.splice(last.i + 1, 0, entry);
      }
      this.collapseSeparators();
      return;
    }
    const next = this.entries.findIndex((e) => e.line !== SEPARATOR && rules.rank(e.line) > rank);
    if (next === -1) {
      this.entries.push(sep(), entry, sep());
    } else {
      this.entries.splice(next, 0, sep(), entry, sep());
    }
    this.collapseSeparators();
  }

  private collapseSeparators(): void {
    const out: ConfigEntry[] = [];
    for (const entry of this.entries) {
      if (entry.line === SEPARATOR && (out.length === 0 || out.at(-1)?.line === SEPARATOR)) continue;
      out.push(entry);
    }
    while (out.at(-1)?.line === SEPARATOR) out.pop();
    this.entries = out;
  }
}

function sep(): ConfigEntry {
  return { line: SEPARATOR, children: [], block: false };
}

/** Sets a child line in a block, replacing one with the same first `keyLength` words in place. */
export function setChild(block: ConfigEntry, line: string, keyLength: number): void {
  block.children = block.children.filter((c) => !negates(c, line));
  const index = block.children.findIndex((c) => sameKey(c, line, keyLength));
  if (index !== -1) {
    block.children[index] = line;
    return;
  }
  // Switches list VLANs by number (a `vlan database` block), whatever order they were added in.
  const vlan = vlanNumber(line);
  const before = vlan === undefined ? -1 : block.children.findIndex((c) => (vlanNumber(c) ?? -1) > vlan);
  if (before === -1) block.children.push(line);
  else block.children.splice(before, 0, line);
}

function vlanNumber(line: string): number | undefined {
  const match = /^vlan\s+(\d+)\b/i.exec(line.trim());
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

export function removeChild(block: ConfigEntry, prefix: string[]): boolean {
  const before = block.children.length;
  block.children = block.children.filter((c) => !startsWithTokens(c, prefix));
  return block.children.length !== before;
}
