import { FieldError } from '../errors.js';
import { fixedDirectoryOf } from './write-target.js';

export type ActionKind =
  | 'none' | 'logonly' | 'write' | 'writen' | 'owritecl' | 'udgram' | 'ustream' | 'udpsock' | 'tcpsock'
  | 'closef' | 'closeudgr' | 'closeustr' | 'closeudp' | 'closetcp'
  | 'shellcmd' | 'cmdexec' | 'spawn' | 'spawnexec' | 'cspawn' | 'cspawnexec' | 'pipe' | 'pipeexec'
  | 'create' | 'set' | 'delete' | 'obsolete' | 'alias' | 'unalias' | 'add' | 'prepend' | 'fill'
  | 'report' | 'reportexec' | 'copy' | 'pop' | 'shift' | 'empty' | 'exists' | 'getsize' | 'getaliases'
  | 'getltime' | 'setltime' | 'getctime' | 'setctime' | 'event' | 'tevent' | 'cevent' | 'reset'
  | 'getwpos' | 'setwpos' | 'assign' | 'assignsq' | 'free' | 'varset' | 'if' | 'while' | 'break' | 'continue'
  | 'onboard' | 'check' | 'provision' | 'backup';

/**
 * One parsed action. `args` are the strings that go through both variable
 * passes; `lists` are nested action lists (create/set expiry actions, if/else,
 * while). `shell` marks the argument that is a shell command line, `argv`
 * that args are already split into program arguments (no shell).
 */
export interface Action {
  kind: ActionKind;
  args: string[];
  lists: Action[][];
  shell: number;
  argv: boolean;
  /** Rule offset for reset/getwpos/setwpos: absolute rule index in the file, or undefined for "all rules". */
  ruleIndex?: number;
  /** For reset/getwpos/setwpos: the rule file the action was written in, whose rules the offset counts. */
  ruleFile?: string;
  /** For write/writen/owritecl whose file name takes event values: the directory it must stay in. */
  targetDirectory?: string;
}

export interface ActionList {
  actions: Action[];
  /** Whether any string in the list contains a match variable (SEC's ActVolat). */
  volatile: boolean;
  natives: boolean;
}

const PLACEHOLDER = '\u0001';
const PERL_ONLY = new Set(['eval', 'call', 'lcall']);
/** SEC 2.9 actions onramp does not run, each with what to do instead. */
const UNSUPPORTED = new Map([
  ['rewrite', 'match the line as it is, or pass a new one on with event'],
  ['addinput', 'name every file with --input (several are allowed), or run a named agent per file'],
  ['dropinput', 'name every file with --input (several are allowed), or run a named agent per file'],
  ['sigemul', 'send the signal to onramp itself (kill -HUP, -ABRT, -USR1, -USR2, -TERM)'],
]);
/** Least and most arguments of each native action; onboard may add the option-82 circuit and remote ids. */
const NATIVE_ARITY: Record<string, [number, number]> = { onboard: [3, 5], check: [1, 1], provision: [2, 2], backup: [1, 2] };

/** SEC's replace_subexpr: top-level parenthesised parts become placeholders. */
function maskParens(text: string): { masked: string; parts: string[] } {
  const parts: string[] = [];
  let masked = '';
  let depth = 0;
  let start = -1;
  let prev = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (prev !== '\\') {
      if (ch === '(') depth++;
      else if (ch === ')') depth--;
    }
    if (depth < 0) throw new FieldError(`unbalanced parentheses in action list '${text}'`);
    if (ch === '(' && depth === 1 && start < 0 && prev !== '\\') {
      start = i;
    } else if (depth === 0 && start >= 0) {
      parts.push(text.slice(start + 1, i));
      masked += PLACEHOLDER;
      start = -1;
      prev = '';
      continue;
    } else if (start < 0) {
      masked += ch;
    }
    prev = ch;
  }
  if (depth !== 0) throw new FieldError(`unbalanced parentheses in action list '${text}'`);
  return { masked, parts };
}

/** SEC's process_action_parens: a fully parenthesised value loses its parentheses; \( and \) lose the backslash. */
function unparen(value: string): string {
  const m = /^\s*\(\s*(.*?)\s*\)\s*$/s.exec(value);
  const inner = m?.[1] ?? value;
  return inner.replace(/\\([()])/g, '$1');
}

function stripOuter(list: string): string {
  return /^\s*\(\s*(.*?)\s*\)\s*$/s.exec(list)?.[1] ?? list;
}

function splitWords(text: string): string[] {
  return text.split(/[ \t\n\r\f\v]+/).filter((w) => w.length > 0);
}

