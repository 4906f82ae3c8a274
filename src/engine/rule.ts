import type { ActionList } from './actions/parse.js';
import type { CalendarSpec } from './calendar.js';
import type { CommandPlan } from './command.js';
import type { ContextCondition } from './context-expr.js';
import type { Pattern } from './pattern.js';

/** A compiled SEC rule and the rule file it is in, as the engine runs them. */

export type RuleType =
  | 'Single' | 'SingleWithScript' | 'SingleWithSuppress' | 'Pair' | 'PairWithWindow' | 'SingleWithThreshold'
  | 'SingleWith2Thresholds' | 'EventGroup' | 'Suppress' | 'Calendar' | 'Jump' | 'Options';

export interface EventGroupMember {
  pattern: Pattern;
  context: ContextCondition | undefined;
  next: number;
  count: ActionList;
  thresh: number;
  /** What this member adds to the event group string egpattern is matched against (egtokenN; default N). */
  egToken: string;
}

export interface Rule {
  type: RuleType;
  id: number;
  file: string;
  line: number;
  next: number;
  next2: number;
  pattern: Pattern | undefined;
  pattern2: Pattern | undefined;
  context: ContextCondition | undefined;
  context2: ContextCondition | undefined;
  desc: string;
  desc2: string;
  action: ActionList;
  action2: ActionList;
  window: number;
  window2: number;
  thresh: number;
  thresh2: number;
  script: CommandPlan | undefined;
  cfset: string[];
  constset: boolean;
  calendar: CalendarSpec | undefined;
  members: EventGroupMember[];
  egPattern: Pattern | undefined;
  init: ActionList;
  slide: ActionList;
  end: ActionList;
  multact: boolean;
}

export interface RuleFile {
  file: string;
  rules: Rule[];
  /** `Options` rule: procallin=no means the file only sees events from Jump rules. */
  jumpOnly: boolean;
  cfsets: string[];
}

export interface RuleFileSummary {
  file: string;
  count: number;
}
