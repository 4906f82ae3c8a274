import type { ConfigNode } from '../../config/index.js';
import { resolveKeyword, splitWords, type Word } from '../grammar.js';
import type { PrintedNegation } from './family.js';
import { insertNode, type RunningConfig } from './running-config.js';
import { interfaceName, openedKind, sectionKind, type DeviceFamily, type Frame } from './sections.js';
import { removedBy, sameLeadingWords, sameSetting, words } from './settings.js';
import { isVlanList, parseVlanList } from './vlan-list.js';
import { isTrunkAllowedVlan, trunkAllowedLine } from './trunk-vlans.js';
import { addToVlanList, removeFromVlanList, vlanListNode } from './vlan-blocks.js';

export type ConfigOutcome =
  | { kind: 'ok'; path: Frame[] }
  | { kind: 'exec' }
  | { kind: 'invalid'; column: number }
  | { kind: 'incomplete' }
  | { kind: 'ambiguous' }
  | { kind: 'do'; command: string; column: number };

type Match =
  | { type: 'open'; kind: string; text: string }
  | { type: 'set'; text: string }
  | { type: 'refused'; outcome: ConfigOutcome };

/** Settings that are complete as one word. */
const ALONE = new Set([
  'shutdown', 'switchport', 'login', 'exec', 'keepalive', 'full-duplex', 'half-duplex', 'bundle-enable', 'autostate',
  'transceiver-monitor', 'boot-start-marker', 'boot-end-marker', 'hidekeys', 'match', 'cdp', 'lldp', 'overlay',
  // IOS 12.0 prints (and so takes back) a description with no text.
  'description',
]);

/** Words after which a number or list is a VLAN id. */
const VLAN_ARGUMENT = new Set(['vlan', 'pvid', 'vlan-allowed', 'vlan-untagged', 'native']);

const HOSTNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

function invalidAt(word: Word | undefined): ConfigOutcome {
  return { kind: 'invalid', column: word?.start ?? 0 };
}

/** A VLAN id or list out of 1–4094, at its column. */
function badVlanArgument(cmd: readonly Word[]): ConfigOutcome | undefined {
  let afterVlan = false;
  for (const [i, word] of cmd.entries()) {
    const previous = cmd[i - 1]?.text.toLowerCase() ?? '';
    afterVlan ||= previous === 'vlan';
    const listPosition = VLAN_ARGUMENT.has(previous) || (afterVlan && ['add', 'remove', 'except'].includes(previous));
    if (listPosition && /^\d/.test(word.text) && parseVlanList(word.text) === undefined) return invalidAt(word);
  }
  return undefined;
}

/** What a command means in a section of `kind`; undefined when the section does not know it. */
function resolveIn(
  family: DeviceFamily,
  kind: string,
  line: string,
  cmd: readonly Word[],
  above: readonly string[],
): Match | 'ambiguous' | undefined {
  const section = sectionKind(family, kind);
  const [first, ...rest] = cmd;
  if (first === undefined) return undefined;
  let keyword = first.text;
  if (section.keywords !== undefined) {
    const resolved = resolveKeyword(first.text, section.keywords);
    if (resolved === undefined || resolved === 'ambiguous') return resolved;
    keyword = resolved;
  }
  // The switch keeps the spacing inside a command as typed (IOS aligns `deny   ip` in ACLs, `match ip precedence 2  3`).
  const text = `${keyword}${line.slice(first.start + first.text.length).trimEnd()}`;
  if (kind === 'global' && keyword === 'interface') {
    if (rest.length === 0) return { type: 'refused', outcome: { kind: 'incomplete' } };
    const parsed = family.parseInterface(rest.map((w) => w.text));
    if ('incomplete' in parsed) return { type: 'refused', outcome: { kind: 'incomplete' } };
    if ('invalidWord' in parsed) return { type: 'refused', outcome: invalidAt(rest[parsed.invalidWord]) };
    return { type: 'open', kind: family.grammar.interfaceKind, text: `interface ${parsed.name}` };
  }
  const bad = badVlanArgument(cmd);
  if (bad !== undefined) return { type: 'refused', outcome: bad };
  const opens = openedKind(family, kind, text);
  if (opens !== undefined) return { type: 'open', kind: opens, text };
  // A section without a word list takes any line, except one that opens a section above it.
  if (section.keywords === undefined && above.some((k) => openedKind(family, k, text) !== undefined)) return undefined;
  if (keyword === 'hostname') {
    if (rest.length > 1) return { type: 'refused', outcome: invalidAt(rest[1]) };
    if (rest[0] !== undefined && !HOSTNAME.test(rest[0].text)) return { type: 'refused', outcome: invalidAt(rest[0]) };
  }
  return { type: 'set', text };
}

