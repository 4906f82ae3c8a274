import type { EngineCore } from '../core.js';
import { contextActions } from './contexts.js';
import { controlActions } from './control.js';
import { correlationActions } from './correlation.js';
import { CONTROL_NORMAL, type ActionHandler } from './handler.js';
import { nativeActions } from './native.js';
import { outputActions } from './output.js';
import type { Action, ActionKind } from './parse.js';
import { processActions } from './processes.js';
import { rehearsed } from './rehearsal.js';
import { socketActions } from './sockets.js';

export { CONTROL_NORMAL } from './handler.js';

/** Every action of the SEC 2.9 list onramp runs, and the native ones, by family. */
const ACTIONS: Record<ActionKind, ActionHandler> = {
  ...outputActions,
  ...contextActions,
  ...controlActions,
  ...correlationActions,
  ...processActions,
  ...socketActions,
  ...nativeActions,
};

/** Runs one action of a list that fired with description `desc`; -1 for break, 0 for continue, 1 otherwise. */
export function runAction(core: EngineCore, a: Action, desc: string): number {
  const arg = (i: number): string => core.text(a, i, desc);
  if (core.options.rehearse !== undefined && rehearsed(core, a, desc, arg)) return CONTROL_NORMAL;
  return ACTIONS[a.kind](core, a, desc, arg) ?? CONTROL_NORMAL;
}
