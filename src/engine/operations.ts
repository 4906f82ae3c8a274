import type { Action } from './actions/parse.js';
import type { ContextExpr } from './context-expr.js';
import type { Pattern } from './pattern.js';
import { ownCopy } from './own-copy.js';
import { RenewingMap } from './renewing-map.js';
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
  /** EventGroup: occurrence times per member pattern. */
  memberTimes: number[][];
  allTimes: number[];
  /** EventGroup: each event's egtoken, in arrival order, for egpattern. */
  egTokens: string[];
  /** EventGroup: slide actions with the match of the event that started the operation, as SEC keeps them. */
  slide: Action[];
  deleting: boolean;
}

/**
 * Shared by operations that never record occurrence times or actions (Pair,
 * SingleWithSuppress) or no longer need them (a threshold reached): nothing
 * to allocate per event. Never written into.
 */
export const NO_TIMES: number[] = [];
const NO_TOKENS: string[] = [];
export const NO_ACTIONS: Action[] = [];

/** No EventGroup members: nothing to record per member. */
const NO_MEMBERS: number[][] = [];

/** A new operation of `rule` keyed by its description, its window starting `now`. */
export function newOperation(rule: Rule, file: RuleFile, desc: string, action: Action[], action2: Action[], now: number): Operation {
  const key = ownCopy(desc);
  return {
    key, rule, file, time: now, window: rule.window, desc: key, desc2: rule.desc2, action, action2,
    times: rule.type === 'SingleWithThreshold' || rule.type === 'SingleWith2Thresholds' ? [] : NO_TIMES,
    suppress: false, secondPass: false, pattern2: undefined, context2: undefined,
    memberTimes: rule.type === 'EventGroup' ? rule.members.map(() => []) : NO_MEMBERS,
    allTimes: rule.type === 'EventGroup' ? [] : NO_TIMES,
    egTokens: rule.type === 'EventGroup' ? [] : NO_TOKENS,
    slide: NO_ACTIONS,
    deleting: false,
  };
}

/**
 * Correlation operations, one small map per rule keyed by the operation's
 * description. Pair operations come and go with every request/reply couple;
 * in one big shared map their churn would rehash the long-lived entries of
 * every other rule too. Each is a RenewingMap, since that churn is what it
 * is made for.
 */
export class OperationTable {
  private readonly byRule = new Map<Rule, RenewingMap<string, Operation>>();

  get(rule: Rule, key: string): Operation | undefined {
    return this.byRule.get(rule)?.get(key);
  }

  has(rule: Rule, key: string): boolean {
    return this.byRule.get(rule)?.has(key) === true;
  }

  set(rule: Rule, key: string, op: Operation): void {
    let ops = this.byRule.get(rule);
    if (ops === undefined) {
      ops = new RenewingMap();
      this.byRule.set(rule, ops);
    }
    ops.set(key, op);
  }

  delete(rule: Rule, key: string): void {
    this.byRule.get(rule)?.delete(key);
  }

  forRule(rule: Rule): RenewingMap<string, Operation> | undefined {
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
