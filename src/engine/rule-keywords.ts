import type { RuleType } from './rule.js';

/** Each rule type's keywords: true when the rule must have it. */
export const KEYWORDS: Record<string, Record<string, boolean>> = {
  SINGLE: { type: true, continue: false, ptype: true, pattern: true, varmap: false, context: false, desc: true, action: true },
  SINGLEWITHSCRIPT: {
    type: true, continue: false, ptype: true, pattern: true, varmap: false, context: false, script: true, shell: false,
    desc: true, action: true, action2: false,
  },
  SINGLEWITHSUPPRESS: {
    type: true, continue: false, ptype: true, pattern: true, varmap: false, context: false, desc: true, action: true, window: true,
  },
  PAIR: {
    type: true, continue: false, ptype: true, pattern: true, varmap: false, context: false, desc: true, action: true,
    continue2: false, ptype2: true, pattern2: true, varmap2: false, context2: false, desc2: true, action2: true, window: false,
  },
  PAIRWITHWINDOW: {
    type: true, continue: false, ptype: true, pattern: true, varmap: false, context: false, desc: true, action: true,
    continue2: false, ptype2: true, pattern2: true, varmap2: false, context2: false, desc2: true, action2: true, window: true,
  },
  SINGLEWITHTHRESHOLD: {
    type: true, continue: false, ptype: true, pattern: true, varmap: false, context: false, desc: true, action: true,
    action2: false, window: true, thresh: true,
  },
  SINGLEWITH2THRESHOLDS: {
    type: true, continue: false, ptype: true, pattern: true, varmap: false, context: false, desc: true, action: true,
    window: true, thresh: true, desc2: true, action2: true, window2: true, thresh2: true,
  },
  SUPPRESS: { type: true, ptype: true, pattern: true, varmap: false, context: false, desc: false },
  CALENDAR: { type: true, time: true, context: false, desc: true, action: true },
  JUMP: { type: true, continue: false, ptype: true, pattern: true, varmap: false, context: false, cfset: false, constset: false, desc: false },
  OPTIONS: { type: true, joincfset: false, procallin: false },
};

/** Rule type names as written (in any case), upper-cased, to the engine's. */
export const TYPE_NAMES: Record<string, RuleType> = {
  SINGLE: 'Single', SINGLEWITHSCRIPT: 'SingleWithScript', SINGLEWITHSUPPRESS: 'SingleWithSuppress', PAIR: 'Pair',
  PAIRWITHWINDOW: 'PairWithWindow', SINGLEWITHTHRESHOLD: 'SingleWithThreshold', SINGLEWITH2THRESHOLDS: 'SingleWith2Thresholds',
  EVENTGROUP: 'EventGroup', SUPPRESS: 'Suppress', CALENDAR: 'Calendar', JUMP: 'Jump', OPTIONS: 'Options',
};

/** EventGroupN's keywords: N of each member keyword. */
export function eventGroupKeywords(n: number): Record<string, boolean> {
  const keywords: Record<string, boolean> = {
    type: true, desc: true, action: true, multact: false, init: false, slide: false, end: false, window: true, egptype: false, egpattern: false,
  };
  for (let k = 1; k <= n; k++) {
    const s = k === 1 ? '' : String(k);
    Object.assign(keywords, {
      [`continue${s}`]: false, [`ptype${s}`]: true, [`pattern${s}`]: true, [`varmap${s}`]: false, [`context${s}`]: false,
      [`count${s}`]: false, [`thresh${s}`]: false, [`egtoken${s}`]: false,
    });
  }
  return keywords;
}
