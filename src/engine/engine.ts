import type { Context } from './contexts.js';
import { EngineCore } from './core.js';
import type { EngineOptions } from './engine-options.js';
import { lineGateOf, type LineFilter } from './line-gate.js';
import { ruleTypeOf, runCalendars } from './rule-types/index.js';
import type { Rule, RuleFileSummary, RuleSet, RuleType } from './rules.js';

export type { EngineOptions, LeaseDetails, NativeActionSink } from './engine-options.js';

/** How many events one rule matched. */
export interface RuleMatches {
  file: string;
  line: number;
  type: RuleType;
  matches: number;
}

const FILE_CONTEXT_PREFIX = '_FILE_EVENT_';
const SEC_INTERNAL_CONTEXT = 'SEC_INTERNAL_EVENT';

/**
 * SEC's event correlation loop. processLine() runs every rule file on one
 * line synchronously; actions that start programs or connections do that
 * work in the background, and close() waits for it. What each rule type and
 * action does lives in rule-types/ and actions/; the state they share in
 * EngineCore.
 */
export class Engine {
  private readonly core: EngineCore;
  private readonly calendarLast = new Map<Rule, string>();
  private lastCleanup: number;
  private started = false;
  private closing = false;

  constructor(
    rules: RuleSet,
    private readonly options: EngineOptions,
  ) {
    this.core = new EngineCore(rules, options);
    this.lastCleanup = this.core.seconds();
  }

  summary(): RuleFileSummary[] {
    return this.core.rules.summary();
  }

