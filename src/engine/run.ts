import { closeSync, openSync, readSync } from 'node:fs';
import { silentLogger, type Logger } from '../log/index.js';
import { Engine, type NativeActionSink } from './engine.js';
import { GateSearch, type LineFilter } from './line-gate.js';
import { loadRules } from './rules.js';

export interface RunFilesOptions {
  conf: string[];
  /** Files read from the start to the end, a line from each in turn; `-` is standard input; `FILE=CONTEXT` as SEC. */
  inputs: string[];
  logger?: Logger;
  sink?: NativeActionSink;
  intevents?: boolean;
  intcontexts?: boolean;
  jointBuffer?: boolean;
  bufferSize?: number;
  secShellCompat?: boolean;
  now?: () => number;
  output?: (text: string) => void;
  /** Wait for child processes before returning (default true); SEC --notail itself exits without waiting. */
  waitForChildren?: boolean;
}

/** Reads of 256 KiB: a quarter of the read calls of 64 KiB ones, and still small enough to stay in the CPU's cache (1 MiB ones were slower). */
const CHUNK = 1 << 18;

/**
 * Lines of a file (or standard input, `-`) read as bytes and handed out one
 * at a time as latin1 strings, so each byte is one character and comes back
 * out unchanged, as it does in Perl. A last line without a newline still
 * counts, as SEC's --notail reads it.
 */
class FileLines {
  private readonly fd: number;
  private buffer = Buffer.allocUnsafe(CHUNK);
  private start = 0;
  private end = 0;
  private eof = false;

  constructor(readonly path: string) {
    this.fd = path === '-' ? 0 : openSync(path, 'r');
  }

  /** The next line, or undefined at the end. */
  next(): string | undefined {
    for (;;) {
      const nl = this.buffer.indexOf(10, this.start);
      if (nl >= 0 && nl < this.end) return this.take(this.start, nl, nl + 1);
      if (this.eof) return this.start === this.end ? undefined : this.take(this.start, this.end, this.end);
      this.fill();
    }
  }

  /** The bytes of the first read, up to what was read (nothing is taken from them). */
  sample(): Buffer {
    if (this.end === 0 && !this.eof) this.fill();
    return this.buffer.subarray(0, this.end);
  }

  /**
   * The next line where `search` finds an anchor of the gate, or undefined
   * at the end. The lines before it are passed over in the bytes of the
   * read, never decoded; `skipped` hears of each read that passed over some.
   */
  nextPassing(search: GateSearch, skipped: () => void): string | undefined {
    for (;;) {
      const at = search.find(this.start);
      if (at >= 0) {
        const lineStart = this.buffer.lastIndexOf(0x0a, at) + 1;
        const nl = this.buffer.indexOf(0x0a, at);
        if (nl >= 0 && nl < this.end) return this.take(lineStart, nl, nl + 1);
        if (this.eof) return this.take(lineStart, this.end, this.end);
        // In the unfinished last line: look again once it is complete.
        this.start = lineStart;
      } else {
        // Keep only the unfinished last line (a negative offset would search from the buffer's end).
        this.start = this.eof ? this.end : Math.max(this.start, this.end > 0 ? this.buffer.lastIndexOf(0x0a, this.end - 1) + 1 : 0);
      }
      if (this.eof) return undefined;
      skipped();
      this.fill();
      search.reset(this.buffer.subarray(0, this.end));
    }
  }

  private take(start: number, lineEnd: number, nextStart: number): string {
    this.start = nextStart;
    // One string per line, decoded on its own: a captured value then keeps
    // only its line alive, not a whole read chunk.
    return this.buffer.toString('latin1', start, lineEnd);
  }

  ended(): boolean {
    return this.eof && this.start === this.end;
  }

  close(): void {
    if (this.fd !== 0) closeSync(this.fd);
  }

  private fill(): void {
    // Bytes of an unfinished line move to the start of the buffer, which grows if they fill it.
    const kept = this.end - this.start;
    if (kept === this.buffer.length) {
      const bigger = Buffer.allocUnsafe(this.buffer.length * 2);
      this.buffer.copy(bigger, 0, this.start, this.end);
      this.buffer = bigger;
    } else if (this.start > 0) {
      this.buffer.copy(this.buffer, 0, this.start, this.end);
    }
    this.start = 0;
    this.end = kept;
    let n: number;
    try {
      n = readSync(this.fd, this.buffer, kept, this.buffer.length - kept, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') return;
      if (code !== 'EOF') throw err;
      n = 0;
    }
    if (n === 0) this.eof = true;
    this.end += n;
  }
}

/** SEC's `--input=FILE=CONTEXT`: while a line of FILE is matched, CONTEXT exists (it implies --intcontexts). */
export function splitInputSpec(spec: string): { path: string; context: string | undefined } {
  const m = /^(.+)=(\S+)$/.exec(spec);
  return m === null ? { path: spec, context: undefined } : { path: m[1] ?? spec, context: m[2] };
}

/** Every line of one file, in order. */
export function forEachLine(path: string, onLine: (line: string) => void): void {
  readInputsInTurn([path], (line) => { onLine(line); });
}

/**
 * SEC's --notail reading of several inputs: one line from each in turn, in
 * the order of their names, until every one is exhausted. A single input is
 * read through `filter` when there is one and few of its first lines pass:
 * only the lines that may match a rule are passed on. (Several take turns
 * line by line, so each is read in full to keep their order.)
 */
export function readInputsInTurn(paths: readonly string[], onLine: (line: string, path: string) => void, filter?: LineFilter): void {
  const open: FileLines[] = [];
  try {
    for (const path of paths) open.push(new FileLines(path));
    const only = open.length === 1 ? open[0] : undefined;
    if (only !== undefined && filter !== undefined) {
      const search = new GateSearch(filter.gate, only.sample());
      if (search.selective()) {
        for (let line = only.nextPassing(search, filter.skipped); line !== undefined; line = only.nextPassing(search, filter.skipped)) onLine(line, only.path);
        return;
      }
    }
    let live = open;
    while (live.length > 0) {
      let exhausted = false;
      for (let i = 0; i < live.length; i++) {
        const input = live[i] as FileLines;
        const line = input.next();
        if (line === undefined) {
          exhausted = true;
          continue;
        }
        onLine(line, input.path);
      }
      if (exhausted) live = live.filter((input) => !input.ended());
    }
  } finally {
    for (const input of open) input.close();
  }
}

/**
 * `sec --notail --fromstart` in one call: load the rules, run every input
 * through the engine, flush, and (by default) wait for started programs.
 * Rule errors propagate as RuleLoadError / AggregateError.
 */
export async function runEngineOnFiles(options: RunFilesOptions): Promise<void> {
  const rules = await loadRules(options.conf, { bufferSize: options.bufferSize });
  const inputs = options.inputs.map(splitInputSpec);
  const engine = new Engine(rules, {
    logger: options.logger ?? silentLogger(),
    sink: options.sink,
    intevents: options.intevents,
    intcontexts: options.intcontexts === true || inputs.some(({ context }) => context !== undefined),
    jointBuffer: options.jointBuffer,
    bufferSize: options.bufferSize,
    secShellCompat: options.secShellCompat,
    now: options.now,
    output: options.output,
  });
  engine.start();
  const contexts = new Map(inputs.map(({ path, context }) => [path, context]));
  readInputsInTurn(
    [...new Set(inputs.map(({ path }) => path))].sort(),
    (line, path) => {
      engine.processLine(line, path, contexts.get(path));
    },
    engine.lineFilter(),
  );
  await engine.close(options.waitForChildren ?? true);
}