type Control = 'end' | 'exit' | 'do' | 'leave-section' | undefined;

function controlWord(word: string, family: DeviceFamily, kind: string): Control {
  const section = sectionKind(family, kind);
  const lower = word.toLowerCase();
  if (section.exit !== undefined && lower === section.exit) return 'leave-section';
  if (/^exit-[\w-]+$/.test(lower)) return 'exit';
  const candidates = ['exit', 'do', ...(family.hasEnd ? ['end'] : [])];
  if (candidates.includes(lower)) return lower as Control;
  const hits = candidates.filter((c) => c.startsWith(lower));
  const clashes = (section.keywords ?? []).some((k) => k.startsWith(lower));
  return hits.length === 1 && !clashes ? (hits[0] as Control) : undefined;
}

/**
 * Applies one line typed in config mode, at the section `path`, to the
 * running config, by what the command does on the switch. A line that is not
 * valid changes nothing. `rejects` is the lab's `reject-config` fault.
 */
export function applyConfigLine(
  line: string,
  path: readonly Frame[],
  config: RunningConfig,
  family: DeviceFamily,
  rejects: (line: string) => boolean,
): ConfigOutcome {
  const bad = /[^\x20-\x7e]/.exec(line);
  if (bad) return { kind: 'invalid', column: bad.index };
  const all = splitWords(line);
  const head = all[0];
  if (head === undefined || head.text.startsWith('!')) return { kind: 'ok', path: [...path] };
  const kinds = ['global', ...path.map((f) => f.kind)];
  const control = controlWord(head.text, family, kinds.at(-1) ?? 'global');
  if (control !== undefined) {
    const extra = all[1];
    if (control === 'do') {
      return extra === undefined ? { kind: 'incomplete' } : { kind: 'do', command: line.slice(extra.start), column: extra.start };
    }
    if (extra !== undefined) return invalidAt(extra);
    if (control === 'end') return { kind: 'exec' };
    if (control === 'exit' && !/^exit$/i.test(head.text)) return invalidAt(head);
    return path.length === 0 ? { kind: 'exec' } : { kind: 'ok', path: path.slice(0, -1) };
  }

  const action = ['no', 'default'].includes(head.text.toLowerCase()) ? (head.text.toLowerCase() as 'no' | 'default') : 'set';
  const cmd = action === 'set' ? all : all.slice(1);
  if (cmd.length === 0) return { kind: 'incomplete' };
  // As on IOS, a command the current section does not know is tried in the sections around it, innermost first.
  for (let depth = path.length; depth >= 0; depth--) {
    const match = resolveIn(family, kinds[depth] ?? 'global', line, cmd, kinds.slice(0, depth));
    if (match === undefined) continue;
    if (match === 'ambiguous') return { kind: 'ambiguous' };
    if (match.type === 'refused') return match.outcome;
    if (rejects(line)) return invalidAt(head);
    const base = path.slice(0, depth);
    const siblings = base.at(-1)?.node.children ?? config.nodes;
    const edit: Edit = { family, siblings, topLevel: depth === 0 };
    if (match.type === 'open') return openSection(edit, base, match, action, cmd);
    const kind = kinds[depth] ?? 'global';
    const listed = sectionKind(family, kind).keywords !== undefined;
    if (action === 'set' && cmd.length === 1 && listed && !ALONE.has(match.text.toLowerCase())) return { kind: 'incomplete' };
    applySetting(edit, match.text, action);
    return { kind: 'ok', path: base };
  }
  return invalidAt(cmd[0]);
}

interface Edit {
  family: DeviceFamily;
  siblings: ConfigNode[];
  topLevel: boolean;
}

/** FSOS 2.x always lists its VLANs in a `vlan 1,10-20` line; an NX-OS style config has one the switch keeps in step. */
function keepsVlanList(edit: Edit): boolean {
  return edit.family.grammar.vlanListLine || vlanListNode(edit.siblings) !== undefined;
}

function sameSection(family: DeviceFamily, existing: string, text: string): boolean {
  const name = interfaceName(family, text)?.toLowerCase();
  if (name !== undefined) return interfaceName(family, existing)?.toLowerCase() === name;
  const e = words(existing);
  const t = words(text);
  return e.length === t.length && sameLeadingWords(e, t, t.length);
}

