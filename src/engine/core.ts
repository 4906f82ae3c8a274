import type { DhcpParseOptions } from '../dhcp/index.js';
import type { Logger } from '../log/index.js';
import { CONTROL_NORMAL, runAction } from './actions/index.js';
import type { Action } from './actions/parse.js';
import { Processes } from './actions/processes.js';
import { Sockets } from './actions/sockets.js';
import { SecondsClock } from './clock.js';
import { evalContext, type ContextCondition, type ContextExpr } from './context-expr.js';
import { ContextStore } from './contexts.js';
import type { EngineOptions } from './engine-options.js';
import { InputBuffer } from './input-buffer.js';
import { OperationTable } from './operations.js';
import { Outputs } from './output.js';
import { matchPattern, type Pattern } from './pattern.js';
import { ruleTypeOf, type RuleTypeHandler } from './rule-types/index.js';
import type { Rule, RuleFile, RuleSet } from './rules.js';
import { NO_VARS, type MatchVars } from './match-vars.js';
import { substAction, substActionShell, substMatch, substMatchInAction, substMatchShell, type MatchCache } from './substitute.js';
import { actionVariable } from './variables.js';

/**
 * The state one event is matched against, and what rule types and actions
 * share to work on it: the operations, contexts, variables and match cache,
 * the lines seen, the clock, the queue of synthetic events, the programs,
 * files and sockets actions keep open. Engine runs the loop around it.
 */
export class EngineCore {
  readonly logger: Logger;
  readonly compat: boolean;
  readonly clock: SecondsClock;
  readonly outputs: Outputs;
  readonly contexts: ContextStore;
  readonly variables = new Map<string, string>();
  readonly operations = new OperationTable();
  /** This event's varmap entries: a new Map for each event that made some (Map.clear would link its old table to the new one, see RenewingMap). */
  cache: MatchCache = new Map();
  readonly processes: Processes;
  readonly sockets: Sockets;
  /** Synthetic events waiting to be matched, each with its internal context. */
  readonly events: [string, string][] = [];
  /** Synthetic events created with a delay (event N, tevent, cevent). */
  pending: { at: number; text: string; context: string }[] = [];
  input: InputBuffer;
  /** The files every event goes through (not jump-only), and the files of each cfset. */
  readonly mainFiles: RuleFile[] = [];
  readonly cfsets = new Map<string, RuleFile[]>();
  /** Each file's rule types in rule order, looked up once per load rather than per rule and event. */
  private readonly handlers = new Map<RuleFile, RuleTypeHandler[]>();
  /** Events each rule matched since its rules were loaded, as SEC counts them for its dump. */
  private readonly matchCounts = new Map<Rule, number>();
  /** Set once close() has waited for the children: nothing runs after it. */
  closed = false;
  /** The input of the event being matched; undefined between events and for synthetic ones. */
  matchingInput: string | undefined;
  private intContextName: string | undefined;
  private readonly dhcpOptions: DhcpParseOptions | undefined;

  constructor(
    public rules: RuleSet,
    readonly options: EngineOptions,
  ) {
    this.logger = options.logger;
    this.compat = options.secShellCompat === true;
    this.dhcpOptions = options.dhcpHostnames === undefined ? undefined : { hostnames: options.dhcpHostnames };
    this.clock = new SecondsClock(options.now ?? Date.now, options.now !== undefined);
    const stdout = options.output ?? ((text: string) => process.stdout.write(Buffer.from(text, 'latin1')));
    this.outputs = new Outputs(stdout, this.logger);
    this.contexts = new ContextStore(
      () => this.seconds(),
      (ctx) => {
        this.execute(ctx.actions, ctx.desc);
      },
    );
    this.processes = new Processes(this.logger, options.rehearse, this.afterOutsideEvent);
    this.sockets = new Sockets(this.logger);
    this.input = this.inputBufferFor(rules);
    this.indexFiles();
  }

  /** Now in SEC's whole seconds. */
  seconds(): number {
    return this.clock.seconds();
  }