function variableName(token: string): string {
  if (!/^%[A-Za-z]\w*$/.test(token)) {
    throw new FieldError(`variable ${token} does not have the form %<letter>[<letter>|<digit>|<underscore>]...`);
  }
  return token.slice(1);
}

export interface ActionParseContext {
  /** Index of the rule in its file, for reset/getwpos/setwpos offsets. */
  ruleIndex: number;
  /** The rule file: reset/getwpos/setwpos reach operations of that file only, as in SEC. */
  file: string;
}

export function parseActionList(text: string, ctx: ActionParseContext): Action[] {
  const trimmed = text.trim();
  const { masked, parts } = maskParens(trimmed);
  const actions: Action[] = [];
  const pieces = masked.split(/[ \t\n\r\f\v]*;[ \t\n\r\f\v]*/);
  while (pieces.length > 0 && pieces[pieces.length - 1] === '') pieces.pop();
  let partIndex = 0;
  for (const piece of pieces) {
    const own: string[] = [];
    const restored = piece.replace(new RegExp(PLACEHOLDER, 'g'), () => {
      const part = parts[partIndex++] ?? '';
      own.push(part);
      return `(${part})`;
    });
    actions.push(parseAction(restored, piece, own, ctx));
  }
  return actions;
}

function make(kind: ActionKind, args: string[], extra: Partial<Action> = {}): Action {
  return { kind, args, lists: [], shell: -1, argv: false, ...extra };
}

function ruleOffset(sign: string, digits: string, ctx: ActionParseContext): number {
  const n = Number(digits);
  if (sign === '+') return ctx.ruleIndex + n;
  if (sign === '-') return ctx.ruleIndex - n;
  return n === 0 ? ctx.ruleIndex : n - 1;
}

