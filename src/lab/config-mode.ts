import { type ConfigModel, type ModelRules, removeChild, setChild, tokens } from './config-model.js';
import { resolveKeyword, splitWords, type Word } from './grammar.js';
import type { Mode, PersonalityDef, SubKind } from './personality.js';

/** First words a global config line may start with. Anything else is a syntax error. */
const TOP_KEYWORDS = [
  'aaa', 'access-list', 'alias', 'archive', 'banner', 'boot', 'boot-end-marker', 'boot-start-marker', 'cdp',
  'class-map', 'clock', 'crypto', 'dns', 'dot1x', 'enable', 'errdisable', 'ethernet', 'hostname', 'http',
  'interface', 'ip', 'ipv6', 'key', 'license', 'line', 'lldp', 'local-user', 'logging', 'loopback-detection', 'mac',
  'management', 'mls', 'monitor', 'ntp', 'overlay', 'policy-map', 'port-channel', 'power', 'privilege', 'qos',
  'radius', 'radius-server', 'raw', 'router', 'service', 'snmp-server', 'sntp', 'spanning-tree', 'ssh',
  'storm-control', 'switch', 'system', 'tacacs', 'tacacs-server', 'telnet', 'time-range', 'track', 'udld',
  'username', 'version', 'vlan', 'vtp', 'web',
];

const CHILD_KEYWORDS: Record<Exclude<SubKind, 'other' | 'router'>, string[]> = {
  if: [
    'arp', 'authentication', 'bandwidth', 'cdp', 'channel-group', 'default', 'description', 'dot1x', 'duplex',
    'encapsulation', 'fec', 'flowcontrol', 'ip', 'ipv6', 'keepalive', 'lacp', 'lldp', 'load-interval',
    'loopback-detection', 'mab', 'mac', 'media-type', 'mls', 'mtu', 'negotiation', 'poe', 'port-channel',
    'port-security', 'power', 'priority-queue', 'qos', 'service-policy', 'shutdown', 'spanning-tree', 'speed',
    'srr-queue', 'standby', 'storm-control', 'switchport', 'udld', 'vrrp',
  ],
  vlan: ['name', 'state', 'shutdown', 'mtu'],
  'vlan-db': ['vlan'],
  line: [
    'access-class', 'accounting', 'authorization', 'databits', 'exec-timeout', 'history', 'length', 'line-password',
    'logging', 'login', 'parity', 'password', 'privilege', 'session-timeout', 'silent-time', 'speed', 'stopbits',
    'timeout', 'transport', 'width',
  ],
};

/** `no X` with nothing to remove is stored as a line for these (default-on features). */
const STORED_NEGATIONS = ['aaa', 'cdp', 'errdisable', 'ip', 'ipv6', 'keepalive', 'lldp', 'local-user', 'logging',
  'negotiation', 'service', 'spanning-tree', 'switchport', 'vtp', 'login', 'line-password'];

/** Other global commands that open a block; the children are accepted as written. */
const OTHER_OPENERS = [
  ['ip', 'access-list'], ['class-map'], ['policy-map'], ['spanning-tree', 'mst', 'configuration'],
  ['aaa', 'group', 'server'], ['radius', 'server'], ['ethernet', 'evc'], ['vlan', 'mapping', 'table'],
  ['overlay'], ['key', 'chain'], ['archive'],
];

const WHOLE = Number.MAX_SAFE_INTEGER;

/** Section order for new global lines; lines whose first word is not listed sit in the middle. */
const RANK = ['version', 'service', 'hostname', 'boot-start-marker', 'boot-end-marker', 'logging', 'enable',
  'username', 'aaa', 'lldp', 'management', 'dns', 'ip', 'ntp', 'snmp-server', 'spanning-tree', 'vlan', 'interface',
  'router', 'line', 'banner'];

export const modelRules: ModelRules = {
  rank(line) {
    const words = tokens(line);
    const first = words[0] === 'no' ? (words[1] ?? '') : (words[0] ?? '');
    if (first === 'ip' && words[1] === 'route') return RANK.indexOf('router') + 0.5;
    const index = RANK.indexOf(first);
    return index === -1 ? RANK.indexOf('ntp') + 0.5 : index;
  },
};

function startsWith(words: string[], prefix: string[]): boolean {
  return prefix.every((p, i) => words[i]?.toLowerCase() === p);
}

export function isBlockOpener(line: string): boolean {
  const words = tokens(line);
  if (words[0] === 'interface' || words[0] === 'line' || words[0] === 'router') return true;
  if (words[0] === 'vlan' && (words[1] === 'database' || /^\d+$/.test(words[1] ?? ''))) return true;
  return OTHER_OPENERS.some((o) => startsWith(words, o));
}

