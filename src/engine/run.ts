import { closeSync, openSync, readSync } from 'node:fs';
import { silentLogger, type Logger } from '../log/index.js';
import { Engine, type NativeActionSink } from './engine.js';
import { loadRules } from './rules.js';

export interface RunFilesOptions {
  conf: string[];
  /** Files read from the start to the end, one after the other; `-` is standard input. */
  inputs: string[];
  logger?: Logger;
  sink?: NativeActionSink;
  intevents?: boolean;
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

/**
 * Reads a file (or standard input) as bytes and hands every line to `onLine`
 * as a latin1 string, so each byte is one character and comes back out
 * unchanged, as it does in Perl. A last line without a newline still counts,
 * as SEC's --notail reads it.
 */
export function forEachLine(path: string, onLine: (line: string) => void, afterChunk?: () => void): number {
  const fd = path === '-' ? 0 : openSync(path, 'r');
  let buffer = Buffer.allocUnsafe(CHUNK);
  // Bytes of an unfinished line sit at the start of the buffer.
  let kept = 0;
  let count = 0;
  try {
    for (;;) {
      if (kept === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, kept);
        buffer = bigger;
      }
      let n: number;
      try {
        n = readSync(fd, buffer, kept, buffer.length - kept, null);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') continue;
        if (code === 'EOF') break;
        throw err;
      }
      if (n === 0) break;
      const end = kept + n;
      let start = 0;
      // One string per line, decoded on its own: a captured value then keeps
      // only its line alive, not a whole read chunk.
      for (let nl = buffer.indexOf(10, kept); nl >= 0 && nl < end; nl = buffer.indexOf(10, start)) {
        onLine(buffer.toString('latin1', start, nl));
        count++;
        start = nl + 1;
        if (start >= end) break;
      }
      kept = end - start;
      if (kept > 0 && start > 0) buffer.copy(buffer, 0, start, end);
      afterChunk?.();
    }
    if (kept > 0) {
      onLine(buffer.toString('latin1', 0, kept));
      count++;
    }
  } finally {
    if (fd !== 0) closeSync(fd);
  }
  return count;
}

/**
 * `sec --notail --fromstart` in one call: load the rules, run every input
 * through the engine, flush, and (by default) wait for started programs.
 * Rule errors propagate as RuleLoadError / AggregateError.
 */
export async function runEngineOnFiles(options: RunFilesOptions): Promise<RunFilesResult> {
  const rules = await loadRules(options.conf);
  const engine = new Engine(rules, {
    logger: options.logger ?? silentLogger(),
    sink: options.sink,
    intevents: options.intevents,
    secShellCompat: options.secShellCompat,
    now: options.now,
    output: options.output,
  });
  engine.start();
  let lines = 0;
  for (const input of options.inputs) {
    lines += forEachLine(input, (line) => {
      engine.processLine(line, input);
    });
  }
  await engine.close(options.waitForChildren ?? true);
  return { lines };
}
