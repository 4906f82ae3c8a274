import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { Transform, type Writable } from 'node:stream';

/** RFC 5424 facility codes, by the names syslog.conf and SEC's --syslog use. */
const FACILITIES: Record<string, number> = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
};

/** pino's numeric levels and the syslog severity each is sent with (RFC 5424: 2 crit … 7 debug). */
const SEVERITY_OF_LEVEL: [minLevel: number, severity: number][] = [
  [60, 2], // fatal → crit
  [50, 3], // error → err
  [40, 4], // warn → warning
  [30, 6], // info → info
  [0, 7], // debug, trace → debug
];
const INFO = 6;

/** Where syslog daemons and journald take local messages. */
export const SYSLOG_SOCKET = '/dev/log';

export class SyslogUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SyslogUnavailableError';
  }
}

export function syslogFacilities(): string[] {
  return Object.keys(FACILITIES);
}

export function isSyslogFacility(name: string): boolean {
  return Object.hasOwn(FACILITIES, name);
}

/** The `<PRI>` of a pino JSON line: facility × 8 + the severity of its level (info when it has none). */
export function syslogPriority(facility: string, line: string): number {
  const code = FACILITIES[facility];
  if (code === undefined) throw new Error(`unknown syslog facility "${facility}"`);
  // pino writes the level first in every record.
  const level = /^\{"level":(\d+)/.exec(line)?.[1];
  const severity = level === undefined ? INFO : (SEVERITY_OF_LEVEL.find(([min]) => Number(level) >= min)?.[1] ?? INFO);
  return code * 8 + severity;
}

/**
 * A stream whose every line (a pino JSON record) becomes one syslog message
 * with the severity of its level. Node has no Unix datagram sockets, so the
 * lines are handed to util-linux `logger`, told to take each line's `<PRI>`
 * prefix. Without the socket `logger` would drop every message and exit 0,
 * so its absence is an error here, and `logger` reports a socket lost later.
 */
export function syslogStream(facility: string, socket = SYSLOG_SOCKET, tag = 'onramp'): Writable {
  if (!isSyslogFacility(facility)) throw new Error(`unknown syslog facility "${facility}"`);
  const isSocket = ((): boolean => {
    try {
      return statSync(socket).isSocket();
    } catch {
      return false;
    }
  })();
  if (!isSocket) {
    throw new SyslogUnavailableError(`--syslog=${facility}: ${socket} is not a socket, so no syslog daemon would receive the log; start one (rsyslog, journald) or log with --log=FILE`);
  }
  const child = spawn('logger', ['--prio-prefix', '-u', socket, '--socket-errors=on', '-t', tag, '-p', `${facility}.info`], {
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  child.unref();
  // A logger that died (its own error is on stderr) must not take the appliance with it.
  child.stdin.on('error', () => undefined);
  let partial = '';
  const prefixer = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      done(null, lines.map((line) => `<${String(syslogPriority(facility, line))}>${line}\n`).join(''));
    },
  });
  prefixer.pipe(child.stdin);
  return prefixer;
}
