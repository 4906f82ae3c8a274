import type { Pattern } from './pattern.js';
import type { Rule, RuleSet } from './rules.js';

/**
 * What a line must contain for some rule of a set to match it. Most lines of
 * a log match no rule, and when every rule's patterns need literal strings,
 * such lines can be passed over on the raw text of a whole read, never split
 * out nor handed to the rules. Each alternative is one pattern's literals,
 * all of which a line needs for that pattern to match; a line holding no
 * alternative is matched by no rule. Literals are byte strings (lines are
 * decoded as latin1).
 */
export type LineGate = readonly (readonly string[])[];

/**
 * The gate of a rule set, or undefined when some pattern can match a line
 * without a literal: negated, cached and truth-value patterns, multi-line
 * patterns (each line counts for the lines after it), DHCP patterns (they
 * match a parsed lease), a regex with none, or a second pattern of a Pair
 * whose regex takes values from the first match.
 */
export function lineGateOf(rules: RuleSet): LineGate | undefined {
  const alternatives: string[][] = [];
  for (const file of rules.files) {
    for (const rule of file.rules) {
      for (const { pattern, second } of linePatterns(rule)) {
        const needed = patternLiterals(pattern, second);
        if (needed === undefined) return undefined;
        alternatives.push(needed);
      }
    }
  }
  return alternatives;
}

/** The patterns of a rule that input lines are matched against (an EventGroup's egpattern sees tokens, a Calendar nothing). */
function linePatterns(rule: Rule): { pattern: Pattern | undefined; second: boolean }[] {
  switch (rule.type) {
    case 'Calendar':
      return [];
    case 'Pair':
    case 'PairWithWindow':
      return [{ pattern: rule.pattern, second: false }, { pattern: rule.pattern2, second: true }];
    case 'EventGroup':
      return rule.members.map((m) => ({ pattern: m.pattern, second: false }));
    default:
      return [{ pattern: rule.pattern, second: false }];
  }
}

/**
 * A second pattern gets the first match's values where it says `$`: of a
 * SubStr only the text before the first is certain; a RegExp with one is
 * compiled anew, so its literals are not known (unless the `$` is only the
 * end-of-line anchor).
 */
function patternLiterals(pattern: Pattern | undefined, second: boolean): string[] | undefined {
  if (pattern === undefined || pattern.lines !== 1) return undefined;
  let needed: string[];
  if (pattern.kind === 'substr') {
    needed = [second ? (pattern.text.split('$', 1)[0] ?? '') : pattern.text].filter((l) => l !== '');
  } else if (pattern.kind === 'regexp') {
    const dollar = pattern.text.indexOf('$');
    needed = second && dollar >= 0 && dollar !== pattern.text.length - 1 ? [] : pattern.literals;
  } else {
    return undefined;
  }
  // Rule files are read as latin1 and an escape ends a literal, so each char is a byte. A newline
  // can only be in a multi-line match; an empty set would pass every line.
  if (needed.length === 0 || needed.some((l) => l.includes('\n'))) return undefined;
  return needed;
}

/**
 * Finds, in the bytes of a read, where the next line that may pass the gate
 * is, without decoding them: each alternative is represented by one of its
 * literals (any of them is necessary), the one seen least often in the first
 * read, so that few lines are handed on in vain, and that literal by a piece
 * of it that is quick to find (see needleOf). Each such anchor is searched
 * for once per occurrence. A line found may still lack an alternative's
 * other literals, or hold only the piece of one; its rules check them.
 */
export class GateSearch {
  private readonly anchors: Buffer[];
  /** Per anchor: where its next occurrence at or after the last `from` starts (Infinity: none in the bytes). */
  private readonly next: number[];
  private bytes: Buffer = Buffer.alloc(0);

  /** `sample` is the start of the input: what is rare there is taken to be rare throughout. */
  constructor(gate: LineGate, sample: Buffer) {
    const anchors = new Set(gate.map((alternative) => needleOf(rarest(alternative, sample), sample)));
    this.anchors = [...anchors].map((literal) => Buffer.from(literal, 'latin1'));
    this.next = this.anchors.map(() => -1);
    this.reset(sample);
  }

  /** The bytes searched from now on (a read's buffer, up to what was read): what was found before no longer holds. */
  reset(bytes: Buffer): void {
    this.bytes = bytes;
    this.next.fill(-1);
  }