function topKeyLength(words: string[], personality: PersonalityDef): number {
  const [first, second] = words;
  switch (first) {
    case 'hostname':
    case 'version':
      return 1;
    case 'username':
      return personality.usernameKeyLength;
    case 'enable':
    case 'banner':
    case 'clock':
      return 2;
    case 'snmp-server':
      if (second === 'community' || second === 'host') return 3;
      if (second !== undefined && /^(system-)?(location|contact)$/.test(second)) return 2;
      return WHOLE;
    case 'ip':
      return second !== undefined && ['default-gateway', 'domain-name', 'domain-lookup'].includes(second) ? 2 : WHOLE;
    case 'lldp':
      return second === 'system-name' ? 2 : WHOLE;
    case 'spanning-tree':
      return second === 'mode' ? 2 : WHOLE;
    case 'management':
      return second === 'ip' ? 3 : WHOLE;
    default:
      return WHOLE;
  }
}

function childKeyLength(words: string[]): number {
  const [first, second, third] = words;
  switch (first) {
    case 'description':
    case 'speed':
    case 'duplex':
    case 'mtu':
    case 'shutdown':
    case 'channel-group':
    case 'negotiation':
    case 'media-type':
    case 'name':
    case 'state':
    case 'exec-timeout':
    case 'password':
    case 'login':
      return 1;
    case 'ip':
      return second === 'address' && words.at(-1) !== 'secondary' ? 2 : WHOLE;
    case 'switchport':
      if (second === 'mode' || second === 'pvid') return 2;
      if (second === 'access') return 3;
      if (second === 'trunk' && third === 'vlan-allowed') return 3;
      if (second === 'trunk' && (words[4] === 'add' || words[4] === 'remove')) return WHOLE;
      if (second === 'trunk') return 4;
      return WHOLE;
    case 'vlan':
      return 2;
    case 'transport':
    case 'privilege':
      return 2;
    default:
      return WHOLE;
  }
}

const HOSTNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export type ConfigOutcome =
  | { kind: 'ok'; mode: Mode }
  | { kind: 'invalid'; column: number }
  | { kind: 'incomplete' }
  | { kind: 'ambiguous' }
  | { kind: 'do'; command: string; column: number }
  | { kind: 'end' };

/**
 * Applies one line typed in a configuration mode to the model. A line that
 * is not valid changes nothing.
 */
export function applyConfigLine(
  line: string,
  mode: Mode & { level: 'config' | 'sub' },
  model: ConfigModel,
  personality: PersonalityDef,
  rejects: (line: string) => boolean,
): ConfigOutcome {
  const bad = /[^\x20-\x7e]/.exec(line);
  if (bad) return { kind: 'invalid', column: bad.index };
  const words = splitWords(line);
  const first = words[0];
  if (first === undefined || first.text.startsWith('!')) return { kind: 'ok', mode };

  const control = resolveKeyword(first.text, personality.hasEnd ? ['end', 'exit', 'do'] : ['exit', 'do']);
  if (control === 'end') return words.length > 1 ? invalidAt(words[1]) : { kind: 'end' };
  if (control === 'exit' && words.length === 1) {
    return { kind: 'ok', mode: mode.level === 'sub' ? { level: 'config' } : { level: 'exec' } };
  }
  if (control === 'do') {
    const rest = words[1];
    return rest === undefined ? { kind: 'incomplete' } : { kind: 'do', command: line.slice(rest.start), column: rest.start };
  }

  if (mode.level === 'sub') {
    const child = childOutcome(line, words, mode, model, personality, rejects);
    if (child !== undefined) return child;
  }
  return topOutcome(line, words, model, personality, rejects);
}

function invalidAt(word: Word | undefined): ConfigOutcome {
  return { kind: 'invalid', column: word?.start ?? 0 };
}

/** Undefined when the line is a global command that leaves the sub-mode. */
function childOutcome(
  line: string,
  words: Word[],
  mode: Mode & { level: 'sub' },
  model: ConfigModel,
  personality: PersonalityDef,
  rejects: (line: string) => boolean,
): ConfigOutcome | undefined {
  const block = model.block(mode.block);
  if (block === undefined) return { kind: 'ok', mode: { level: 'config' } };
  const negated = words[0]?.text.toLowerCase() === 'no';
  const keywordWord = negated ? words[1] : words[0];
  if (keywordWord === undefined) return { kind: 'incomplete' };
  const known = mode.kind === 'other' || mode.kind === 'router' ? undefined : CHILD_KEYWORDS[mode.kind];
  let keyword: string;
  if (known === undefined) {
    const top = resolveKeyword(keywordWord.text, TOP_KEYWORDS);
    if (top !== undefined && top !== 'ambiguous') return undefined;
    keyword = keywordWord.text;
  } else {
    const resolved = resolveKeyword(keywordWord.text, known);
    if (resolved === 'ambiguous') return { kind: 'ambiguous' };
    if (resolved === undefined) {
      const top = resolveKeyword(keywordWord.text, TOP_KEYWORDS);
      return top !== undefined && top !== 'ambiguous' ? undefined : invalidAt(keywordWord);
    }
    keyword = resolved;
  }
  if (rejects(line)) return invalidAt(words[0]);
  const rest = words.slice(negated ? 2 : 1).map((w) => w.text);
  const stored = [keyword, ...rest];
  if (negated) {
    const removed = removeChild(block, stored);
    if (!removed && STORED_NEGATIONS.includes(keyword) && !block.children.includes(`no ${stored.join(' ')}`)) {
      setChild(block, `no ${stored.join(' ')}`, WHOLE);
    }
    return { kind: 'ok', mode };
  }
  if (rest.length === 0 && !['shutdown', 'switchport', 'login'].includes(keyword)) return { kind: 'incomplete' };
  setChild(block, stored.join(' '), childKeyLength(stored));
  return { kind: 'ok', mode };
}

