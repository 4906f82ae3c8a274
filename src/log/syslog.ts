import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';

const FACILITIES = new Set([
  'auth', 'authpriv', 'cron', 'daemon', 'ftp', 'kern', 'lpr', 'mail', 'news', 'syslog', 'user', 'uucp',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
]);

export function isSyslogFacility(name: string): boolean {
  return FACILITIES.has(name);
}

/**
 * A stream whose every line becomes one syslog message. Node has no Unix
 * datagram sockets, so the log is handed to util-linux `logger`, which is on
 * every Debian system and knows how to reach /dev/log or journald.
 */
export function syslogStream(facility: string, tag = 'onramp'): Writable {
  if (!isSyslogFacility(facility)) throw new Error(`unknown syslog facility "${facility}"`);
  const child = spawn('logger', ['-t', tag, '-p', `${facility}.info`], { stdio: ['pipe', 'ignore', 'inherit'] });
  child.unref();
  return child.stdin;
}