function openSection(
  edit: Edit,
  base: Frame[],
  match: { kind: string; text: string },
  action: 'set' | 'no' | 'default',
  cmd: readonly Word[],
): ConfigOutcome {
  const { family, siblings } = edit;
  const index = siblings.findIndex((n) => sameSection(family, n.text, match.text));
  const found = siblings[index];
  const vlan = edit.topLevel && keepsVlanList(edit) ? /^vlan (\d+)$/.exec(match.text)?.[1] : undefined;
  if (action === 'no') {
    const name = interfaceName(family, match.text);
    if (name !== undefined && family.grammar.builtInInterface.test(name)) return invalidAt(cmd[1]);
    if (found !== undefined) siblings.splice(index, 1);
    if (vlan !== undefined) removeFromVlanList(siblings, [Number(vlan)]);
    return { kind: 'ok', path: base };
  }
  if (action === 'default') {
    if (found !== undefined) found.children = [];
    return { kind: 'ok', path: base };
  }
  let node = found;
  if (node === undefined) {
    // A section that holds one value (`police` in a class) takes the new value in place.
    node = siblings.find((n) => sameSetting(n.text, match.text, family.grammar.usernameKeyLength));
    if (node === undefined) {
      node = { text: match.text, children: [] };
      insertNode(siblings, node, edit.topLevel, family.grammar);
    }
    node.text = match.text;
  }
  if (vlan !== undefined) addToVlanList(siblings, [Number(vlan)], family.grammar);
  return { kind: 'ok', path: [...base, { node, kind: match.kind, prompt: sectionKind(family, match.kind).prompt }] };
}

function printedNegation(family: DeviceFamily, ws: readonly string[]): PrintedNegation | undefined {
  return family.grammar.printedNegations.find((n) => {
    const feature = words(n.feature);
    const fits = n.withArguments === true ? feature.length <= ws.length : feature.length === ws.length;
    return fits && feature.every((w, i) => w === ws[i]?.toLowerCase());
  });
}

/** `no ip address` is what `ip address 10.0.0.1 255.255.255.0` cancels. */
function cancelledBy(existing: ConfigNode, ws: readonly string[]): boolean {
  const e = words(existing.text);
  if (e[0] !== 'no' || existing.children.length > 0) return false;
  const negated = e.slice(1);
  return negated.length <= ws.length && sameLeadingWords(negated, ws, negated.length);
}

function applySetting(edit: Edit, text: string, action: 'set' | 'no' | 'default'): void {
  const { family, topLevel } = edit;
  const usernameKey = family.grammar.usernameKeyLength;
  const ws = words(text);
  const vlans = topLevel && keepsVlanList(edit) && ws.length === 2 && ws[0] === 'vlan' && isVlanList(ws[1] ?? '')
    ? parseVlanList(ws[1] ?? '')
    : undefined;
  if (vlans !== undefined) {
    if (action === 'set') addToVlanList(edit.siblings, vlans, family.grammar);
    else removeFromVlanList(edit.siblings, vlans);
    return;
  }
  const keep = (predicate: (n: ConfigNode) => boolean): void => {
    const kept = edit.siblings.filter(predicate);
    edit.siblings.splice(0, edit.siblings.length, ...kept);
  };
  if (family.grammar.trunkVlanArithmetic && isTrunkAllowedVlan(ws)) {
    const index = edit.siblings.findIndex((n) => isTrunkAllowedVlan(words(n.text)));
    const line = action === 'set' ? trunkAllowedLine(edit.siblings[index]?.text, text) : undefined;
    if (line === undefined) keep((n) => !isTrunkAllowedVlan(words(n.text)));
    else if (index === -1) insertNode(edit.siblings, { text: line, children: [] }, topLevel, family.grammar);
    else edit.siblings.splice(index, 1, { text: line, children: [] });
    return;
  }
  if (action === 'set') {
    keep((n) => !cancelledBy(n, ws));
    // The default state of a default-on feature prints nothing (`service pad`, `switchport`).
    if (printedNegation(family, ws)?.positivePrinted === false) return;
    const existing = edit.siblings.find((n) => n.children.length === 0 && sameSetting(n.text, text, usernameKey));
    if (existing !== undefined) existing.text = text;
    else insertNode(edit.siblings, { text, children: [] }, topLevel, family.grammar);
    return;
  }
  if (ws[0] === 'hostname') {
    applySetting(edit, 'hostname Switch', 'set');
    return;
  }
  keep((n) => n.children.length > 0 || !removedBy(n.text, ws, usernameKey));
  if (action === 'default') {
    keep((n) => !cancelledBy(n, ws) && !(words(n.text)[0] === 'no' && sameLeadingWords(words(n.text).slice(1), ws, ws.length)));
    return;
  }
  if (printedNegation(family, ws) === undefined) return;
  // `no ip address` leaves a secondary address in place; the interface is not then without one.
  if (edit.siblings.some((n) => n.children.length === 0 && sameLeadingWords(words(n.text), ws, ws.length))) return;
  const line = `no ${text}`;
  if (!edit.siblings.some((n) => n.text === line)) insertNode(edit.siblings, { text: line, children: [] }, topLevel, family.grammar);
}