function topOutcome(
  line: string,
  words: Word[],
  model: ConfigModel,
  personality: PersonalityDef,
  rejects: (line: string) => boolean,
): ConfigOutcome {
  const negated = words[0]?.text.toLowerCase() === 'no';
  const keywordWord = negated ? words[1] : words[0];
  if (keywordWord === undefined) return { kind: 'incomplete' };
  const keyword = resolveKeyword(keywordWord.text, TOP_KEYWORDS);
  if (keyword === 'ambiguous') return { kind: 'ambiguous' };
  if (keyword === undefined) return invalidAt(keywordWord);
  const argWords = words.slice(negated ? 2 : 1);
  const args = argWords.map((w) => w.text);
  if (args.length === 0 && !(negated && keyword === 'hostname')) return { kind: 'incomplete' };
  if (rejects(line)) return invalidAt(words[0]);
  const config: Mode = { level: 'config' };

  if (keyword === 'interface') {
    const parsed = personality.parseInterface(args);
    if ('incomplete' in parsed) return { kind: 'incomplete' };
    if ('invalidWord' in parsed) return invalidAt(argWords[parsed.invalidWord]);
    const opener = `interface ${parsed.name}`;
    if (negated) {
      model.removeTop(tokens(opener));
      return { kind: 'ok', mode: config };
    }
    model.openBlock(opener, modelRules);
    return { kind: 'ok', mode: { level: 'sub', kind: 'if', block: opener } };
  }

  if (keyword === 'hostname') {
    if (negated) {
      model.setTop('hostname Switch', 1, modelRules);
      return { kind: 'ok', mode: config };
    }
    if (args.length > 1) return invalidAt(argWords[1]);
    if (!HOSTNAME.test(args[0] ?? '')) return invalidAt(argWords[0]);
    model.setTop(`hostname ${args[0] ?? ''}`, 1, modelRules);
    return { kind: 'ok', mode: config };
  }

  if (keyword === 'vlan' && args[0] !== 'mapping') {
    const opener = vlanOpener(args, personality);
    if (opener === undefined) return invalidAt(argWords[0]);
    if (opener === 'extra') return invalidAt(argWords[1]);
    if (negated) {
      model.removeTop(tokens(opener.line));
      return { kind: 'ok', mode: config };
    }
    model.openBlock(opener.line, modelRules);
    return { kind: 'ok', mode: { level: 'sub', kind: opener.kind, block: opener.line } };
  }

  const stored = [keyword, ...args];
  const storedLine = stored.join(' ');
  if (keyword === 'line' || keyword === 'router' || OTHER_OPENERS.some((o) => startsWith(stored, o))) {
    if (negated) {
      model.removeTop(stored);
      return { kind: 'ok', mode: config };
    }
    model.openBlock(storedLine, modelRules);
    const kind: SubKind = keyword === 'line' ? 'line' : keyword === 'router' ? 'router' : 'other';
    return { kind: 'ok', mode: { level: 'sub', kind, block: storedLine } };
  }

  if (negated) {
    const removed = model.removeTop(stored);
    if (!removed && STORED_NEGATIONS.includes(keyword) && model.findTop(['no', ...stored]) === undefined) {
      model.setTop(`no ${storedLine}`, WHOLE, modelRules);
    }
    return { kind: 'ok', mode: config };
  }
  model.setTop(storedLine, topKeyLength(stored, personality), modelRules);
  return { kind: 'ok', mode: config };
}

function vlanOpener(
  args: string[],
  personality: PersonalityDef,
): { line: string; kind: SubKind } | 'extra' | undefined {
  const [arg, extra] = args;
  if (arg === undefined) return undefined;
  if (personality.vlanDatabase) {
    if (resolveKeyword(arg, ['database']) !== 'database') return undefined;
    return extra === undefined ? { line: 'vlan database', kind: 'vlan-db' } : 'extra';
  }
  const id = Number(arg);
  if (!/^\d+$/.test(arg) || id < 1 || id > 4094) return undefined;
  return extra === undefined ? { line: `vlan ${id}`, kind: 'vlan' } : 'extra';
}
