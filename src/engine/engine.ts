import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, type Socket } from 'node:net';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
// The event names only: loading the logger implementation (pino) costs start-up time
// that `onramp run --notail` on a short file would feel.
import type { DhcpParseOptions, HostnameResolver } from '../dhcp/index.js';
import { Events } from '../log/events.js';
import type { Logger } from '../log/index.js';
import type { Action } from './actions.js';
import { calendarMatches } from './calendar.js';
import { needsShell, splitArgs, type CommandPlan } from './command.js';
import { evalContext, mapContextNames, type ContextCondition, type ContextExpr } from './context-expr.js';
import { ContextStore, type Context } from './contexts.js';
import { lineGateOf, type LineFilter } from './line-gate.js';
import { Outputs } from './output.js';
import { compilePattern, matchPattern, type InputWindow, type Pattern } from './pattern.js';
import type { Rule, RuleFile, RuleFileSummary, RuleSet } from './rules.js';
import {
  shellQuote, substAction, substActionShell, substMatch, substMatchInAction, substMatchShell, type MatchCache, type MatchVars,
} from './substitute.js';
import { UnixDatagramRelay } from './unix-datagram.js';
import { staysInside } from './write-target.js';
import { actionVariable } from './variables.js';

export interface NativeActionSink {
  /** Option 82 (relay agent) ids, when the DHCP server logged them, help place a factory switch. */
  onboard(ip: string, mac: string, hostname: string, relay?: { circuitId?: string; remoteId?: string }): void;
  check(host: string): void;
  provision(ip: string, name: string): void;
  backup(host: string): void;
}

export interface EngineOptions {
  logger: Logger;
  sink?: NativeActionSink;
  /** Injectable clock in milliseconds; SEC's timing works in whole seconds of it. */
  now?: () => number;
  /** Where `write -` goes; default process.stdout (bytes as latin1). */
  output?: (text: string) => void;
  /** Put event values into shell command lines raw, as SEC does. */
  secShellCompat?: boolean;
  /** Generate SEC_STARTUP / SEC_SHUTDOWN / SEC_RESTART … internal events. */
  intevents?: boolean;
  /**
   * SEC's --intcontexts: while a line is matched, an internal context names
   * where it came from (_FILE_EVENT_<file>, the input's own context, or
   * _INTERNAL_EVENT for synthetic events).
   */
  intcontexts?: boolean;
  /**
   * SEC's --jointbuf: multi-line patterns see the last lines of all inputs
   * together. By default (as SEC) each input, and synthetic events, keep
   * their own lines.
   */
  jointBuffer?: boolean;
  /** SEC's --bufsize: lines kept for multi-line patterns (loadRules refuses patterns longer than that); 1 implies jointBuffer. */
  bufferSize?: number;
  /**
   * Rehearsal (`onramp rules test`): every action list that fires and every
   * action with an effect outside the engine (programs, files other than
   * stdout, sockets, log lines, native actions) is described here instead of
   * being carried out. Contexts, variables and synthetic events still work,
   * so correlation behaves as it would for real. Scripts are taken to exit 0.
   */
  rehearse?: (what: string, detail: string) => void;
  /**
   * Where `ptype=DHCP` finds the hostname of a lease whose log line has none:
   * Kea logs leases without it, and its memfile lease file has it.
   */
  dhcpHostnames?: HostnameResolver;
}

interface Operation {
  key: string;
  rule: Rule;
  file: RuleFile;
  time: number;
  window: number;
  desc: string;
  desc2: string;
  action: Action[];
  action2: Action[];
  times: number[];
  suppress: boolean;
  secondPass: boolean;
  pattern2: Pattern | undefined;
  context2: ContextExpr | undefined;
  act2Copied: boolean;
  /** EventGroup: occurrence times per member pattern. */
  memberTimes: number[][];
  allTimes: number[];
  /** EventGroup: each event's egtoken, in arrival order, for egpattern. */
  egTokens: string[];
  /** EventGroup: slide actions with the match of the event that started the operation, as SEC keeps them. */
  slide: Action[];
  deleting: boolean;
}

const SYNTHETIC_CONTEXT = '_INTERNAL_EVENT';
const FILE_CONTEXT_PREFIX = '_FILE_EVENT_';
const SEC_INTERNAL_CONTEXT = 'SEC_INTERNAL_EVENT';
const CONTROL_BREAK = -1;
const CONTROL_CONTINUE = 0;
const CONTROL_NORMAL = 1;
/** Shared by operations that never record occurrence times (Pair, SingleWithSuppress): nothing to allocate per event. */
const NO_TIMES: number[] = [];
const NO_TOKENS: string[] = [];
const NO_ACTIONS: Action[] = [];

/**
 * Correlation operations, one small map per rule keyed by the operation's
 * description. Pair operations come and go with every request/reply couple;
 * in one big shared map their churn would rehash the long-lived entries of
 * every other rule too.
 */
class OperationTable {
  private readonly byRule = new Map<Rule, Map<string, Operation>>();

  get(rule: Rule, key: string): Operation | undefined {
    return this.byRule.get(rule)?.get(key);
  }

  has(rule: Rule, key: string): boolean {
    return this.byRule.get(rule)?.has(key) === true;
  }

  set(rule: Rule, key: string, op: Operation): void {
    let ops = this.byRule.get(rule);
    if (ops === undefined) {
      ops = new Map();
      this.byRule.set(rule, ops);
    }
    ops.set(key, op);
  }

  delete(rule: Rule, key: string): void {
    this.byRule.get(rule)?.delete(key);
  }

  forRule(rule: Rule): Map<string, Operation> | undefined {
    return this.byRule.get(rule);
  }

  all(): Operation[] {
    const out: Operation[] = [];
    for (const ops of this.byRule.values()) for (const op of ops.values()) out.push(op);
    return out;
  }

  get size(): number {
    let n = 0;
    for (const ops of this.byRule.values()) n += ops.size;
    return n;
  }

  clear(): void {
    this.byRule.clear();
  }
}

/** The last lines of one stream of events, oldest first once full. */
class LineRing {
  private readonly lines: string[];
  private pos = 0;

  constructor(private readonly size: number) {
    this.lines = new Array<string>(size).fill('');
  }

  push(line: string): void {
    this.pos = (this.pos + 1) % this.size;
    this.lines[this.pos] = line;
  }

  joined(count: number): string {
    const out: string[] = [];
    for (let k = count - 1; k >= 0; k--) out.push(this.lines[(this.pos - k + this.size * 2) % this.size] ?? '');
    return out.join('\n');
  }
}

class InputBuffer implements InputWindow {
  line = '';
  source: string | undefined;
  private readonly all: LineRing;
  private readonly srcs: (string | undefined)[];
  private pos = 0;
  /** Without a joint buffer: each input's own lines, and synthetic events' (key undefined). */
  private readonly bySource: Map<string | undefined, LineRing> | undefined;

  constructor(
    private readonly size: number,
    joint: boolean,
  ) {
    this.all = new LineRing(size);
    this.srcs = new Array<string | undefined>(size).fill(undefined);
    this.bySource = joint || size === 1 ? undefined : new Map();
  }

  push(line: string, source: string | undefined): void {
    this.line = line;
    this.source = source;
    if (this.size === 1) return;
    this.all.push(line);
    this.pos = (this.pos + 1) % this.size;
    this.srcs[this.pos] = source;
    if (this.bySource === undefined) return;
    let ring = this.bySource.get(source);
    if (ring === undefined) {
      ring = new LineRing(this.size);
      this.bySource.set(source, ring);
    }
    ring.push(line);
  }

