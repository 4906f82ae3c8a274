import type { EngineCore } from '../core.js';
import type { Action, ActionKind } from './parse.js';

/** SEC's execute_actionlist results: -1 for break, 0 for continue, 1 to go on. */
export const CONTROL_BREAK = -1;
export const CONTROL_CONTINUE = 0;
export const CONTROL_NORMAL = 1;

/**
 * Runs one action. `arg(i)` is argument i with its action-list variables put
 * in (a shell command line's values quoted). Returns a control result for
 * break and continue, nothing otherwise.
 */
export type ActionHandler = (core: EngineCore, a: Action, desc: string, arg: (i: number) => string) => number | undefined;

/** A family's actions, by keyword. */
export type ActionFamily<K extends ActionKind> = Record<K, ActionHandler>;
