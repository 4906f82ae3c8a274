import type { Pattern } from './pattern.js';
import type { Rule, RuleSet } from './rules.js';

/**
 * What a line must contain for some rule of a set to match it. Most lines of
 * a log match no rule, and when every rule's patterns need literal strings,
 * such lines can be turned away on the raw bytes, never decoded nor handed to
 * the rules. Each alternative is one pattern's literals, all of which a line
 * needs for that pattern to match; a line holding no alternative is matched by
 * no rule.
 */
export interface LineGate {
  /** Distinct literals, each char a byte (lines are decoded as latin1). */
  literals: string[];
  /** Indexes into `literals`: a pattern needs every one of them. */
  alternatives: number[][];
}

/**
 * The gate of a rule set, or undefined when some pattern can match a line
 * without a literal: negated, cached and truth-value patterns, multi-line
 * patterns (each line counts for the lines after it), DHCP patterns (they
 * match a parsed lease), a regex with none, or a second pattern of a Pair
 * whose regex takes values from the first match.
 */
export function lineGateOf(rules: RuleSet): LineGate | undefined {
  const literals: string[] = [];
  const alternatives: number[][] = [];
  for (const file of rules.files) {
    for (const rule of file.rules) {
      for (const { pattern, second } of linePatterns(rule)) {
        const needed = patternLiterals(pattern, second);
        if (needed === undefined) return undefined;
        alternatives.push(
          needed.map((literal) => {
            const known = literals.indexOf(literal);
            return known >= 0 ? known : literals.push(literal) - 1;
          }),
        );
      }
    }
  }
  return { literals, alternatives };
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
 * Applies a gate to lines in a byte buffer. Each literal is searched for
 * once per occurrence (from where the last search found it), not once per
 * line, so a line without any costs a few comparisons.
 */
export class GateScanner {
  private readonly needles: Buffer[];
  private readonly alternatives: number[][];
  /** Per literal: where its next occurrence at or after the last line asked about starts (Infinity: none). */
  private readonly next: number[];
  private buffer: Buffer = Buffer.alloc(0);

  constructor(gate: LineGate) {
    this.needles = gate.literals.map((l) => Buffer.from(l, 'latin1'));
    this.alternatives = gate.alternatives;
    this.next = gate.literals.map(() => -1);
  }

  /** The buffer's bytes up to `end` are new: what was found in the old ones no longer holds. */
  reset(buffer: Buffer, end: number): void {
    this.buffer = buffer.subarray(0, end);
    this.next.fill(-1);
  }

  /** Whether the line from `start` to `end` (its newline or the end of the bytes) holds every literal of some alternative. Lines are asked about in order. */
  passes(start: number, end: number): boolean {
    const next = this.next;
    for (const alternative of this.alternatives) {
      let all = true;
      for (const k of alternative) {
        let at = next[k] as number;
        if (at < start) {
          const found = this.buffer.indexOf(this.needles[k] as Buffer, start);
          at = found < 0 ? Infinity : found;
          next[k] = at;
        }
        // A literal holds no newline, so one that starts in the line ends in it.
        if (at >= end) {
          all = false;
          break;
        }
      }
      if (all) return true;
    }
    return false;
  }
}

/** A gate as a reader of inputs uses it, with what to tell of the lines it turned away. */
export interface LineFilter {
  gate: LineGate;
  /** After each read of an input that turned lines away: timers can run meanwhile, as they would between lines. */
  skipped(): void;
}