  joined(count: number): string {
    return (this.bySource?.get(this.source) ?? this.all).joined(count);
  }

  /** Where the lines a multi-line pattern saw came from: without a joint buffer, all from this event's source. */
  sources(count: number): string {
    if (this.bySource !== undefined) return this.source ?? 'synthetic';
    const out: string[] = [];
    for (let k = count - 1; k >= 0; k--) out.push(this.srcs[(this.pos - k + this.size * 2) % this.size] ?? 'synthetic');
    return out.join(' ');
  }
}

/** Uses of one clock reading within a burst of lines: at a million lines a second, well under a millisecond. */
const CLOCK_REUSE = 256;

/**
 * SEC's event correlation loop. processLine() runs every rule file on one
 * line synchronously; actions that start programs or connections do that
 * work in the background, and close() waits for it.
 */
export class Engine {
  private readonly logger: Logger;
  private readonly dhcpOptions: DhcpParseOptions | undefined;
  private readonly clock: () => number;
  private readonly compat: boolean;
  private readonly outputs: Outputs;
  private readonly contexts: ContextStore;
  private readonly variables = new Map<string, string>();
  private readonly operations = new OperationTable();
  private readonly cache: MatchCache = new Map();
  private input: InputBuffer;
  private readonly events: [string, string][] = [];
  private pending: { at: number; text: string; context: string }[] = [];
  private readonly children = new Set<ChildProcess>();
  private readonly sockets = new Map<string, Socket | UdpSocket>();
  private readonly relays = new Map<string, UnixDatagramRelay>();
  private readonly calendarLast = new Map<Rule, string>();
  private readonly mainFiles: RuleFile[];
  private readonly cfsets = new Map<string, RuleFile[]>();
  private lastCleanup: number;
  private second = 0;
  private clockReuses = 0;
  private inBurst = false;
  private started = false;
  private closed = false;
  private closing = false;
  private intContextName: string | undefined;
  /** The input of the event being matched; undefined between events and for synthetic ones. */
  private matchingInput: string | undefined;
  private draining = false;

  constructor(
    private rules: RuleSet,
    private readonly options: EngineOptions,
  ) {
    this.logger = options.logger;
    this.dhcpOptions = options.dhcpHostnames === undefined ? undefined : { hostnames: options.dhcpHostnames };
    this.clock = options.now ?? Date.now;
    this.compat = options.secShellCompat === true;
    const stdout = options.output ?? ((text: string) => process.stdout.write(Buffer.from(text, 'latin1')));
    this.outputs = new Outputs(stdout, this.logger);
    this.contexts = new ContextStore(
      () => this.seconds(),
      (ctx) => {
        this.execute(ctx.actions, ctx.desc);
      },
    );
    this.input = this.inputBufferFor(rules);
    this.mainFiles = [];
    this.indexFiles();
    this.lastCleanup = this.seconds();
  }