  /** Emits SEC_STARTUP when internal events are on; called by the first line or tick if not called before. */
  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.options.intevents === true) this.internalEvent('SEC_STARTUP');
  }

  /** One input line; `context` is the input's own internal context (SEC's --input=FILE=CONTEXT). */
  processLine(line: string, source: string, context?: string): void {
    if (!this.started) this.start();
    const intContext = context ?? (this.options.intcontexts === true ? `${FILE_CONTEXT_PREFIX}${source}` : undefined);
    this.core.handleEvent(line, source, intContext);
    if (this.core.events.length > 0) this.core.drainEvents();
    this.runDueTimers();
  }

  /**
   * For a caller that reads inputs in bulk: a filter that turns away, on
   * their bytes, lines that no rule can match (undefined when some rule can
   * match any line). Valid for the rules of now: take it again after a restart.
   */
  lineFilter(): LineFilter | undefined {
    const gate = lineGateOf(this.core.rules);
    return gate === undefined ? undefined : { gate, skipped: this.linesSkipped };
  }

  /**
   * The input whose line fired the action being carried out now: undefined
   * for actions of timers, calendars and expiring contexts, and of synthetic
   * events. A native-action sink asks it to judge where an action came from.
   */
  inputOfCurrentEvent(): string | undefined {
    return this.core.matchingInput;
  }

  /** Lines went by unmatched: what is due by the clock happens, as it would after a line. */
  private readonly linesSkipped = (): void => {
    if (!this.started) this.start();
    this.runDueTimers();
  };

  private runDueTimers(): void {
    if (this.core.seconds() - this.lastCleanup >= 1) this.tick();
  }

  /** Writes out buffered `write -` output now rather than on the next turn of the event loop. */
  flushOutput(): void {
    this.core.outputs.flush();
  }

  tick(): void {
    if (!this.started) this.start();
    this.lastCleanup = this.core.seconds();
    this.processLists();
    this.core.drainEvents();
    this.core.outputs.flush();
  }

  private internalEvent(name: string): void {
    this.core.handleEvent(name, undefined, SEC_INTERNAL_CONTEXT);
    this.core.drainEvents();
  }

  /** SEC's process_lists: context expiry, delayed events, Calendar rules, correlation windows. */
  private processLists(): void {
    const core = this.core;
    core.contexts.sweep();
    const now = core.seconds();
    if (core.pending.length > 0) {
      const due = core.pending.filter((p) => now >= p.at);
      core.pending = core.pending.filter((p) => now < p.at);
      for (const p of due) core.events.push([p.text, p.context]);
    }
    runCalendars(core, now, this.calendarLast);
    for (const op of core.operations.all()) {
      // An earlier expiry's actions may have ended this one (reset).
      if (core.operations.get(op.rule, op.key) !== op) continue;
      if (now - op.time <= op.window) continue;
      ruleTypeOf(op.rule).expire(core, op, now);
    }
  }

  /** HUP: new rules, every context, operation and variable dropped (SEC's full restart). */
  restart(rules: RuleSet): void {
    const core = this.core;
    core.useRules(rules);
    core.operations.clear();
    core.contexts.clear();
    core.variables.clear();
    core.pending = [];
    core.events.length = 0;
    this.calendarLast.clear();
    core.outputs.reopen();
    if (this.options.intevents === true) this.internalEvent('SEC_RESTART');
  }

  /** ABRT: new rules; operations of rule files that did not change are kept (SEC's soft restart). */
  softRestart(rules: RuleSet, unchanged: (file: string) => boolean): void {
    const core = this.core;
    const keep = new Set(rules.files.filter((f) => unchanged(f.file)).map((f) => f.file));
    const byFile = new Map(rules.files.map((f) => [f.file, f]));
    const survivors = core.operations.all();
    core.operations.clear();
    for (const op of survivors) {
      const newFile = byFile.get(op.file.file);
      const newRule = newFile?.rules[op.rule.id];
      if (!keep.has(op.file.file) || newFile === undefined || newRule === undefined) continue;
      op.file = newFile;
      op.rule = newRule;
      core.operations.set(newRule, op.key, op);
    }
    core.useRules(rules);
    if (this.options.intevents === true) this.internalEvent('SEC_SOFTRESTART');
  }

  /** USR2: reopen output files (after log rotation). */
  reopenOutputs(): void {
    this.core.outputs.reopen();
    if (this.options.intevents === true) this.internalEvent('SEC_LOGROTATE');
  }

  /** Events each rule matched since the rules were loaded (Options rules, which take none, left out). */
  ruleMatches(): RuleMatches[] {
    const core = this.core;
    return core.rules.files.flatMap((f) => f.rules.filter((rule) => rule.type !== 'Options').map((rule) => ({
      file: f.file, line: rule.line, type: rule.type, matches: core.matchesOf(rule),
    })));
  }

  /** USR1: a readable account of the engine state, like SEC's dump file. */
  dump(): string {
    const core = this.core;
    const now = core.seconds();
    const lines = [`onramp rule engine state at ${new Date(now * 1000).toISOString()}`, ''];
    for (const f of core.rules.files) lines.push(`${f.rules.length} rules loaded from ${f.file}`);
    lines.push('', `Active event correlation operations: ${core.operations.size}`);
    for (const op of core.operations.all()) {
      lines.push(`  ${op.rule.type} rule at ${op.file.file}:${op.rule.line}, desc '${op.desc}', window start ${op.time}, ${op.window}s`);
    }
    const names = core.contexts.names();
    lines.push('', `Contexts: ${names.length}`);
    for (const name of names) {
      const ctx: Context | undefined = core.contexts.raw(name);
      if (ctx === undefined) continue;
      lines.push(`  ${name}: created ${ctx.time}, lifetime ${ctx.window}s, ${ctx.buffer.length} events`);
    }
    lines.push('', `Action list variables: ${core.variables.size}`);
    for (const [name, value] of core.variables) lines.push(`  %${name} = '${value}'`);
    lines.push('', `Running child processes: ${core.processes.children.size}`);
    return `${lines.join('\n')}\n`;
  }

  /** Flushes `write -` output, emits SEC_SHUTDOWN (with --intevents) and waits for child processes. */
  async close(waitForChildren = true): Promise<void> {
    const core = this.core;
    if (core.closed || this.closing) return;
    this.closing = true;
    if (this.options.intevents === true && this.started) this.internalEvent('SEC_SHUTDOWN');
    core.outputs.flush();
    if (waitForChildren) await core.processes.allExited();
    // Scripts that ended while we waited have run their action lists; nothing runs after this.
    core.closed = true;
    await core.sockets.closeAll();
    core.outputs.closeAll();
  }
}
