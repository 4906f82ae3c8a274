import type { Logger } from '../log/index.js';
import type { StateStore } from '../state/index.js';

const EXECUTIONS_FILE = ['executions.json'];

interface ExecutionsFile {
  last: number;
}

/**
 * Execution ids for scheduled backups: monotonic across restarts, so an id in
 * an old log line never names a different run. The counter is taken in memory
 * (the engine's sink call is synchronous) and written behind.
 */
export class ExecutionCounter {
  private last = 0;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly state: StateStore, private readonly logger: Logger) {}

  async load(): Promise<void> {
    const file = await this.state.readJson<Partial<ExecutionsFile>>(EXECUTIONS_FILE, {});
    const last = file.last;
    if (last !== undefined && !(Number.isSafeInteger(last) && last >= 0)) {
      throw new Error(`${this.state.path(...EXECUTIONS_FILE)}: last: expected a non-negative integer, got ${JSON.stringify(last)}`);
    }
    this.last = last ?? 0;
  }

  next(): number {
    this.last += 1;
    const snapshot: ExecutionsFile = { last: this.last };
    this.writing = this.writing
      .then(() => this.state.writeJson(EXECUTIONS_FILE, snapshot))
      .catch((err: unknown) => {
        this.logger.error({ err }, `execution counter not saved in ${this.state.path(...EXECUTIONS_FILE)}`);
      });
    return this.last;
  }

  flushed(): Promise<void> {
    return this.writing;
  }
}
