import type { Word } from '../grammar.js';
import type { Frame } from './sections.js';

/** What typing one line in config mode led to. */
export type ConfigOutcome =
  /** `changed`: the running config is not what it was (IOS stamps the change). */
  | { kind: 'ok'; path: Frame[]; changed: boolean }
  | { kind: 'exec' }
  | { kind: 'invalid'; column: number }
  | { kind: 'incomplete' }
  | { kind: 'ambiguous' }
  | { kind: 'do'; command: string; column: number };

export function invalidAt(word: Word | undefined): ConfigOutcome {
  return { kind: 'invalid', column: word?.start ?? 0 };
}
