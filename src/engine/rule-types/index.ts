import type { Rule, RuleType } from '../rules.js';
import { eventGroup } from './event-group.js';
import { takesNoEvents, type RuleTypeHandler } from './handler.js';
import { jump } from './jump.js';
import { pair, pairWithWindow } from './pair.js';
import { singleWithScript } from './script.js';
import { single, singleWithSuppress, suppress } from './single.js';
import { singleWith2Thresholds, singleWithThreshold } from './thresholds.js';

export type { RuleTypeHandler } from './handler.js';
export { runCalendars } from './calendar.js';

/** Each SEC rule type's matching, expiry and window moves. */
const HANDLERS: Record<RuleType, RuleTypeHandler> = {
  Single: single,
  SingleWithScript: singleWithScript,
  SingleWithSuppress: singleWithSuppress,
  Suppress: suppress,
  Pair: pair,
  PairWithWindow: pairWithWindow,
  SingleWithThreshold: singleWithThreshold,
  SingleWith2Thresholds: singleWith2Thresholds,
  EventGroup: eventGroup,
  Calendar: takesNoEvents,
  Jump: jump,
  Options: takesNoEvents,
};

export function ruleTypeOf(rule: Rule): RuleTypeHandler {
  return HANDLERS[rule.type];
}