  /** Where the first anchor at or after `from` starts, or -1. Asked with `from` never going back, until reset. */
  find(from: number): number {
    let first = Infinity;
    for (let k = 0; k < this.anchors.length; k++) {
      let at = this.next[k] ?? -1;
      if (at < from) {
        const found = this.bytes.indexOf(this.anchors[k] as Buffer, from);
        at = found < 0 ? Infinity : found;
        this.next[k] = at;
      }
      if (at < first) first = at;
    }
    return first === Infinity ? -1 : first;
  }

  /**
   * Whether few enough lines of the sample (the bytes given first) hold an
   * anchor for the search to pay: finding and cutting out each such line
   * costs more than reading it in turn, so a gate that most lines pass is
   * not worth it.
   */
  selective(): boolean {
    const sample = this.bytes;
    const probe = sample.subarray(0, PROBE_BYTES);
    this.reset(probe);
    let lines = 0;
    for (let at = probe.indexOf(0x0a); at >= 0; at = probe.indexOf(0x0a, at + 1)) lines++;
    let passing = 0;
    for (let from = 0; passing * SELECTIVE_SHARE <= lines; ) {
      const at = this.find(from);
      if (at < 0) break;
      passing++;
      from = probe.indexOf(0x0a, at) + 1;
      if (from === 0) break;
    }
    this.reset(sample);
    return lines > 0 && passing * SELECTIVE_SHARE <= lines;
  }
}

/**
 * How much of the first read common things are counted in (bytes, and the
 * lines that pass): about 650 lines of a dhcpd log, enough to tell common
 * from rare, and few enough that counting stays in the interpreter. Counting
 * them in a whole read got the counting loops and Buffer's own functions
 * compiled by TurboFan, which cost more than the counting itself. Rare
 * things are counted up to a few dozen in the whole read.
 */
const PROBE_BYTES = 1 << 16;

/** A gate pays when at most one line in this many passes it. */
const SELECTIVE_SHARE = 4;

/** Occurrences counted up to this: enough to tell a common literal from a rare one. */
const COUNT_UP_TO = 64;

function rarest(literals: readonly string[], sample: Buffer): string {
  let best = literals[0] ?? '';
  let fewest = Infinity;
  for (const literal of literals) {
    const count = occurrences(literal, sample, COUNT_UP_TO);
    if (count < fewest) {
      fewest = count;
      best = literal;
    }
  }
  return best;
}

/**
 * Node's Buffer#indexOf finds a needle of up to this many bytes with memchr
 * on its first byte, and a longer one with Boyer-Moore-Horspool, which on a
 * log is several times slower than memchr on a byte that is not too common.
 */
const MEMCHR_NEEDLE = 7;

/** A memchr stop on a byte is worth this many: a needle found returns from indexOf to the gate, and its line may be handed on. */
const FOUND_COST = 32;

/** Stops on a needle's first byte are counted up to this: more make a byte common. */
const STOPS_UP_TO = 1024;

/**
 * What a literal is searched for by: the literal itself when it is short;
 * in a longer one, the memchr-sized piece that costs least in the sample,
 * where its first byte is rare and the piece is not much more common than
 * the literal.
 */
function needleOf(literal: string, sample: Buffer): string {
  if (literal.length <= MEMCHR_NEEDLE) return literal;
  let best = literal.slice(0, MEMCHR_NEEDLE);
  let lowest = Infinity;
  const probe = sample.subarray(0, PROBE_BYTES);
  for (let offset = 0; offset + MEMCHR_NEEDLE <= literal.length; offset++) {
    const piece = literal.slice(offset, offset + MEMCHR_NEEDLE);
    const cost = occurrences(piece.slice(0, 1), probe, STOPS_UP_TO) + FOUND_COST * occurrences(piece, sample, COUNT_UP_TO);
    if (cost < lowest) {
      lowest = cost;
      best = piece;
    }
  }
  return best;
}

function occurrences(text: string, sample: Buffer, upTo: number): number {
  const needle = Buffer.from(text, 'latin1');
  let count = 0;
  for (let at = sample.indexOf(needle); at >= 0 && count < upTo; at = sample.indexOf(needle, at + needle.length)) count++;
  return count;
}

/** A gate as a reader of inputs uses it, with what to tell of the lines it turned away. */
export interface LineFilter {
  gate: LineGate;
  /** After each read of an input that turned lines away: timers can run meanwhile, as they would between lines. */
  skipped: () => void;
}
