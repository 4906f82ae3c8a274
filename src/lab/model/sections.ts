import type { ConfigNode } from '../../config/index.js';
import type { InterfaceParse } from '../personality.js';
import { globalSection, type FamilyGrammar, type SectionKind } from './family.js';

/** One level of the config-mode stack: the section typed into and what it is. */
export interface Frame {
  node: ConfigNode;
  kind: string;
  /** What the prompt shows for the section (`if`, `router-af` …). */
  prompt: string;
}

/** A family's grammar with the personality's interface names: what the device model reads. */
export interface DeviceFamily {
  grammar: FamilyGrammar;
  parseInterface(words: string[]): InterfaceParse;
  hasEnd: boolean;
}

export function sectionKind(family: DeviceFamily, kind: string): SectionKind {
  return family.grammar.sections[kind] ?? globalSection(family.grammar);
}

/** The canonical interface name of an `interface …` line, if it names one the family has. */
export function interfaceName(family: DeviceFamily, text: string): string | undefined {
  const ws = text.trim().split(/\s+/);
  if (ws[0]?.toLowerCase() !== 'interface') return undefined;
  const parsed = family.parseInterface(ws.slice(1));
  return 'name' in parsed ? parsed.name : undefined;
}

/** Which section kind a line opens when it stands in a section of `parent`, if any. */
export function openedKind(family: DeviceFamily, parent: string, text: string): string | undefined {
  if (parent === 'global' && /^interface\s/i.test(text)) return family.grammar.interfaceKind;
  const lower = text.toLowerCase();
  return sectionKind(family, parent).sections.find((s) => s.opens.test(lower))?.kind;
}
