import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { pino, type Logger, type LoggerOptions, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

/**
 * Field paths that may carry a secret somewhere in onramp's own objects.
 * pino removes them before serialisation, so a secret cannot reach a log
 * line even when a whole options object is logged by mistake.
 */
export const REDACT_PATHS = [
  'password',
  'passphrase',
  'secret',
  'enableSecret',
  'privateKey',
  '*.password',
  '*.passphrase',
  '*.secret',
  '*.enableSecret',
  '*.privateKey',
  '*.*.password',
  '*.*.secret',
  'credentials',
  '*.credentials',
];

export interface LoggerSettings {
  level?: string;
  /** Human-readable output through pino-pretty instead of JSON lines. */
  pretty?: boolean;
  /** A file path, a file descriptor (1 = stdout, 2 = stderr) or a stream. Defaults to stderr. */
  destination?: string | number | Writable;
  /** Write synchronously; slower, but nothing is lost on a crash or process.exit(). */
  sync?: boolean;
}

export function createLogger(settings: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    base: { pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  const destination = settings.destination ?? 2;
  const sync = settings.sync ?? true;
  if (typeof destination === 'object') return pino(options, destination);
  if (typeof destination === 'string') createPrivately(destination);
  if (settings.pretty === true) {
    return pino(options, prettyStream(destination, sync));
  }
  return pino(options, pino.destination({ dest: destination, sync, mkdir: true }));
}

/** A log names devices, addresses and diffs: a new log file is readable by its owner only, whatever the umask. */
function createPrivately(file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  closeSync(openSync(file, 'a', 0o600));
}

function prettyStream(destination: string | number, sync: boolean): DestinationStream {
  // pino-pretty is loaded lazily: JSON mode (the default in production) should
  // not pay for its start-up cost.
  const require = createRequire(import.meta.url);
  const build = require('pino-pretty') as (opts: Record<string, unknown>) => DestinationStream;
  return build({
    destination,
    sync,
    colorize: typeof destination === 'number' && process.stderr.isTTY,
    ignore: 'pid,hostname',
    translateTime: 'SYS:HH:MM:ss.l',
    messageKey: 'msg',
  });
}

/** A logger that discards everything, for library callers and tests that do not care. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