  /** New rules (a restart): the input buffer is kept unless the rules look further back. */
  useRules(rules: RuleSet): void {
    if (rules.bufferSize() !== this.rules.bufferSize()) this.input = this.inputBufferFor(rules);
    this.rules = rules;
    this.matchCounts.clear();
    this.indexFiles();
  }

  /** The rule types call it once an event matched `rule` (its pattern and context held). */
  countMatch(rule: Rule): void {
    this.matchCounts.set(rule, (this.matchCounts.get(rule) ?? 0) + 1);
  }

  matchesOf(rule: Rule): number {
    return this.matchCounts.get(rule) ?? 0;
  }

  private indexFiles(): void {
    this.mainFiles.length = 0;
    this.cfsets.clear();
    this.handlers.clear();
    for (const f of this.rules.files) {
      this.handlers.set(f, f.rules.map(ruleTypeOf));
      if (!f.jumpOnly) this.mainFiles.push(f);
      for (const set of f.cfsets) {
        const list = this.cfsets.get(set) ?? [];
        list.push(f);
        this.cfsets.set(set, list);
      }
    }
  }

  private inputBufferFor(rules: RuleSet): InputBuffer {
    const size = Math.max(rules.bufferSize(), this.options.bufferSize ?? 0);
    return new InputBuffer(size, this.options.jointBuffer === true || this.options.bufferSize === 1);
  }

  /** Matches one event; `intContext`, when given, exists as an internal context meanwhile. */
  handleEvent(line: string, source: string | undefined, intContext: string | undefined): void {
    this.matchingInput = source;
    this.intContextName = intContext;
    if (intContext !== undefined) this.contexts.setInternal(intContext);
    this.input.push(line, source);
    if (this.cache.size > 0) this.cache = new Map();
    const files = this.mainFiles;
    for (let f = 0; f < files.length; f++) {
      if (this.runFile(files[f] as RuleFile, 0)) break;
    }
    if (intContext !== undefined) this.contexts.removeInternal(intContext);
    this.intContextName = undefined;
    this.matchingInput = undefined;
  }

  /** Runs a rule file from rule `start`; true when EndMatch stopped all matching. `trace`: the cfsets a Jump is in. */
  runFile(file: RuleFile, start: number, trace?: Set<string>): boolean {
    const rules = file.rules;
    const handlers = this.handlers.get(file) ?? rules.map(ruleTypeOf);
    let i = start;
    while (i >= 0 && i < rules.length) {
      i = (handlers[i] as RuleTypeHandler).match(this, file, rules[i] as Rule, i, trace);
    }
    return i === -1;
  }

  private draining = false;

