import { Events } from '../../log/events.js';
import type { ActionFamily, ActionHandler } from './handler.js';
import type { Action } from './parse.js';
import { programOf } from './processes.js';

const SECONDS = /^\s*0*([0-9]+)\s*$/;
/** A context created without expiry actions: one empty list for all of them. */
const NO_ACTIONS: Action[] = [];

const createOrSet: ActionHandler = (core, a, desc, arg) => {
  const name = arg(0);
  const lifetime = SECONDS.exec(arg(1));
  if (lifetime === null) {
    core.logger.warn({ event: Events.ruleError, context: name }, `invalid lifetime '${arg(1)}' for context`);
    return undefined;
  }
  if (a.kind === 'create') {
    core.contexts.create(name, Number(lifetime[1]), a.lists[0] ?? NO_ACTIONS, desc);
    return undefined;
  }
  const ctx = core.contexts.get(name);
  if (ctx === undefined || ctx.internal) return undefined;
  ctx.time = core.seconds();
  ctx.window = Number(lifetime[1]);
  if (a.lists[0] !== undefined) {
    ctx.actions = a.lists[0];
    ctx.desc = desc;
  }
  return undefined;
};

const store: ActionHandler = (core, a, _desc, arg) => {
  core.contexts.store(arg(0), arg(1).split('\n'), a.kind as 'add' | 'prepend' | 'fill');
  return undefined;
};

/** report, reportexec: the context's store goes to a program's stdin, or to standard output without one. */
const report: ActionHandler = (core, a, desc, arg) => {
  // An expiring context can report its own store from its expiry actions.
  const name = arg(0);
  const ctx = core.contexts.raw(name)?.deleting === true ? core.contexts.raw(name) : core.contexts.get(name);
  if (ctx === undefined) return undefined;
  const text = ctx.buffer.map((l) => `${l}\n`).join('');
  const argv = a.kind === 'report' && a.shell < 0 ? [] : programOf(core, a, 1, desc, arg);
  if (argv.length === 0) core.outputs.write('-', text);
  else core.processes.run(argv, text, a.kind);
  return undefined;
};

/** copy, pop, shift, empty: a context's store into a variable. */
const takeStore: ActionHandler = (core, a, _desc, arg) => {
  const ctx = core.contexts.get(arg(0));
  const variable = a.args[1] ?? '';
  if (ctx === undefined) return undefined;
  if (a.kind === 'copy') core.variables.set(variable, ctx.buffer.join('\n'));
  else if (a.kind === 'pop') core.variables.set(variable, ctx.buffer.pop() ?? '');
  else if (a.kind === 'shift') core.variables.set(variable, ctx.buffer.shift() ?? '');
  else {
    if (variable !== '') core.variables.set(variable, ctx.buffer.join('\n'));
    ctx.buffer = [];
  }
  return undefined;
};

/** exists, getsize, getaliases, getltime, getctime: a fact about a context into a variable. */
const inspect: ActionHandler = (core, a, _desc, arg) => {
  const variable = a.args[0] ?? '';
  const ctx = core.contexts.get(arg(1));
  if (a.kind === 'exists') core.variables.set(variable, ctx === undefined ? '0' : '1');
  // SEC unsets the variable for a missing context only in getsize; the others leave it as it was.
  else if (ctx === undefined) {
    if (a.kind === 'getsize') core.variables.delete(variable);
  } else if (a.kind === 'getsize') core.variables.set(variable, String(ctx.buffer.length));
  else if (a.kind === 'getaliases') core.variables.set(variable, [...ctx.aliases].sort().join('\n'));
  else if (a.kind === 'getltime') core.variables.set(variable, String(ctx.window));
  else core.variables.set(variable, String(ctx.time));
  return undefined;
};

/** Contexts, their aliases and their stores. */
export const contextActions: ActionFamily<
  | 'create' | 'set' | 'delete' | 'obsolete' | 'alias' | 'unalias' | 'add' | 'prepend' | 'fill' | 'report' | 'reportexec'
  | 'copy' | 'pop' | 'shift' | 'empty' | 'exists' | 'getsize' | 'getaliases' | 'getltime' | 'getctime' | 'setltime' | 'setctime'
> = {
  create: createOrSet,
  set: createOrSet,
  delete(core, _a, _desc, arg) {
    core.contexts.delete(arg(0));
    return undefined;
  },
  obsolete(core, _a, _desc, arg) {
    core.contexts.obsolete(arg(0));
    return undefined;
  },
  alias(core, _a, _desc, arg) {
    core.contexts.alias(arg(0), arg(1));
    return undefined;
  },
  unalias(core, _a, _desc, arg) {
    core.contexts.unalias(arg(0));
    return undefined;
  },
  add: store,
  prepend: store,
  fill: store,
  report,
  reportexec: report,
  copy: takeStore,
  pop: takeStore,
  shift: takeStore,
  empty: takeStore,
  exists: inspect,
  getsize: inspect,
  getaliases: inspect,
  getltime: inspect,
  getctime: inspect,
  setltime(core, _a, _desc, arg) {
    const ctx = core.contexts.get(arg(0));
    const lifetime = SECONDS.exec(arg(1));
    if (ctx !== undefined && lifetime !== null && !ctx.internal) {
      ctx.window = Number(lifetime[1]);
      // Looked up again: a lifetime already over ends the context now, as in SEC.
      core.contexts.get(arg(0));
    }
    return undefined;
  },
  setctime(core, _a, _desc, arg) {
    const ctx = core.contexts.get(arg(1));
    const time = SECONDS.exec(arg(0));
    // Only forward and not past now, as in SEC: an earlier time would expire the context retroactively.
    if (ctx !== undefined && time !== null && !ctx.internal && Number(time[1]) >= ctx.time && Number(time[1]) <= core.seconds()) {
      ctx.time = Number(time[1]);
      core.contexts.get(arg(1));
    }
    return undefined;
  },
};
