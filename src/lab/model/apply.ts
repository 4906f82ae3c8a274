import type { ConfigNode } from '../../config/index.js';
import { splitWords } from '../grammar.js';
import { applySetting, openSection, type Edit } from './edit.js';
import { invalidAt, type ConfigOutcome } from './outcome.js';
import { controlWord, resolveIn } from './resolve.js';
import type { RunningConfig } from './running-config.js';
import { sectionKind, type DeviceFamily, type Frame } from './sections.js';

/** Settings that are complete as one word. */
const ALONE = new Set([
  'shutdown', 'switchport', 'login', 'exec', 'keepalive', 'full-duplex', 'half-duplex', 'bundle-enable', 'autostate',
  'transceiver-monitor', 'boot-start-marker', 'boot-end-marker', 'hidekeys', 'match', 'cdp', 'lldp', 'overlay',
  // IOS 12.0 prints (and so takes back) a description with no text.
  'description',
]);

/** A command edits only the section it lands in: its lines, and how many lines each of them holds. */
function fingerprint(siblings: readonly ConfigNode[]): string {
  return siblings.map((n) => `${n.text}\u0000${String(n.children.length)}`).join('\n');
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
  if (head === undefined || head.text.startsWith('!')) return { kind: 'ok', path: [...path], changed: false };
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
    return path.length === 0 ? { kind: 'exec' } : { kind: 'ok', path: path.slice(0, -1), changed: false };
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
    const before = fingerprint(siblings);
    if (match.type === 'open') {
      const opened = openSection(edit, base, match, action, cmd);
      return Array.isArray(opened) ? { kind: 'ok', path: opened, changed: fingerprint(siblings) !== before } : opened;
    }
    const kind = kinds[depth] ?? 'global';
    const listed = sectionKind(family, kind).keywords !== undefined;
    if (action === 'set' && cmd.length === 1 && listed && !ALONE.has(match.text.toLowerCase())) return { kind: 'incomplete' };
    applySetting(edit, match.text, action);
    return { kind: 'ok', path: base, changed: fingerprint(siblings) !== before };
  }
  return invalidAt(cmd[0]);
}
