import { resolveKeyword, type Word } from '../grammar.js';
import { invalidAt, type ConfigOutcome } from './outcome.js';
import { openedKind, sectionKind, type DeviceFamily } from './sections.js';
import { parseVlanList } from './vlan-list.js';

/** What a typed command is in a section: a section to open, a setting, or refused outright. */
export type Match =
  | { type: 'open'; kind: string; text: string }
  | { type: 'set'; text: string }
  | { type: 'refused'; outcome: ConfigOutcome };

/** Words after which a number or list is a VLAN id. */
const VLAN_ARGUMENT = new Set(['vlan', 'pvid', 'vlan-allowed', 'vlan-untagged', 'native']);

const HOSTNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

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
export function resolveIn(
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
    keyword = section.printedKeywords?.[resolved] ?? resolved;
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

export type Control = 'end' | 'exit' | 'do' | 'leave-section' | undefined;

export function controlWord(word: string, family: DeviceFamily, kind: string): Control {
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