  /** Matches the synthetic events queued so far, and those they queue in turn. */
  drainEvents(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.events.shift(); next !== undefined; next = this.events.shift()) {
        this.handleEvent(next[0], undefined, this.options.intcontexts === true ? next[1] : undefined);
      }
    } finally {
      this.draining = false;
    }
  }

  /** A child's output or exit was handled between lines: what it queued is matched and output written now. */
  readonly afterOutsideEvent = (): void => {
    this.drainEvents();
    this.outputs.flush();
  };

  /** The current event against `pattern`: its match values, or null when it does not match. */
  match(pattern: Pattern | undefined): MatchVars | null {
    if (pattern === undefined) return null;
    return matchPattern(pattern, this.input, this.cache, this.intContextName, this.dhcpOptions);
  }

  /** A rule's context condition, with this event's values put into volatile names; `expr` replaces the rule's. */
  holds(cond: ContextCondition | undefined, vars: MatchVars | null, expr?: ContextExpr): boolean {
    if (cond === undefined) return true;
    const e = expr ?? cond.expr;
    if (vars !== null && !vars.empty && cond.volatile) {
      this.conditionVars = vars;
      try {
        return evalContext(e, this.contextExistsWithValues, this.cacheHasWithValues);
      } finally {
        this.conditionVars = NO_VARS;
      }
    }
    return this.holdsNow(e);
  }

  /** The values a volatile condition is evaluated with: one pair of lookups for every event, no closures per event. */
  private conditionVars: MatchVars = NO_VARS;
  private readonly contextExistsWithValues = (name: string): boolean => this.contexts.exists(substMatch(name, this.conditionVars, this.cache));
  private readonly cacheHasWithValues = (name: string): boolean => this.cache.has(substMatch(name, this.conditionVars, this.cache));

  private readonly contextExists = (name: string): boolean => this.contexts.exists(name);
  private readonly cacheHas = (name: string): boolean => this.cache.has(name);

  /** A context expression as it stands. */
  holdsNow(e: ContextExpr): boolean {
    return evalContext(e, this.contextExists, this.cacheHas);
  }

  /** Pre-evaluated condition ([…]), pattern, then condition: the event's match values, or null. */
  matchRule(pattern: Pattern | undefined, cond: ContextCondition | undefined, expr?: ContextExpr): MatchVars | null {
    if (cond?.preEval === true && !this.holdsNow(expr ?? cond.expr)) return null;
    const vars = this.match(pattern);
    if (vars === null) return null;
    if (cond !== undefined && !cond.preEval && !this.holds(cond, vars, expr)) return null;
    return vars;
  }

  descFor(desc: string, vars: MatchVars): string {
    return !vars.empty ? substMatch(desc, vars, this.cache) : desc;
  }

  /** Copies an action list with match variables substituted (SEC's copy_actionlist + subst_actionlist). */
  actionsFor(actions: Action[], volatile: boolean, vars: MatchVars, token: '$' | '%' = '$'): Action[] {
    if (!volatile || vars.empty) return actions;
    return this.substActions(actions, vars, token);
  }

  /**
   * The list with match values in. What the values do not change is shared
   * with the rule's own list rather than copied: an operation keeps its
   * copies for its lifetime, and a Single rule makes them for every event.
   */
  substActions(actions: Action[], vars: MatchVars, token: '$' | '%'): Action[] {
    // Copies are made whole (slice) and then written into: no spare capacity kept for the operation's lifetime.
    let out: Action[] | undefined;
    for (let k = 0; k < actions.length; k++) {
      const a = actions[k] as Action;
      const copy = this.substOne(a, vars, token);
      if (copy === a) continue;
      out ??= actions.slice();
      out[k] = copy;
    }
    return out ?? actions;
  }

  private substOne(a: Action, vars: MatchVars, token: '$' | '%'): Action {
    let args: string[] | undefined;
    for (let i = 0; i < a.args.length; i++) {
      const arg = a.args[i] as string;
      const value = i === a.shell && !this.compat ? substMatchShell(arg, vars, this.cache, token) : substMatchInAction(arg, vars, this.cache, token);
      if (value === arg) continue;
      args ??= a.args.slice();
      args[i] = value;
    }
    let lists: Action[][] | undefined;
    for (let i = 0; i < a.lists.length; i++) {
      const list = a.lists[i] as Action[];
      const copy = this.substActions(list, vars, token);
      if (copy === list) continue;
      lists ??= a.lists.slice();
      lists[i] = copy;
    }
    if (args === undefined && lists === undefined) return a;
    return { ...a, args: args ?? a.args, lists: lists ?? a.lists };
  }

  /** SEC's execute_actionlist; returns -1 for break, 0 for continue, 1 otherwise. */
  execute(actions: Action[], desc: string): number {
    this.options.rehearse?.('fired', desc);
    for (const action of actions) {
      const r = runAction(this, action, desc);
      if (r <= 0) return r;
    }
    return CONTROL_NORMAL;
  }

  lookup(desc: string): (name: string) => string | undefined {
    return (name) => actionVariable(name, desc, this.clock.now(), this.variables);
  }

  /** Argument `i` of an action with its action-list variables in; a shell command line's values quoted. */
  text(action: Action, i: number, desc: string): string {
    const arg = action.args[i] ?? '';
    if (i === action.shell && !this.compat) return substActionShell(arg, this.lookup(desc));
    return substAction(arg, this.lookup(desc));
  }

  /** The program arguments of an action from argument `from` on (no shell). */
  argv(action: Action, from: number, desc: string): string[] {
    return action.args.slice(from).map((a) => substAction(a, this.lookup(desc)));
  }
}