  private indexFiles(): void {
    this.mainFiles.length = 0;
    this.cfsets.clear();
    for (const f of this.rules.files) {
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

  /** Rules that look further back need a longer buffer; the lines kept so far are dropped with the old one. */
  private resizeInput(rules: RuleSet): void {
    if (rules.bufferSize() !== this.rules.bufferSize()) this.input = this.inputBufferFor(rules);
  }

  summary(): RuleFileSummary[] {
    return this.rules.summary();
  }

  /**
   * SEC's timing works in whole seconds, so the lines of one burst (one read
   * of an input, or a file under --notail) can share a clock reading: it is
   * taken again after the burst ends or after CLOCK_REUSE uses, whichever
   * comes first. Reading the clock for every line costs more than matching
   * a typical line. An injected clock is read every time.
   */
  private seconds(): number {
    if (this.clockReuses > 0) {
      this.clockReuses--;
      return this.second;
    }
    this.second = Math.floor(this.clock() / 1000);
    if (this.options.now === undefined) {
      this.clockReuses = CLOCK_REUSE;
      // One watcher per burst: a queued task per reading would pile up over a long synchronous file.
      if (!this.inBurst) {
        this.inBurst = true;
        queueMicrotask(this.burstEnded);
      }
    }
    return this.second;
  }

  private readonly burstEnded = (): void => {
    this.inBurst = false;
    this.clockReuses = 0;
  };

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
    this.handleEvent(line, source, intContext);
    if (this.events.length > 0) this.drainEvents();
    this.runDueTimers();
  }

  /**
   * For a caller that reads inputs in bulk: a filter that turns away, on
   * their bytes, lines that no rule can match (undefined when some rule can
   * match any line). Valid for the rules of now: take it again after a restart.
   */
  lineFilter(): LineFilter | undefined {
    const gate = lineGateOf(this.rules);
    return gate === undefined ? undefined : { gate, skipped: this.linesSkipped };
  }

  /** Lines went by unmatched: what is due by the clock happens, as it would after a line. */
  private readonly linesSkipped = (): void => {
    if (!this.started) this.start();
    this.runDueTimers();
  };

  private runDueTimers(): void {
    if (this.seconds() - this.lastCleanup >= 1) this.tick();
  }

  /** Writes out buffered `write -` output now rather than on the next turn of the event loop. */
  flushOutput(): void {
    this.outputs.flush();
  }

  tick(): void {
    if (!this.started) this.start();
    this.lastCleanup = this.seconds();
    this.processLists();
    this.drainEvents();
    this.outputs.flush();
  }

  private drainEvents(): void {
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

  /**
   * The input whose line fired the action being carried out now: undefined
   * for actions of timers, calendars and expiring contexts, and of synthetic
   * events. A native-action sink asks it to judge where an action came from.
   */
  inputOfCurrentEvent(): string | undefined {
    return this.matchingInput;
  }

  /** Matches one event; `intContext`, when given, exists as an internal context meanwhile. */
  private handleEvent(line: string, source: string | undefined, intContext: string | undefined): void {
    this.matchingInput = source;
    this.intContextName = intContext;
    if (intContext !== undefined) this.contexts.setInternal(intContext);
    this.input.push(line, source);
    if (this.cache.size > 0) this.cache.clear();
    const files = this.mainFiles;
    for (let f = 0; f < files.length; f++) {
      if (this.processRules(files[f] as RuleFile, 0)) break;
    }
    if (intContext !== undefined) this.contexts.removeInternal(intContext);
    this.intContextName = undefined;
    this.matchingInput = undefined;
  }

  /** Runs a rule file from rule `start`; true when EndMatch stopped all matching. */
  private processRules(file: RuleFile, start: number, trace?: Set<string>): boolean {
    const rules = file.rules;
    let i = start;
    while (i >= 0 && i < rules.length) {
      const rule = rules[i] as Rule;
      switch (rule.type) {
        case 'Calendar':
          i++;
          continue;
        case 'Pair':
        case 'PairWithWindow':
          i = this.matchPairRule(file, rule, i);
          break;
        case 'EventGroup':
          i = this.matchEventGroup(file, rule, i);
          break;
        default:
          i = this.matchSingleRule(file, rule, i, trace);
      }
    }
    return i === -1;
  }

  private contextTrue(cond: ContextCondition | undefined, vars: MatchVars | null, expr?: ContextExpr): boolean {
    if (cond === undefined) return true;
    const e = expr ?? cond.expr;
    if (vars !== null && vars.size > 0 && cond.volatile) {
      return evalContext(
        e,
        (name) => this.contexts.exists(substMatch(name, vars, this.cache)),
        (name) => this.cache.has(substMatch(name, vars, this.cache)),
      );
    }
    return this.evalExpr(e);
  }

  private readonly contextExists = (name: string): boolean => this.contexts.exists(name);
  private readonly cacheHas = (name: string): boolean => this.cache.has(name);

  private evalExpr(e: ContextExpr): boolean {
    return evalContext(e, this.contextExists, this.cacheHas);
  }

  private match(pattern: Pattern | undefined): MatchVars | null {
    if (pattern === undefined) return null;
    return matchPattern(pattern, this.input, this.cache, this.intContextName, this.dhcpOptions);
  }

  private matchSingleRule(file: RuleFile, rule: Rule, index: number, trace: Set<string> | undefined): number {
    const cond = rule.context;
    if (cond?.preEval === true && !this.evalExpr(cond.expr)) return index + 1;
    const vars = this.match(rule.pattern);
    if (vars === null) return index + 1;
    if (cond !== undefined && !cond.preEval && !this.contextTrue(cond, vars)) return index + 1;
    switch (rule.type) {
      case 'Suppress':
        return rule.next;
      case 'Jump':
        return this.processJump(rule, vars, trace) ? -1 : rule.next;
      case 'Single':
        this.execute(this.actionsFor(rule.action.actions, rule.action.volatile, vars), this.descFor(rule.desc, vars));
        break;
      case 'SingleWithScript':
        this.processScript(rule, vars);
        break;
      case 'SingleWithSuppress':
        this.processSuppress(file, rule, vars);
        break;
      case 'SingleWithThreshold':
        this.processThreshold(file, rule, vars);
        break;
      case 'SingleWith2Thresholds':
        this.processTwoThresholds(file, rule, vars);
        break;
      default:
        break;
    }
    return rule.next;
  }

  private descFor(desc: string, vars: MatchVars): string {
    return vars.size > 0 ? substMatch(desc, vars, this.cache) : desc;
  }

  /** Copies an action list with match variables substituted (SEC's copy_actionlist + subst_actionlist). */
  private actionsFor(actions: Action[], volatile: boolean, vars: MatchVars, token: '$' | '%' = '$'): Action[] {
    if (!volatile || vars.size === 0) return actions;
    return this.substActions(actions, vars, token);
  }

  private substActions(actions: Action[], vars: MatchVars, token: '$' | '%'): Action[] {
    return actions.map((a) => ({
      ...a,
      args: a.args.map((arg, i) =>
        i === a.shell && !this.compat ? substMatchShell(arg, vars, this.cache, token) : substMatchInAction(arg, vars, this.cache, token),
      ),
      lists: a.lists.map((l) => this.substActions(l, vars, token)),
    }));
  }

  /** Operations are kept per rule, so the description alone tells them apart (SEC's gen_key without file and rule). */
  private key(_file: RuleFile, _rule: Rule, desc: string): string {
    return desc;
  }

  private newOperation(file: RuleFile, rule: Rule, lookupKey: string, desc: string, action: Action[], action2: Action[]): Operation {
    const now = this.seconds();
    const key = keep(lookupKey);
    return {
      key, rule, file, time: now, window: rule.window, desc, desc2: rule.desc2, action, action2,
      times: rule.type === 'SingleWithThreshold' || rule.type === 'SingleWith2Thresholds' ? [] : NO_TIMES,
      suppress: false, secondPass: false, pattern2: undefined, context2: undefined, act2Copied: false,
      memberTimes: rule.type === 'EventGroup' ? rule.members.map(() => []) : [],
      allTimes: rule.type === 'EventGroup' ? [] : NO_TIMES,
      egTokens: rule.type === 'EventGroup' ? [] : NO_TOKENS,
      slide: NO_ACTIONS,
      deleting: false,
    };
  }

  private processSuppress(file: RuleFile, rule: Rule, vars: MatchVars): void {
    const desc = this.descFor(rule.desc, vars);
    const key = this.key(file, rule, desc);
    const now = this.seconds();
    const op = this.operations.get(rule, key);
    if (op !== undefined && now - op.time <= op.window) return;
    const action = this.actionsFor(rule.action.actions, rule.action.volatile, vars);
    const started = this.newOperation(file, rule, key, desc, action, []);
    this.operations.set(rule, started.key, started);
    this.execute(action, desc);
  }

  private processThreshold(file: RuleFile, rule: Rule, vars: MatchVars): void {
    const desc = this.descFor(rule.desc, vars);
    const key = this.key(file, rule, desc);
    const now = this.seconds();
    let op = this.operations.get(rule, key);
    if (op !== undefined && now - op.time > op.window) this.expireCounting(op, now, op.suppress, desc);
    op = this.operations.get(rule, key);
    if (op === undefined) {
      op = this.newOperation(
        file, rule, key, desc,
        this.actionsFor(rule.action.actions, rule.action.volatile, vars),
        this.actionsFor(rule.action2.actions, rule.action2.volatile, vars),
      );
      this.operations.set(rule, op.key, op);
    }
    if (op.suppress) return;
    op.times.push(now);
    if (op.times.length < rule.thresh) return;
    op.suppress = true;
    this.execute(op.action, desc);
  }

  /** SEC's update_times_swt: forget occurrences before `since`; the window starts at the oldest one left. */
  private slideTimes(op: Operation, since: number, pinStart = false): void {
    while (op.times.length > 0 && (op.times[0] ?? 0) < since) op.times.shift();
    op.time = !pinStart && op.times.length > 0 ? (op.times[0] ?? since) : since;
  }

  private processTwoThresholds(file: RuleFile, rule: Rule, vars: MatchVars): void {
    const desc = this.descFor(rule.desc, vars);
    const key = this.key(file, rule, desc);
    const now = this.seconds();
    let op = this.operations.get(rule, key);
    if (op !== undefined && now - op.time > op.window) this.expireCounting(op, now, op.secondPass, op.desc2);
    op = this.operations.get(rule, key);
    if (op === undefined) {
      op = this.newOperation(
        file, rule, key, desc,
        this.actionsFor(rule.action.actions, rule.action.volatile, vars),
        this.actionsFor(rule.action2.actions, rule.action2.volatile, vars),
      );
      op.desc2 = this.descFor(rule.desc2, vars);
      this.operations.set(rule, op.key, op);
    }
    op.times.push(now);
    if (!op.secondPass) {
      if (op.times.length < rule.thresh) return;
      op.secondPass = true;
      op.window = rule.window2;
      op.times = [];
      op.time = now;
      this.execute(op.action, desc);
      return;
    }
    // Second pass (SEC): more than thresh2 events in window2 slide the window to the oldest one left.
    if (op.times.length <= rule.thresh2) return;
    op.times.shift();
    op.time = op.times[0] ?? now;
  }

  private matchPairRule(file: RuleFile, rule: Rule, index: number): number {
    const cond = rule.context;
    check: {
      if (cond?.preEval === true && !this.evalExpr(cond.expr)) break check;
      const vars = this.match(rule.pattern);
      if (vars === null) break check;
      if (cond !== undefined && !cond.preEval && !this.contextTrue(cond, vars)) break check;
      this.startPair(file, rule, vars);
      return rule.next;
    }
    const ops = this.operations.forRule(rule);
    if (ops !== undefined && ops.size > 0 && this.matchPairOperations(rule, ops)) return rule.next2;
    return index + 1;
  }

  private startPair(file: RuleFile, rule: Rule, vars: MatchVars): void {
    const desc = this.descFor(rule.desc, vars);
    const key = this.key(file, rule, desc);
    const now = this.seconds();
    const existing = this.operations.get(rule, key);
    if (rule.type === 'PairWithWindow') {
      if (existing !== undefined && now - existing.time > existing.window) {
        this.operations.delete(rule, key);
        this.execute(existing.action, desc);
      }
      if (this.operations.has(rule, key)) return;
    } else if (existing !== undefined && !(existing.window > 0 && now - existing.time > existing.window)) {
      return;
    }
    const pattern2 = rule.pattern2 as Pattern;
    let p2 = pattern2;
    let desc2 = rule.desc2;
    let action2 = rule.action2.actions;
    let act2Copied = false;
    let context2 = rule.context2?.expr;
    let action = rule.action.actions;
    if (vars.size > 0) {
      action = this.actionsFor(rule.action.actions, rule.action.volatile, vars);
      const kind = pattern2.kind;
      if (kind === 'regexp' || kind === 'nregexp' || kind === 'cached' || kind === 'dhcp') {
        if ((kind === 'regexp' || kind === 'nregexp') && /\$/.test(pattern2.text) && substMatch(pattern2.text, new Map(), this.cache) !== pattern2.text) {
          const quoted = new Map([...vars].map(([k, v]) => [k, v === undefined ? undefined : quotemeta(v)]));
          try {
            p2 = { ...compilePattern(kind === 'regexp' ? 'RegExp' : 'NRegExp', substMatch(pattern2.text, quoted, this.cache)), lines: pattern2.lines, varmap: pattern2.varmap };
          } catch (err) {
            this.logger.warn({ event: Events.ruleError, file: rule.file, line: rule.line, err }, 'second pattern does not compile after substitution');
            return;
          }
        }
        const masked = new Map([...vars].map(([k, v]) => [k, v === undefined ? undefined : v.replaceAll('$', '$$$$')]));
        desc2 = substMatch(desc2, masked, this.cache, '%');
        if (rule.action2.volatile) {
          action2 = this.substActions(action2, masked, '%');
          act2Copied = true;
        }
        if (context2 !== undefined) context2 = mapContextNames(context2, (n) => substMatch(n, masked, this.cache, '%'));
      } else if (kind === 'substr' || kind === 'nsubstr') {
        p2 = { ...pattern2, text: substMatch(pattern2.text, vars, this.cache) };
        desc2 = substMatch(desc2, vars, this.cache);
        action2 = this.actionsFor(action2, rule.action2.volatile, vars);
        act2Copied = rule.action2.volatile;
        if (context2 !== undefined) context2 = mapContextNames(context2, (n) => substMatch(n, vars, this.cache));
      } else {
        desc2 = substMatch(desc2, vars, this.cache);
        action2 = this.actionsFor(action2, rule.action2.volatile, vars);
        act2Copied = rule.action2.volatile;
        if (context2 !== undefined) context2 = mapContextNames(context2, (n) => substMatch(n, vars, this.cache));
      }
    }
    const op = this.newOperation(file, rule, key, desc, action, action2);
    op.desc2 = desc2;
    op.pattern2 = p2;
    op.context2 = context2;
    op.act2Copied = act2Copied;
    this.operations.set(rule, op.key, op);
    if (rule.type === 'Pair') this.execute(action, desc);
  }

  private matchPairOperations(rule: Rule, ops: Map<string, Operation>): boolean {
    let matched = false;
    const cond = rule.context2;
    // Map iteration skips entries deleted on the way; actions cannot add to this map.
    for (const op of ops.values()) {
      if (cond?.preEval === true && op.context2 !== undefined && !this.evalExpr(op.context2)) continue;
      const vars = this.match(op.pattern2);
      if (vars === null) continue;
      if (cond !== undefined && !cond.preEval && !this.contextTrue(cond, vars, op.context2)) continue;
      const inWindow = rule.type === 'PairWithWindow' || op.window === 0 || this.seconds() - op.time <= op.window;
      if (inWindow) {
        matched = true;
        let action2 = op.action2;
        let desc2 = op.desc2;
        if (vars.size > 0) {
          if (rule.action2.volatile) action2 = this.substActions(action2, vars, '$');
          desc2 = substMatch(desc2, vars, this.cache);
        }
        this.execute(action2, desc2);
      }
      this.operations.delete(op.rule, op.key);
    }
    return matched;
  }

  private matchEventGroup(file: RuleFile, rule: Rule, index: number): number {
    for (let k = 0; k < rule.members.length; k++) {
      const member = rule.members[k];
      if (member === undefined) continue;
      const cond = member.context;
      if (cond?.preEval === true && !this.evalExpr(cond.expr)) continue;
      const vars = this.match(member.pattern);
      if (vars === null) continue;
      if (cond !== undefined && !cond.preEval && !this.contextTrue(cond, vars)) continue;
      this.processEventGroup(file, rule, k, vars);
      return member.next;
    }
    return index + 1;
  }

  private processEventGroup(file: RuleFile, rule: Rule, member: number, vars: MatchVars): void {
    const desc = this.descFor(rule.desc, vars);
    const key = this.key(file, rule, desc);
    const now = this.seconds();
    let op = this.operations.get(rule, key);
    if (op !== undefined && now - op.time > op.window) {
      if (!op.suppress) {
        this.slideEventGroup(op, now - op.window);
        if (op.allTimes.length === 0) {
          this.operations.delete(rule, key);
          op.deleting = true;
          this.execute(op.action2, desc);
        } else {
          this.execute(op.slide, desc);
        }
      } else {
        this.operations.delete(rule, key);
        op.deleting = true;
        this.execute(op.action2, desc);
      }
    }
    op = this.operations.get(rule, key);
    if (op === undefined) {
      op = this.newOperation(
        file, rule, key, desc,
        this.actionsFor(rule.action.actions, rule.action.volatile, vars),
        this.actionsFor(rule.end.actions, rule.end.volatile, vars),
      );
      op.slide = this.actionsFor(rule.slide.actions, rule.slide.volatile, vars);
      this.operations.set(rule, op.key, op);
      this.execute(this.actionsFor(rule.init.actions, rule.init.volatile, vars), desc);
      // An init action may end the operation (reset): the event then counts for nothing.
      if (this.operations.get(rule, key) !== op) return;
    }
    // Recorded before the count action runs, so that it sees this event in the window (SEC).
    if (!op.suppress) {
      op.memberTimes[member]?.push(now);
      op.allTimes.push(now);
      const token = rule.members[member]?.egToken;
      if (rule.egPattern !== undefined && token !== undefined) op.egTokens.push(vars.size > 0 ? substMatch(token, vars, this.cache) : token);
    }
    const counts = rule.members[member]?.count;
    if (counts !== undefined && counts.actions.length > 0) {
      this.execute(this.actionsFor(counts.actions, counts.volatile, vars), desc);
      if (this.operations.get(rule, key) !== op) return;
    }
    if (op.suppress) return;
    const reached = rule.members.every((m, k) => (op.memberTimes[k]?.length ?? 0) >= m.thresh);
    if (!reached) return;
    if (rule.egPattern !== undefined && !this.egPatternMatches(rule, op)) return;
    // multact=yes keeps the events: every later one that still meets the thresholds fires again.
    if (!rule.multact) op.suppress = true;
    this.execute(op.action, desc);
  }

  /** SEC matches egpattern against the tokens of the events in the window, in the order they came. */
  private egPatternMatches(rule: Rule, op: Operation): boolean {
    const p = rule.egPattern as Pattern;
    const text = op.egTokens.join(' ');
    if (p.kind === 'substr') return text.includes(p.text);
    if (p.kind === 'nsubstr') return !text.includes(p.text);
    const ok = (p.regex as RegExp).test(text);
    return p.kind === 'nregexp' ? !ok : ok;
  }

  private slideEventGroup(op: Operation, since: number): void {
    for (const times of op.memberTimes) {
      while (times.length > 0 && (times[0] ?? 0) < since) times.shift();
    }
    while (op.allTimes.length > 0 && (op.allTimes[0] ?? 0) < since) {
      op.allTimes.shift();
      op.egTokens.shift();
    }
    op.time = op.allTimes[0] ?? since;
  }

  /**
   * SEC's process_jump_rule. Loops are caught by set name, as SEC does: the
   * set being run is the trace, not the file, so a file may jump into a set
   * that holds it once before the loop is refused.
   */
  private processJump(rule: Rule, vars: MatchVars, trace: Set<string> | undefined): boolean {
    if (rule.cfset.length === 0) return false;
    const seen = trace ?? new Set<string>();
    const sets = rule.constset || vars.size === 0 ? rule.cfset : rule.cfset.map((set) => substMatch(set, vars, this.cache));
    for (const set of sets) {
      if (seen.has(set)) {
        this.logger.warn({ event: Events.ruleError, file: rule.file, line: rule.line }, `jump loop through set ${set} skipped`);
        continue;
      }
      const targets = this.cfsets.get(set);
      if (targets === undefined) continue;
      seen.add(set);
      for (const target of targets) {
        if (this.processRules(target, 0, seen)) {
          seen.delete(set);
          return true;
        }
      }
      seen.delete(set);
    }
    return false;
  }

  private processScript(rule: Rule, vars: MatchVars): void {
    const plan = rule.script as CommandPlan;
    const desc = this.descFor(rule.desc, vars);
    const action = this.actionsFor(rule.action.actions, rule.action.volatile, vars);
    const action2 = this.actionsFor(rule.action2.actions, rule.action2.volatile, vars);
    const stdin = this.contexts.names().map((n) => `${n}\n`).join('');
    if (this.options.rehearse !== undefined) {
      this.options.rehearse('script', this.commandFor(plan, vars).join(' '));
      this.execute(action, desc);
      return;
    }
    const child = this.runCommand(this.commandFor(plan, vars), stdin, 'script');
    if (child === undefined) return;
    child.on('close', (code) => {
      if (this.closed) return;
      this.execute(code === 0 ? action : action2, desc);
      this.drainEvents();
      this.outputs.flush();
    });
  }

  /** argv to run: split at load time (no shell), or a shell line with each value quoted for where it lands. */
  private commandFor(plan: CommandPlan, vars: MatchVars): string[] {
    if (this.compat) {
      const line = vars.size > 0 ? substMatch(plan.template, vars, this.cache) : plan.template;
      return needsShell(line) ? ['/bin/sh', '-c', line] : splitArgs(line);
    }
    if (plan.argv !== undefined) return vars.size > 0 ? plan.argv.map((a) => substMatch(a, vars, this.cache)) : plan.argv;
    return ['/bin/sh', '-c', vars.size > 0 ? substMatchShell(plan.template, vars, this.cache, '$', false) : plan.template];
  }

  private shellArgv(line: string): string[] {
    return needsShell(line) ? ['/bin/sh', '-c', line] : splitArgs(line);
  }

  /** Starts a program; stdin text is written and closed; returns undefined when it cannot start. */
  private runCommand(argv: string[], stdin: string | undefined, what: string, onLine?: (line: string) => void): ChildProcess | undefined {
    const [command, ...args] = argv;
    if (command === undefined) return undefined;
    if (this.options.rehearse !== undefined) {
      this.options.rehearse(what, argv.join(' '));
      return undefined;
    }
    let child: ChildProcess;
    try {
      child = spawn(command, args, { stdio: [stdin === undefined ? 'ignore' : 'pipe', onLine === undefined ? 'inherit' : 'pipe', 'inherit'] });
    } catch (err) {
      this.logger.error({ event: Events.ruleError, command, err }, `cannot run ${what}`);
      return undefined;
    }
    this.children.add(child);
    child.on('error', (err) => {
      this.logger.error({ event: Events.ruleError, command, err: err.message }, `cannot run ${what}`);
    });
    child.on('close', () => {
      this.children.delete(child);
    });
    if (stdin !== undefined && child.stdin !== null) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(Buffer.from(stdin, 'latin1'));
    }
    if (onLine !== undefined && child.stdout !== null) {
      let rest = '';
      child.stdout.setEncoding('latin1');
      child.stdout.on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        for (const part of parts) onLine(part);
        this.drainEvents();
        this.outputs.flush();
      });
      child.stdout.on('end', () => {
        if (rest !== '') onLine(rest);
        rest = '';
        this.drainEvents();
        this.outputs.flush();
      });
    }
    return child;
  }

  private syntheticEvents(text: string, context: string, delay: number): void {
    const lines = text.split('\n');
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    if (delay > 0) {
      const at = this.seconds() + delay;
      for (const line of lines) this.pending.push({ at, text: line, context });
    } else {
      for (const line of lines) this.events.push([line, context]);
    }
  }

  private internalEvent(name: string): void {
    this.handleEvent(name, undefined, SEC_INTERNAL_CONTEXT);
    this.drainEvents();
  }

  private lookup(desc: string): (name: string) => string | undefined {
    return (name) => actionVariable(name, desc, this.clock(), this.variables);
  }

  private text(action: Action, i: number, desc: string): string {
    const arg = action.args[i] ?? '';
    if (i === action.shell && !this.compat) return substActionShell(arg, this.lookup(desc));
    return substAction(arg, this.lookup(desc));
  }

  private shellText(action: Action, i: number, desc: string): string {
    if (this.compat) {
      const arg = action.args[i] ?? '';
      // SEC's --quoting flag only quotes %s; compat mode is SEC without it.
      return substAction(arg, this.lookup(desc));
    }
    return this.text(action, i, desc);
  }

  private argv(action: Action, from: number, desc: string): string[] {
    return action.args.slice(from).map((a) => substAction(a, this.lookup(desc)));
  }

  /** SEC's execute_actionlist; returns -1 for break, 0 for continue, 1 otherwise. */
  execute(actions: Action[], desc: string): number {
    this.options.rehearse?.('fired', desc);
    for (const action of actions) {
      const r = this.executeOne(action, desc);
      if (r <= 0) return r;
    }
    return CONTROL_NORMAL;
  }

  private executeOne(a: Action, desc: string): number {
    const t = (i: number): string => this.text(a, i, desc);
    if (this.options.rehearse !== undefined && this.rehearsed(a, t, desc)) return CONTROL_NORMAL;
    switch (a.kind) {
      case 'none':
        break;
      case 'logonly':
        this.logger.info({ event: Events.ruleLogonly }, t(0));
        break;
      case 'write':
      case 'writen':
      case 'owritecl': {
        const file = this.writeTarget(a, t(0), desc);
        if (file === undefined) break;
        if (a.kind === 'owritecl') this.outputs.writeOnce(file, t(1));
        else this.outputs.write(file, a.kind === 'write' ? `${t(1)}\n` : t(1));
        break;
      }
      case 'closef':
        this.outputs.close(t(0));
        break;
      case 'shellcmd':
        this.runCommand(this.shellArgv(this.shellText(a, 0, desc)), undefined, 'shellcmd');
        break;
      case 'cmdexec':
        this.runCommand(this.argv(a, 0, desc), undefined, 'cmdexec');
        break;
      case 'spawn':
        this.runCommand(this.shellArgv(this.shellText(a, 0, desc)), undefined, 'spawn', (line) => {
          this.events.push([line, SYNTHETIC_CONTEXT]);
        });
        break;
      case 'spawnexec':
        this.runCommand(this.argv(a, 0, desc), undefined, 'spawnexec', (line) => {
          this.events.push([line, SYNTHETIC_CONTEXT]);
        });
        break;
      case 'cspawn':
      case 'cspawnexec': {
        const context = t(0);
        const argv = a.kind === 'cspawn' ? this.shellArgv(this.shellText(a, 1, desc)) : this.argv(a, 1, desc);
        this.runCommand(argv, undefined, a.kind, (line) => {
          this.events.push([line, context]);
        });
        break;
      }
      case 'pipe':
      case 'pipeexec': {
        const text = `${t(0)}\n`;
        const argv = a.kind === 'pipe' ? this.shellArgv(this.shellText(a, 1, desc)) : this.argv(a, 1, desc);
        if (argv.length === 0) this.outputs.write('-', text);
        else this.runCommand(argv, text, a.kind);
        break;
      }
      case 'report':
      case 'reportexec': {
        // An expiring context can report its own store from its expiry actions.
        const name = t(0);
        const ctx = this.contexts.raw(name)?.deleting === true ? this.contexts.raw(name) : this.contexts.get(name);
        if (ctx === undefined) break;
        const text = ctx.buffer.map((l) => `${l}\n`).join('');
        const argv = a.kind === 'report' ? (a.shell < 0 ? [] : this.shellArgv(this.shellText(a, 1, desc))) : this.argv(a, 1, desc);
        if (argv.length === 0) this.outputs.write('-', text);
        else this.runCommand(argv, text, a.kind);
        break;
      }
      case 'udgram':
        this.sendDatagram(t(0), t(1));
        break;
      case 'closeudgr': {
        const relay = this.relays.get(t(0));
        this.relays.delete(t(0));
        void relay?.close();
        break;
      }
      case 'ustream':
      case 'udpsock':
      case 'tcpsock':
        this.sendSocket(a.kind, t(0), t(1));
        break;
      case 'closeustr':
      case 'closeudp':
      case 'closetcp':
        this.closeSocket(`${a.kind.slice(5)}:${t(0)}`);
        break;
      case 'create':
      case 'set': {
        const name = t(0);
        const lifetime = /^\s*0*([0-9]+)\s*$/.exec(t(1));
        if (lifetime === null) {
          this.logger.warn({ event: Events.ruleError, context: name }, `invalid lifetime '${t(1)}' for context`);
          break;
        }
        if (a.kind === 'create') this.contexts.create(name, Number(lifetime[1]), a.lists[0] ?? [], desc);
        else {
          const ctx = this.contexts.get(name);
          if (ctx !== undefined && !ctx.internal) {
            ctx.time = this.seconds();
            ctx.window = Number(lifetime[1]);
            if (a.lists[0] !== undefined) {
              ctx.actions = a.lists[0];
              ctx.desc = desc;
            }
          }
        }
        break;
      }
      case 'delete':
        this.contexts.delete(t(0));
        break;
      case 'obsolete':
        this.contexts.obsolete(t(0));
        break;
      case 'alias':
        this.contexts.alias(t(0), t(1));
        break;
      case 'unalias':
        this.contexts.unalias(t(0));
        break;
      case 'add':
      case 'prepend':
      case 'fill':
        this.contexts.store(t(0), t(1).split('\n'), a.kind);
        break;
      case 'copy':
      case 'pop':
      case 'shift':
      case 'empty': {
        const ctx = this.contexts.get(t(0));
        const variable = a.args[1] ?? '';
        if (ctx === undefined) break;
        if (a.kind === 'copy') this.variables.set(variable, ctx.buffer.join('\n'));
        else if (a.kind === 'pop') this.variables.set(variable, ctx.buffer.pop() ?? '');
        else if (a.kind === 'shift') this.variables.set(variable, ctx.buffer.shift() ?? '');
        else {
          if (variable !== '') this.variables.set(variable, ctx.buffer.join('\n'));
          ctx.buffer = [];
        }
        break;
      }
      case 'exists':
      case 'getsize':
      case 'getaliases':
      case 'getltime':
      case 'getctime': {
        const variable = a.args[0] ?? '';
        const ctx = this.contexts.get(t(1));
        if (a.kind === 'exists') this.variables.set(variable, ctx === undefined ? '0' : '1');
        // SEC unsets the variable for a missing context only in getsize; the others leave it as it was.
        else if (ctx === undefined) {
          if (a.kind === 'getsize') this.variables.delete(variable);
        }
        else if (a.kind === 'getsize') this.variables.set(variable, String(ctx.buffer.length));
        else if (a.kind === 'getaliases') this.variables.set(variable, [...ctx.aliases].sort().join('\n'));
        else if (a.kind === 'getltime') this.variables.set(variable, String(ctx.window));
        else this.variables.set(variable, String(ctx.time));
        break;
      }
      case 'setltime': {
        const ctx = this.contexts.get(t(0));
        const lifetime = /^\s*0*([0-9]+)\s*$/.exec(t(1));
        if (ctx !== undefined && lifetime !== null && !ctx.internal) {
          ctx.window = Number(lifetime[1]);
          this.contexts.get(t(0));
        }
        break;
      }
      case 'setctime': {
        const ctx = this.contexts.get(t(1));
        const time = /^\s*0*([0-9]+)\s*$/.exec(t(0));
        // Only forward and not past now, as in SEC: an earlier time would expire the context retroactively.
        if (ctx !== undefined && time !== null && !ctx.internal && Number(time[1]) >= ctx.time && Number(time[1]) <= this.seconds()) {
          ctx.time = Number(time[1]);
          this.contexts.get(t(1));
        }
        break;
      }
      case 'event':
        this.syntheticEvents(t(1), SYNTHETIC_CONTEXT, Number(a.args[0] ?? 0));
        break;
      case 'tevent':
      case 'cevent': {
        const offset = a.kind === 'tevent' ? t(0) : t(1);
        const m = /^\s*0*([0-9]+)\s*$/.exec(offset);
        if (m === null) {
          this.logger.warn({ event: Events.ruleError }, `invalid time specification '${offset}' for creating events`);
          break;
        }
        if (a.kind === 'tevent') this.syntheticEvents(t(1), SYNTHETIC_CONTEXT, Number(m[1]));
        else this.syntheticEvents(t(2), t(0), Number(m[1]));
        break;
      }
      case 'reset':
        this.reset(a, t(0));
        break;
      case 'getwpos':
      case 'setwpos':
        this.windowPosition(a, desc);
        break;
      case 'assign':
        this.variables.set(a.args[0] ?? '', t(1));
        break;
      case 'assignsq':
        this.variables.set(a.args[0] ?? '', shellQuote(t(1)));
        break;
      case 'free':
        this.variables.delete(a.args[0] ?? '');
        break;
      case 'varset':
        this.variables.set(a.args[0] ?? '', this.cache.has(t(1)) ? '1' : '0');
        break;
      case 'if': {
        const value = this.variables.get(a.args[0] ?? '');
        const list = value !== undefined && value !== '' && value !== '0' ? a.lists[0] : a.lists[1];
        if (list !== undefined && list.length > 0) {
          const r = this.execute(list, desc);
          if (r !== CONTROL_NORMAL) return r;
        }
        break;
      }
      case 'while': {
        const body = a.lists[0] ?? [];
        for (;;) {
          const value = this.variables.get(a.args[0] ?? '');
          if (value === undefined || value === '' || value === '0') break;
          if (this.execute(body, desc) === CONTROL_BREAK) break;
        }
        break;
      }
      case 'break':
        return CONTROL_BREAK;
      case 'continue':
        return CONTROL_CONTINUE;
      case 'onboard':
      case 'check':
      case 'provision':
      case 'backup':
        this.native(a, desc);
        break;
    }
    return CONTROL_NORMAL;
  }

  /**
   * A threshold operation's window ran out. Before its threshold was reached
   * the window slides on (and the operation ends once it holds no event);
   * after it, the operation ends with action2.
   */
  private expireCounting(op: Operation, now: number, thresholdReached: boolean, desc: string): void {
    if (!thresholdReached) {
      this.slideTimes(op, now - op.window);
      if (op.times.length === 0) this.operations.delete(op.rule, op.key);
    } else {
      this.operations.delete(op.rule, op.key);
      this.execute(op.action2, desc);
    }
  }

  /** The file a write action goes to, or undefined (logged) when event values took it out of its directory. */
  private writeTarget(a: Action, file: string, desc: string): string | undefined {
    if (a.targetDirectory === undefined || file === '-') return file;
    const directory = substAction(a.targetDirectory, this.lookup(desc));
    if (staysInside(file, directory)) return file;
    this.logger.warn(
      { event: Events.ruleError, action: a.kind, file, directory: directory === '' ? '.' : directory },
      `${a.kind} refused: event values take the file name out of its directory`,
    );
    return undefined;
  }

  /** In a rehearsal, describes an action whose effect leaves the engine; true when it was described instead of done. */
  private rehearsed(a: Action, t: (i: number) => string, desc: string): boolean {
    const say = this.options.rehearse;
    if (say === undefined) return false;
    switch (a.kind) {
      case 'logonly':
        say('logonly', t(0));
        return true;
      case 'write':
      case 'writen':
      case 'owritecl': {
        if (t(0) === '-') return false;
        const file = this.writeTarget(a, t(0), desc);
        if (file !== undefined) say(a.kind, `${file}: ${t(1)}`);
        return true;
      }
      case 'udgram':
      case 'ustream':
      case 'udpsock':
      case 'tcpsock':
        say(a.kind, `${t(0)}: ${t(1)}`);
        return true;
      case 'onboard':
      case 'check':
      case 'provision':
      case 'backup':
        say(a.kind, a.args.map((_, i) => t(i)).join(' '));
        return true;
      default:
        return false;
    }
  }

  private native(a: Action, desc: string): void {
    const args = this.argv(a, 0, desc);
    const sink = this.options.sink;
    if (sink === undefined) {
      this.logger.warn({ event: Events.ruleError, action: a.kind, args }, `native action ${a.kind} has no handler; ignored`);
      return;
    }
    try {
      if (a.kind === 'onboard') sink.onboard(args[0] ?? '', args[1] ?? '', args[2] ?? '', relayIds(args[3], args[4]));
      else if (a.kind === 'check') sink.check(args[0] ?? '');
      else if (a.kind === 'provision') sink.provision(args[0] ?? '', args[1] ?? '');
      else sink.backup(args[0] ?? '');
    } catch (err) {
      this.logger.error({ event: Events.ruleError, action: a.kind, err }, `native action ${a.kind} failed`);
    }
  }

  /**
   * The rule file whose rules a reset/getwpos/setwpos offset counts: the one
   * the action was written in (SEC keys operations by file), by name, since
   * copies made for match variables and nested lists are not in the rule.
   */
  private actionFile(a: Action): RuleFile | undefined {
    return this.rules.files.find((f) => f.file === a.ruleFile);
  }

  private reset(a: Action, desc: string): void {
    const file = this.actionFile(a);
    const files = file === undefined ? this.rules.files : [file];
    for (const f of files) {
      const rules = a.ruleIndex === undefined ? f.rules : [f.rules[a.ruleIndex]].filter((r): r is Rule => r !== undefined);
      for (const rule of rules) {
        const key = this.key(f, rule, desc);
        this.operations.delete(rule, key);
      }
    }
  }

  /** SEC's getwpos/setwpos: the operation of rule `ruleIndex` in the action's own file with description `text`. */
  private windowPosition(a: Action, desc: string): void {
    const text = this.text(a, 1, desc);
    const file = this.actionFile(a);
    const rule = a.ruleIndex === undefined || file === undefined ? undefined : file.rules[a.ruleIndex];
    if (file === undefined || rule === undefined) return;
    const op = this.operations.get(rule, this.key(file, rule, text));
    if (a.kind === 'getwpos') {
      if (op !== undefined) this.variables.set(a.args[0] ?? '', String(op.time));
      return;
    }
    const m = /^\s*0*([0-9]+)\s*$/.exec(this.text(a, 0, desc));
    if (m === null || op === undefined || op.deleting) return;
    const time = Number(m[1]);
    // The window only moves forward, and not past now: events it holds stay ordered in time.
    if (time <= op.time || time > this.seconds()) return;
    this.moveWindow(op, time);
  }

  /** SEC's setwpos: counting operations forget what falls before the new start, and one left empty ends. */
  private moveWindow(op: Operation, time: number): void {
    switch (op.rule.type) {
      case 'SingleWithThreshold':
      case 'SingleWith2Thresholds': {
        const counting = op.rule.type === 'SingleWithThreshold' ? !op.suppress : !op.secondPass;
        if (op.rule.type === 'SingleWithThreshold' && !counting) {
          op.time = time;
          break;
        }
        this.slideTimes(op, time, true);
        if (counting && op.times.length === 0) this.operations.delete(op.rule, op.key);
        break;
      }
      case 'EventGroup':
        if (op.suppress) {
          op.time = time;
          break;
        }
        this.slideEventGroup(op, time);
        op.time = time;
        if (op.allTimes.length === 0) {
          op.deleting = true;
          this.operations.delete(op.rule, op.key);
          this.execute(op.action2, op.desc);
        }
        break;
      default:
        op.time = time;
    }
  }

  private sendSocket(kind: string, peer: string, text: string): void {
    const key = `${kind.replace('sock', '').replace('ustream', 'ustr')}:${peer}`;
    const payload = Buffer.from(kind === 'udpsock' ? text : `${text}\n`, 'latin1');
    if (kind === 'udpsock') {
      const [host, port] = splitPeer(peer);
      let sock = this.sockets.get(key) as UdpSocket | undefined;
      if (sock === undefined) {
        sock = createSocket(host.includes(':') ? 'udp6' : 'udp4');
        sock.on('error', (err) => { this.logger.debug({ peer, err: err.message }, 'udp send failed'); });
        sock.unref();
        this.sockets.set(key, sock);
      }
      sock.send(payload, port, host);
      return;
    }
    let sock = this.sockets.get(key) as Socket | undefined;
    if (sock === undefined) {
      const s = kind === 'tcpsock' ? createConnection({ host: splitPeer(peer)[0], port: splitPeer(peer)[1] }) : createConnection(peer);
      s.on('error', (err) => {
        this.logger.debug({ peer, err: err.message }, 'socket write failed');
        this.sockets.delete(key);
      });
      s.on('close', () => {
        this.sockets.delete(key);
      });
      this.sockets.set(key, s);
      sock = s;
    }
    sock.write(payload);
  }

  private sendDatagram(path: string, text: string): void {
    let relay = this.relays.get(path);
    if (relay === undefined) {
      relay = new UnixDatagramRelay(path, (message) => {
        this.logger.warn({ event: Events.ruleError, action: 'udgram', path }, message);
      });
      this.relays.set(path, relay);
    }
    relay.send(Buffer.from(text, 'latin1'));
  }

  private closeSocket(key: string): void {
    const sock = this.sockets.get(key);
    if (sock === undefined) return;
    this.sockets.delete(key);
    if ('end' in sock) sock.end();
    else sock.close();
  }

  /** SEC's process_lists: context expiry, delayed events, Calendar rules, correlation windows. */
  private processLists(): void {
    this.contexts.sweep();
    const now = this.seconds();
    if (this.pending.length > 0) {
      const due = this.pending.filter((p) => now >= p.at);
      this.pending = this.pending.filter((p) => now < p.at);
      for (const p of due) this.events.push([p.text, p.context]);
    }
    const date = new Date(now * 1000);
    const minuteKey = `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}-${date.getHours()}-${date.getMinutes()}`;
    for (const f of this.rules.files) {
      for (const rule of f.rules) {
        if (rule.type !== 'Calendar' || rule.calendar === undefined) continue;
        if (this.calendarLast.get(rule) === minuteKey || !calendarMatches(rule.calendar, date)) continue;
        if (rule.context === undefined || this.evalExpr(rule.context.expr)) {
          this.execute(rule.action.actions, rule.desc);
          this.calendarLast.set(rule, minuteKey);
        }
      }
    }
    for (const op of this.operations.all()) {
      if (this.operations.get(op.rule, op.key) !== op) continue;
      if (now - op.time <= op.window) continue;
      const rule = op.rule;
      switch (rule.type) {
        case 'SingleWithSuppress':
          this.operations.delete(op.rule, op.key);
          break;
        case 'Pair':
          if (op.window > 0) {
            this.operations.delete(op.rule, op.key);
          }
          break;
        case 'PairWithWindow':
          this.operations.delete(op.rule, op.key);
          this.execute(op.action, op.desc);
          break;
        case 'SingleWithThreshold':
          this.expireCounting(op, now, op.suppress, op.desc);
          break;
        case 'SingleWith2Thresholds':
          this.expireCounting(op, now, op.secondPass, op.desc2);
          break;
        case 'EventGroup':
          if (!op.suppress) {
            this.slideEventGroup(op, now - op.window);
            if (op.allTimes.length === 0) {
              op.deleting = true;
              this.operations.delete(op.rule, op.key);
              this.execute(op.action2, op.desc);
            } else {
              this.execute(op.slide, op.desc);
            }
          } else {
            op.deleting = true;
            this.operations.delete(op.rule, op.key);
            this.execute(op.action2, op.desc);
          }
          break;
        default:
          break;
      }
    }
  }

  /** HUP: new rules, every context, operation and variable dropped (SEC's full restart). */
  restart(rules: RuleSet): void {
    this.resizeInput(rules);
    this.rules = rules;
    this.indexFiles();
    this.operations.clear();
    this.contexts.clear();
    this.variables.clear();
    this.pending = [];
    this.events.length = 0;
    this.calendarLast.clear();
    this.outputs.reopen();
    if (this.options.intevents === true) this.internalEvent('SEC_RESTART');
  }

  /** ABRT: new rules; operations of rule files that did not change are kept (SEC's soft restart). */
  softRestart(rules: RuleSet, unchanged: (file: string) => boolean): void {
    const keep = new Set(rules.files.filter((f) => unchanged(f.file)).map((f) => f.file));
    const byFile = new Map(rules.files.map((f) => [f.file, f]));
    const survivors = this.operations.all();
    this.operations.clear();
    for (const op of survivors) {
      const newFile = byFile.get(op.file.file);
      const newRule = newFile?.rules[op.rule.id];
      if (!keep.has(op.file.file) || newFile === undefined || newRule === undefined) continue;
      op.file = newFile;
      op.rule = newRule;
      this.operations.set(newRule, op.key, op);
    }
    this.resizeInput(rules);
    this.rules = rules;
    this.indexFiles();
    if (this.options.intevents === true) this.internalEvent('SEC_SOFTRESTART');
  }

  /** USR2: reopen output files (after log rotation). */
  reopenOutputs(): void {
    this.outputs.reopen();
    if (this.options.intevents === true) this.internalEvent('SEC_LOGROTATE');
  }

  /** USR1: a readable account of the engine state, like SEC's dump file. */
  dump(): string {
    const now = this.seconds();
    const lines = [`onramp rule engine state at ${new Date(now * 1000).toISOString()}`, ''];
    for (const f of this.rules.files) lines.push(`${f.rules.length} rules loaded from ${f.file}`);
    lines.push('', `Active event correlation operations: ${this.operations.size}`);
    for (const op of this.operations.all()) {
      lines.push(`  ${op.rule.type} rule at ${op.file.file}:${op.rule.line}, desc '${op.desc}', window start ${op.time}, ${op.window}s`);
    }
    const names = this.contexts.names();
    lines.push('', `Contexts: ${names.length}`);
    for (const name of names) {
      const ctx: Context | undefined = this.contexts.raw(name);
      if (ctx === undefined) continue;
      lines.push(`  ${name}: created ${ctx.time}, lifetime ${ctx.window}s, ${ctx.buffer.length} events`);
    }
    lines.push('', `Action list variables: ${this.variables.size}`);
    for (const [name, value] of this.variables) lines.push(`  %${name} = '${value}'`);
    lines.push('', `Running child processes: ${this.children.size}`);
    return `${lines.join('\n')}\n`;
  }

  /** Flushes `write -` output, emits SEC_SHUTDOWN (with --intevents) and waits for child processes. */
  async close(waitForChildren = true): Promise<void> {
    if (this.closed || this.closing) return;
    this.closing = true;
    if (this.options.intevents === true && this.started) this.internalEvent('SEC_SHUTDOWN');
    this.outputs.flush();
    await Promise.all(
      [...(waitForChildren ? this.children : [])].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) {
              resolve();
              return;
            }
            child.once('close', () => {
              resolve();
            });
          }),
      ),
    );
    // Scripts that ended while we waited have run their action lists; nothing runs after this.
    this.closed = true;
    for (const key of [...this.sockets.keys()]) this.closeSocket(key);
    await Promise.all([...this.relays.values()].map((relay) => relay.close()));
    this.relays.clear();
    this.outputs.closeAll();
  }
}

