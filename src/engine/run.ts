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

const CHUNK = 1 << 20;

/**
 * Reads a file (or standard input) as bytes and hands every line to `onLine`
 * as a latin1 string, so each byte is one character and comes back out
 * unchanged, as it does in Perl. A last line without a newline still counts,
 * as SEC's --notail reads it.
 */
export function forEachLine(path: string, onLine: (line: string) => void, afterChunk?: () => void): number {
  const fd = path === '-' ? 0 : openSync(path, 'r');
  const buffer = Buffer.allocUnsafe(CHUNK);
  let rest = '';
  let count = 0;
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buffer, 0, CHUNK, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        if ((err as NodeJS.ErrnoException).code === 'EOF') break;
        throw err;
      }
      if (n === 0) break;
      const text = rest + buffer.toString('latin1', 0, n);
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        onLine(text.slice(start, nl));
        count++;
        start = nl + 1;
      }
      rest = text.slice(start);
      afterChunk?.();
    }
    if (rest !== '') {
      onLine(rest);
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
