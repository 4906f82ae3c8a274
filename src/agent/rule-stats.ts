import type { RuleMatches } from '../engine/index.js';
import type { Logger } from '../log/index.js';
import type { StateStore } from '../state/index.js';

const RULES_FILE = ['rules.json'];
const WRITE_EVERY_MS = 5_000;

/** One rule file's rules, by the line each starts on, and the events each matched. */
export interface RuleFileMatches {
  file: string;
  rules: { line: number; type: string; matches: number }[];
}

/** The engine's counts, file by file in load order. */
export function byFile(matches: readonly RuleMatches[]): RuleFileMatches[] {
  const files = new Map<string, RuleFileMatches>();
  for (const { file, line, type, matches: count } of matches) {
    const entry = files.get(file) ?? { file, rules: [] };
    entry.rules.push({ line, type, matches: count });
    files.set(file, entry);
  }
  return [...files.values()];
}

/** The rules a running onramp has loaded and what each matched, as its state directory keeps them. */
export interface RuleStats {
  /** ISO time the counts were taken. */
  time: string;
  /** ISO time the rules were (re)loaded: the counts start there. */
  loadedAt: string;
  files: RuleFileMatches[];
}

/** What the state directory's appliance last wrote; undefined when none ran there. */
export async function readRuleStats(state: StateStore): Promise<RuleStats | undefined> {
  const stats = await state.readJson<RuleStats | undefined>(RULES_FILE, undefined);
  return stats !== undefined && Array.isArray(stats.files) ? stats : undefined;
}

/**
 * Writes the rule files and their match counts to the state directory every
 * few seconds while they change (and at the end), for a console that reads
 * the state directory without the appliance.
 */
export class RuleStatsWriter {
  private loadedAt = new Date().toISOString();
  private last = '';
  private readonly timer: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly state: StateStore, private readonly matches: () => RuleMatches[], private readonly logger: Logger) {
    this.timer = setInterval(() => { this.write(); }, WRITE_EVERY_MS);
    this.timer.unref();
    this.write();
  }

  /** The rules were reloaded: their counts start again. */
  reloaded(): void {
    this.loadedAt = new Date().toISOString();
    this.write();
  }

  current(): RuleStats {
    return { time: new Date().toISOString(), loadedAt: this.loadedAt, files: byFile(this.matches()) };
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.write();
    await this.writing;
  }

  private write(): void {
    const stats = this.current();
    const key = JSON.stringify([stats.loadedAt, stats.files]);
    if (key === this.last) return;
    this.last = key;
    this.writing = this.writing.then(() => this.state.writeJson(RULES_FILE, stats)).catch((err: unknown) => {
      this.logger.error({ err }, `rule match counts not written in ${this.state.path(...RULES_FILE)}`);
    });
  }
}
