import { Events } from '../../log/events.js';
import type { EngineCore } from '../core.js';
import { shellQuote } from '../substitute.js';
import { CONTROL_BREAK, CONTROL_CONTINUE, CONTROL_NORMAL, type ActionFamily, type ActionHandler } from './handler.js';
import { SYNTHETIC_CONTEXT } from './processes.js';

/** Each line of `text` becomes an event with internal context `context`, now or `delay` seconds on. */
function syntheticEvents(core: EngineCore, text: string, context: string, delay: number): void {
  const lines = text.split('\n');
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (delay > 0) {
    const at = core.seconds() + delay;
    for (const line of lines) core.pending.push({ at, text: line, context });
  } else {
    for (const line of lines) core.events.push([line, context]);
  }
}

/** tevent and cevent: the delay is action text, checked when the action runs. */
const delayedEvent: ActionHandler = (core, a, _desc, arg) => {
  const offset = a.kind === 'tevent' ? arg(0) : arg(1);
  const m = /^\s*0*([0-9]+)\s*$/.exec(offset);
  if (m === null) {
    core.logger.warn({ event: Events.ruleError }, `invalid time specification '${offset}' for creating events`);
    return undefined;
  }
  if (a.kind === 'tevent') syntheticEvents(core, arg(1), SYNTHETIC_CONTEXT, Number(m[1]));
  else syntheticEvents(core, arg(2), arg(0), Number(m[1]));
  return undefined;
};

function isTrue(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0';
}

/** Synthetic events, action-list variables, if/while and their break and continue. */
export const controlActions: ActionFamily<
  'none' | 'event' | 'tevent' | 'cevent' | 'assign' | 'assignsq' | 'free' | 'varset' | 'if' | 'while' | 'break' | 'continue'
> = {
  none: () => undefined,
  event(core, a, _desc, arg) {
    syntheticEvents(core, arg(1), SYNTHETIC_CONTEXT, Number(a.args[0] ?? 0));
    return undefined;
  },
  tevent: delayedEvent,
  cevent: delayedEvent,
  assign(core, a, _desc, arg) {
    core.variables.set(a.args[0] ?? '', arg(1));
    return undefined;
  },
  assignsq(core, a, _desc, arg) {
    core.variables.set(a.args[0] ?? '', shellQuote(arg(1)));
    return undefined;
  },
  free(core, a) {
    core.variables.delete(a.args[0] ?? '');
    return undefined;
  },
  varset(core, a, _desc, arg) {
    core.variables.set(a.args[0] ?? '', core.cache.has(arg(1)) ? '1' : '0');
    return undefined;
  },
  if(core, a, desc) {
    const list = isTrue(core.variables.get(a.args[0] ?? '')) ? a.lists[0] : a.lists[1];
    if (list === undefined || list.length === 0) return undefined;
    const r = core.execute(list, desc);
    return r === CONTROL_NORMAL ? undefined : r;
  },
  while(core, a, desc) {
    const body = a.lists[0] ?? [];
    while (isTrue(core.variables.get(a.args[0] ?? ''))) {
      if (core.execute(body, desc) === CONTROL_BREAK) break;
    }
    return undefined;
  },
  break: () => CONTROL_BREAK,
  continue: () => CONTROL_CONTINUE,
};