function parseAction(action: string, masked: string, parts: string[], ctx: ActionParseContext): Action {
  let m: RegExpExecArray | null;
  const keyword = (/^(\S+)/.exec(action)?.[1] ?? '').toLowerCase();
  if (PERL_ONLY.has(keyword)) {
    throw new FieldError(`action '${keyword}' runs Perl code, which onramp cannot run (hint: replace it with shellcmd, assign or a native action)`);
  }
  const instead = UNSUPPORTED.get(keyword);
  if (instead !== undefined) throw new FieldError(`SEC's action '${keyword}' is not supported by onramp (hint: ${instead})`);
  if (/^none$/i.test(action)) return make('none', []);
  if ((m = /^logonly(?:\s+(.*\S))?$/is.exec(action))) {
    const text = unparen(m[1] ?? '');
    return make('logonly', [text === '' ? '%s' : text]);
  }
  if ((m = /^(write|writen|owritecl|udgram|ustream|udpsock|tcpsock)\s+(\S+)(?:\s+(.*\S))?$/is.exec(action))) {
    const target = unparen(m[2] ?? '');
    const text = unparen(m[3] ?? '');
    const kind = (m[1] ?? '').toLowerCase() as ActionKind;
    if (target === '') throw new FieldError(`empty target given for ${kind} action`);
    const targetDirectory = kind === 'write' || kind === 'writen' || kind === 'owritecl' ? fixedDirectoryOf(target) : undefined;
    return make(kind, [target, text === '' ? '%s' : text], targetDirectory === undefined ? {} : { targetDirectory });
  }
  if ((m = /^(closef|closeudgr|closeustr|closeudp|closetcp)\s+(\S+)$/is.exec(action))) {
    return make((m[1] ?? '').toLowerCase() as ActionKind, [unparen(m[2] ?? '')]);
  }
  if ((m = /^(shellcmd|spawn|cmdexec|spawnexec)\s+(.*\S)$/is.exec(action))) {
    const kind = (m[1] ?? '').toLowerCase() as ActionKind;
    const cmd = unparen(m[2] ?? '');
    if (kind === 'cmdexec' || kind === 'spawnexec') return make(kind, splitWords(cmd), { argv: true });
    return make(kind, [cmd], { shell: 0 });
  }
  if ((m = /^(cspawn|cspawnexec)\s+(\S+)\s+(.*\S)$/is.exec(action))) {
    const kind = (m[1] ?? '').toLowerCase() as ActionKind;
    const cmd = unparen(m[3] ?? '');
    if (kind === 'cspawnexec') return make(kind, [unparen(m[2] ?? ''), ...splitWords(cmd)], { argv: true });
    return make(kind, [unparen(m[2] ?? ''), cmd], { shell: 1 });
  }
  if ((m = /^(pipe|pipeexec)\s+'([^']*)'(?:\s+(.*\S))?$/is.exec(action))) {
    const kind = (m[1] ?? '').toLowerCase() as ActionKind;
    const text = m[2] ?? '';
    const cmd = unparen(m[3] ?? '');
    if (kind === 'pipeexec') return make(kind, [text === '' ? '%s' : text, ...splitWords(cmd)], { argv: true });
    return make(kind, [text === '' ? '%s' : text, cmd], { shell: 1 });
  }
  if ((m = /^(create|set)(?:\s+(\S+)(?:\s+(\S+)(?:\s+(.*\S))?)?)?$/is.exec(action))) {
    const kind = (m[1] ?? '').toLowerCase() as ActionKind;
    const name = unparen(m[2] ?? '');
    const lifetime = unparen(m[3] ?? '');
    const list = stripOuter(m[4] ?? '');
    if (kind === 'set' && (name === '' || lifetime === '')) throw new FieldError('set needs a context name and a lifetime');
    const lists = list.trim() === '' ? [] : [parseActionList(list, ctx)];
    return make(kind, [name === '' ? '%s' : name, lifetime === '' ? '0' : lifetime], { lists });
  }
  if ((m = /^(delete|obsolete|unalias)(?:\s+(\S+))?$/is.exec(action))) {
    const name = unparen(m[2] ?? '');
    return make((m[1] ?? '').toLowerCase() as ActionKind, [name === '' ? '%s' : name]);
  }
  if ((m = /^alias\s+(\S+)(?:\s+(\S+))?$/is.exec(action))) {
    const alias = unparen(m[2] ?? '');
    return make('alias', [unparen(m[1] ?? ''), alias === '' ? '%s' : alias]);
  }
  if ((m = /^(add|prepend|fill)\s+(\S+)(?:\s+(.*\S))?$/is.exec(action))) {
    const text = unparen(m[3] ?? '');
    return make((m[1] ?? '').toLowerCase() as ActionKind, [unparen(m[2] ?? ''), text === '' ? '%s' : text]);
  }
  if ((m = /^(report|reportexec)\s+(\S+)(?:\s+(.*\S))?$/is.exec(action))) {
    const kind = (m[1] ?? '').toLowerCase() as ActionKind;
    const cmd = unparen(m[3] ?? '');
    if (kind === 'reportexec') return make(kind, [unparen(m[2] ?? ''), ...splitWords(cmd)], { argv: true });
    return make(kind, [unparen(m[2] ?? ''), cmd], { shell: cmd === '' ? -1 : 1 });
  }
  if ((m = /^(copy|pop|shift)\s+(\S+)\s+(\S+)$/is.exec(action))) {
    return make((m[1] ?? '').toLowerCase() as ActionKind, [unparen(m[2] ?? ''), variableName(unparen(m[3] ?? ''))]);
  }
  if ((m = /^empty\s+(\S+)(?:\s+(\S+))?$/is.exec(action))) {
    const variable = unparen(m[2] ?? '');
    return make('empty', [unparen(m[1] ?? ''), variable === '' ? '' : variableName(variable)]);
  }
  if ((m = /^(exists|getsize|getaliases|getltime|getctime)\s+(\S+)\s+(\S+)$/is.exec(action))) {
    return make((m[1] ?? '').toLowerCase() as ActionKind, [variableName(unparen(m[2] ?? '')), unparen(m[3] ?? '')]);
  }
  if ((m = /^setltime\s+(\S+)(?:\s+(\S+))?$/is.exec(action))) {
    const lifetime = unparen(m[2] ?? '');
    return make('setltime', [unparen(m[1] ?? ''), lifetime === '' ? '0' : lifetime]);
  }
  if ((m = /^setctime\s+(\S+)\s+(\S+)$/is.exec(action))) {
    return make('setctime', [unparen(m[1] ?? ''), unparen(m[2] ?? '')]);
  }
  if ((m = /^event(?:\s+0*([0-9]+))?(?:\s+(.*\S))?$/is.exec(action))) {
    const text = unparen(m[2] ?? '');
    return make('event', [m[1] ?? '0', text === '' ? '%s' : text]);
  }
  if ((m = /^tevent\s+(\S+)(?:\s+(.*\S))?$/is.exec(action))) {
    const text = unparen(m[2] ?? '');
    return make('tevent', [unparen(m[1] ?? ''), text === '' ? '%s' : text]);
  }
  if ((m = /^cevent\s+(\S+)\s+(\S+)(?:\s+(.*\S))?$/is.exec(action))) {
    const text = unparen(m[3] ?? '');
    return make('cevent', [unparen(m[1] ?? ''), unparen(m[2] ?? ''), text === '' ? '%s' : text]);
  }
  if ((m = /^reset(?:\s+([+-]?)0*([0-9]+))?(?:\s+(.*\S))?$/is.exec(action))) {
    const text = unparen(m[3] ?? '');
    const ruleIndex = m[2] === undefined ? undefined : ruleOffset(m[1] ?? '', m[2], ctx);
    return make('reset', [text === '' ? '%s' : text], { ruleIndex, ruleFile: ctx.file });
  }
  if ((m = /^getwpos\s+(\S+)\s+([+-]?)0*([0-9]+)(?:\s+(.*\S))?$/is.exec(action))) {
    const text = unparen(m[4] ?? '');
    return make('getwpos', [variableName(m[1] ?? ''), text === '' ? '%s' : text], {
      ruleIndex: ruleOffset(m[2] ?? '', m[3] ?? '0', ctx),
      ruleFile: ctx.file,
    });
  }
  if ((m = /^setwpos\s+(\S+)\s+([+-]?)0*([0-9]+)(?:\s+(.*\S))?$/is.exec(action))) {
    const text = unparen(m[4] ?? '');
    return make('setwpos', [unparen(m[1] ?? ''), text === '' ? '%s' : text], {
      ruleIndex: ruleOffset(m[2] ?? '', m[3] ?? '0', ctx),
      ruleFile: ctx.file,
    });
  }
  if ((m = /^(assign|assignsq)\s+(\S+)(?:\s+(.*\S))?$/is.exec(action))) {
    const value = unparen(m[3] ?? '');
    return make((m[1] ?? '').toLowerCase() as ActionKind, [variableName(m[2] ?? ''), value === '' ? '%s' : value]);
  }
  if ((m = /^free\s+(\S+)$/is.exec(action))) return make('free', [variableName(m[1] ?? '')]);
  if ((m = /^varset\s+(\S+)\s+(\S+)$/is.exec(action))) {
    const entry = unparen(m[2] ?? '');
    if (entry === '') throw new FieldError('empty pattern match cache entry name given for varset action');
    return make('varset', [variableName(m[1] ?? ''), entry]);
  }
  if (/^if\s/i.test(action)) {
    const im = new RegExp(`^if\\s+(\\S+)\\s+${PLACEHOLDER}(?:\\s+else\\s+${PLACEHOLDER})?$`, 'is').exec(masked);
    if (im === null) throw new FieldError(`invalid if action '${action}': expected if %VAR ( ACTIONS ) [else ( ACTIONS )]`);
    const variable = variableName(im[1] ?? '');
    const body = parts[0] ?? '';
    const other = im[0].toLowerCase().includes('else') ? (parts[1] ?? '') : '';
    const then = body.trim() === '' ? [] : parseActionList(body, ctx);
    const otherwise = other.trim() === '' ? [] : parseActionList(other, ctx);
    if (then.length === 0 && otherwise.length === 0) throw new FieldError('empty action lists given for if-else');
    return make('if', [variable], { lists: [then, otherwise] });
  }
  if (/^while\s/i.test(action)) {
    const wm = new RegExp(`^while\\s+(\\S+)\\s+${PLACEHOLDER}$`, 'is').exec(masked);
    if (wm === null) throw new FieldError(`invalid while action '${action}': expected while %VAR ( ACTIONS )`);
    const body = parts[0] ?? '';
    if (body.trim() === '') throw new FieldError('empty action list given for while');
    return make('while', [variableName(wm[1] ?? '')], { lists: [parseActionList(body, ctx)] });
  }
  if (/^break$/i.test(action)) return make('break', []);
  if (/^continue$/i.test(action)) return make('continue', []);
  const arity = NATIVE_ARITY[keyword];
  if (arity !== undefined) {
    const words = splitWords(action).slice(1);
    const [least, most] = arity;
    if (words.length < least || words.length > most) {
      const usage = { onboard: 'onboard IP MAC HOSTNAME [CIRCUIT-ID [REMOTE-ID]]', check: 'check HOST', provision: 'provision IP NAME', backup: 'backup HOST [EVENT-LINE]' }[
        keyword as 'onboard'
      ];
      const count = least === most ? String(least) : `${least} to ${most}`;
      throw new FieldError(`${keyword} takes ${count} argument${most > 1 ? 's' : ''}: ${usage}`);
    }
    return make(keyword as ActionKind, words, { argv: true });
  }
  throw new FieldError(`invalid action '${action}'`);
}

export function listHasNatives(actions: Action[]): boolean {
  return actions.some((a) => a.kind in NATIVE_ARITY || a.lists.some(listHasNatives));
}
