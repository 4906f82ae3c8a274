import type { Action } from './actions/parse.js';
import type { ContextExpr } from './context-expr.js';
import type { Pattern } from './pattern.js';
import type { Rule, RuleFile } from './rules.js';

/** One running correlation operation (SEC's %corr_list entry). */
export interface Operation {
  key: string;
  rule: Rule;
  file: RuleFile;
  time: number;
  window: number;
  desc: string;
  desc2: string;
  action: Action[];
  action2: Action[];
  times: number[];
  suppress: boolean;
  secondPass: boolean;
  pattern2: Pattern | undefined;
  context2: ContextExpr | undefined;
  act2Copied: boolean;
  /** EventGroup: occurrence times per member pattern. */
  memberTimes: number[][];
  allTimes: number[];
  /** EventGroup: each event's egtoken, in arrival order, for egpattern. */
  egTokens: string[];
  /** EventGroup: slide actions with the match of the event that started the operation, as SEC keeps them. */
  slide: Action[];
  deleting: boolean;
}

/** Shared by operations that never record occurrence times (Pair, SingleWithSuppress): nothing to allocate per event. */
const NO_TIMES: number[] = [];
const NO_TOKENS: string[] = [];
const NO_ACTIONS: Action[] = [];

/** A new operation of `rule` keyed by `key`, its window starting `now`. */
export function newOperation(rule: Rule, file: RuleFile, key: string, desc: string, action: Action[], action2: Action[], now: number): Operation {
  return {
    key: keep(key), rule, file, time: now, window: rule.window, desc, desc2: rule.desc2, action, action2,
    times: rule.type === 'SingleWithThreshold' || rule.type === 'SingleWith2Thresholds' ? [] : NO_TIMES,
    suppress: false, secondPass: false, pattern2: undefined, context2: undefined, act2Copied: false,
    memberTimes: rule.type === 'EventGroup' ? rule.members.map(() => []) : [],
    allTimes: rule.type === 'EventGroup' ? [] : NO_TIMES,
    egTokens: rule.type === 'EventGroup' ? [] : NO_TOKENS,
    slide: NO_ACTIONS,
    deleting: false,
  };
}

/**
 * A fresh flat copy of a string that an operation keeps. Lookup keys are built
 * for every event and die at once; if the few that are kept came from the same
 * allocation site, V8 would pretenure that site and every throwaway key would
 * land in the old generation, growing the heap between full collections.
 */
function keep(text: string): string {
  return Buffer.from(text, 'latin1').toString('latin1');
}

/**
 * Correlation operations, one small map per rule keyed by the operation's
 * description. Pair operations come and go with every request/reply couple;
 * in one big shared map their churn would rehash the long-lived entries of
 * every other rule too.
 */
export class OperationTable {
  private readonly byRule = new Map<Rule, Map<string, Operation>>();

  get(rule: Rule, key: string): Operation | undefined {
    return this.byRule.get(rule)?.get(key);
  }

  has(rule: Rule, key: string): boolean {
    return this.byRule.get(rule)?.has(key) === true;
  }

  set(rule: Rule, key: string, op: Operation): void {
    let ops = this.byRule.get(rule);
    if (ops === undefined) {
      ops = new Map();
      this.byRule.set(rule, ops);
    }
    ops.set(key, op);
  }

  delete(rule: Rule, key: string): void {
    this.byRule.get(rule)?.delete(key);
  }

  forRule(rule: Rule): Map<string, Operation> | undefined {
    return this.byRule.get(rule);
  }

  all(): Operation[] {
    const out: Operation[] = [];
    for (const ops of this.byRule.values()) for (const op of ops.values()) out.push(op);
    return out;
  }

  get size(): number {
    let n = 0;
    for (const ops of this.byRule.values()) n += ops.size;
    return n;
  }

  clear(): void {
    this.byRule.clear();
  }
}
