import { closeSync, openSync, readSync } from 'node:fs';
import { silentLogger, type Logger } from '../log/index.js';
import { Engine, type NativeActionSink } from './engine.js';
import { GateScanner, type LineFilter } from './line-gate.js';
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

export interface RunFilesResult {
  lines: number;
}

const CHUNK = 1 << 16;
/** What FileLines.next() returns for a line the gate turned away. */
const SKIPPED = null;

/**
 * Lines of a file (or standard input, `-`) read as bytes and handed out one
 * at a time as latin1 strings, so each byte is one character and comes back
 * out unchanged, as it does in Perl. A last line without a newline still
 * counts, as SEC's --notail reads it. With a gate, a line that holds none
 * of its literals is passed over undecoded (SKIPPED).
 */
class FileLines {
  private readonly fd: number;
  private buffer = Buffer.allocUnsafe(CHUNK);
  private start = 0;
  private end = 0;
  private eof = false;
  private readonly scanner: GateScanner | undefined;
  /** Lines passed over since the last read. */
  private skipped = 0;

  constructor(
    readonly path: string,
    private readonly filter: LineFilter | undefined,
  ) {
    this.fd = path === '-' ? 0 : openSync(path, 'r');
    this.scanner = filter === undefined ? undefined : new GateScanner(filter.gate);
  }

  /** The next line, SKIPPED for one the gate turned away, or undefined at the end. */
  next(): string | typeof SKIPPED | undefined {
    for (;;) {
      const nl = this.buffer.indexOf(10, this.start);
      if (nl >= 0 && nl < this.end) return this.take(nl, nl + 1);
      if (this.eof) return this.start === this.end ? undefined : this.take(this.end, this.end);
      if (this.skipped > 0) {
        this.skipped = 0;
        this.filter?.skipped();
      }
      this.fill();
    }
  }

  private take(lineEnd: number, nextStart: number): string | typeof SKIPPED {
    const start = this.start;
    this.start = nextStart;
    if (this.scanner !== undefined && !this.scanner.passes(start, lineEnd)) {
      this.skipped++;
      return SKIPPED;
    }
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
    this.scanner?.reset(this.buffer, this.end);
  }
}

/** SEC's `--input=FILE=CONTEXT`: while a line of FILE is matched, CONTEXT exists (it implies --intcontexts). */
export function splitInputSpec(spec: string): { path: string; context: string | undefined } {
  const m = /^(.+)=(\S+)$/.exec(spec);
  return m === null ? { path: spec, context: undefined } : { path: m[1] ?? spec, context: m[2] };
}

/** Every line of one file, in order; returns how many there were. */
export function forEachLine(path: string, onLine: (line: string) => void): number {
  return readInputsInTurn([path], (line) => { onLine(line); });
}

/**
 * SEC's --notail reading of several inputs: one line from each in turn, in
 * the order of their names, until every one is exhausted. Lines that
 * `filter` turns away take their turn and count, but are not passed on.
 */
export function readInputsInTurn(paths: readonly string[], onLine: (line: string, path: string) => void, filter?: LineFilter): number {
  const open: FileLines[] = [];
  let count = 0;
  try {
    for (const path of paths) open.push(new FileLines(path, filter));
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
        if (line !== SKIPPED) onLine(line, input.path);
        count++;
      }
      if (exhausted) live = live.filter((input) => !input.ended());
    }
  } finally {
    for (const input of open) input.close();
  }
  return count;
}

/**
 * `sec --notail --fromstart` in one call: load the rules, run every input
 * through the engine, flush, and (by default) wait for started programs.
 * Rule errors propagate as RuleLoadError / AggregateError.
 */
export async function runEngineOnFiles(options: RunFilesOptions): Promise<RunFilesResult> {
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
  const lines = readInputsInTurn(
    [...new Set(inputs.map(({ path }) => path))].sort(),
    (line, path) => {
      engine.processLine(line, path, contexts.get(path));
    },
    engine.lineFilter(),
  );
  await engine.close(options.waitForChildren ?? true);
  return { lines };
}
