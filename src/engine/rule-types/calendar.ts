import { calendarMatches } from '../calendar.js';
import type { EngineCore } from '../core.js';
import type { Rule } from '../rules.js';

/**
 * Runs the Calendar rules whose time specification matches this minute and
 * whose context holds, each at most once a minute; `lastRun` remembers the
 * minute each ran in.
 */
export function runCalendars(core: EngineCore, now: number, lastRun: Map<Rule, string>): void {
  const date = new Date(now * 1000);
  const minute = `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}-${date.getHours()}-${date.getMinutes()}`;
  for (const f of core.rules.files) {
    for (const rule of f.rules) {
      if (rule.type !== 'Calendar' || rule.calendar === undefined) continue;
      if (lastRun.get(rule) === minute || !calendarMatches(rule.calendar, date)) continue;
      if (rule.context === undefined || core.holdsNow(rule.context.expr)) {
        core.execute(rule.action.actions, rule.desc);
        lastRun.set(rule, minute);
      }
    }
  }
}