function splitPeer(peer: string): [string, number] {
  const i = peer.lastIndexOf(':');
  return [peer.slice(0, i).replace(/^\[|\]$/g, ''), Number(peer.slice(i + 1))];
}

/**
 * A fresh flat copy of a string that an operation keeps. Lookup keys are built
 * for every event and die at once; if the few that are kept came from the same
 * allocation site, V8 would pretenure that site and every throwaway key would
 * land in the old generation, growing the heap between full collections.
 */
function keep(text: string): string {
  return Buffer.from(text, 'latin1').toString('latin1');
}

/** Perl's quotemeta: every byte that is not a word character gets a backslash. */
function quotemeta(value: string): string {
  return value.replace(/[^A-Za-z0-9_]/g, (c) => (c.charCodeAt(0) < 128 ? `\\${c}` : c));
}

/** `onboard IP MAC HOST [CIRCUIT-ID [REMOTE-ID]]`: empty ids (no option 82 logged) are left out. */
function relayIds(circuitId: string | undefined, remoteId: string | undefined): { circuitId?: string; remoteId?: string } {
  const relay: { circuitId?: string; remoteId?: string } = {};
  if (circuitId !== undefined && circuitId !== '') relay.circuitId = circuitId;
  if (remoteId !== undefined && remoteId !== '') relay.remoteId = remoteId;
  return relay;
}
