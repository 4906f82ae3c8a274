import type { ConfigNode } from '../../config/index.js';
import type { Word } from '../grammar.js';
import type { PrintedNegation } from './family.js';
import { invalidAt, type ConfigOutcome } from './outcome.js';
import { insertNode } from './running-config.js';
import { interfaceName, sectionKind, type DeviceFamily, type Frame } from './sections.js';
import { removedBy, sameLeadingWords, sameSetting, words } from './settings.js';
import { isTrunkAllowedVlan, trunkAllowedLine } from './trunk-vlans.js';
import { addToVlanList, removeFromVlanList, vlanListNode } from './vlan-blocks.js';
import { isVlanList, parseVlanList } from './vlan-list.js';

/** Where a command edits the running config: the siblings of the section it was typed in. */
export interface Edit {
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

export function openSection(
  edit: Edit,
  base: Frame[],
  match: { kind: string; text: string },
  action: 'set' | 'no' | 'default',
  cmd: readonly Word[],
): Frame[] | ConfigOutcome {
  const { family, siblings } = edit;
  const index = siblings.findIndex((n) => sameSection(family, n.text, match.text));
  const found = siblings[index];
  const vlan = edit.topLevel && keepsVlanList(edit) ? /^vlan (\d+)$/.exec(match.text)?.[1] : undefined;
  if (action === 'no') {
    const name = interfaceName(family, match.text);
    if (name !== undefined && family.grammar.builtInInterface.test(name)) return invalidAt(cmd[1]);
    if (found !== undefined) siblings.splice(index, 1);
    if (vlan !== undefined) removeFromVlanList(siblings, [Number(vlan)]);
    return base;
  }
  if (action === 'default') {
    if (found !== undefined) found.children = [];
    return base;
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
  return [...base, { node, kind: match.kind, prompt: sectionKind(family, match.kind).prompt }];
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

export function applySetting(edit: Edit, text: string, action: 'set' | 'no' | 'default'): void {
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
