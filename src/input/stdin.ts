import type { Readable } from 'node:stream';
import { Events, type Logger } from '../log/index.js';
import { LineSplitter } from './line-splitter.js';
import { DEFAULT_MAX_LINE_BYTES, type InputSource, type LineEncoding, type LineSink } from './types.js';

export interface StdinOptions {
  onLine: LineSink;
  logger: Logger;
  /** Defaults to process.stdin. */
  stream?: Readable;
  maxLineBytes?: number;
  encoding?: LineEncoding;
}

/** Lines from standard input (SEC's `--input=-`); `done` resolves at end of input. */
export function readStdin(options: StdinOptions): InputSource {
  const stream = options.stream ?? process.stdin;
  const encoding = options.encoding ?? 'utf8';
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const name = '-';
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const splitter = new LineSplitter(
    maxLineBytes,
    (line) => {
      try {
        options.onLine(line.toString(encoding), name);
      } catch (err) {
        options.logger.error({ path: name, err }, 'a line handler failed; going on with the next line');
      }
    },
    (bytes) => {
      options.logger.warn(
        { event: Events.inputLineRejected, path: name, bytes, reason: 'too-long', limit: maxLineBytes },
        `skipped a ${String(bytes)}-byte line on standard input`,
      );
    },
  );
  const onData = (chunk: Buffer | string): void => {
    splitter.push(typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk);
  };
  const onEnd = (): void => {
    splitter.flush();
    finish();
  };
  const onError = (err: unknown): void => {
    options.logger.error({ path: name, err }, 'standard input failed');
    finish();
  };
  return {
    name,
    done,
    start() {
      stream.on('data', onData);
      stream.once('end', onEnd);
      stream.once('error', onError);
      return Promise.resolve();
    },
    stop() {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.pause();
      finish();
      return Promise.resolve();
    },
  };
}
