export interface SyslogParts {
  /** The text after the header: the whole line when no header was recognised. */
  message: string;
  host?: string;
  program?: string;
  pid?: number;
  time?: Date;
  /** Facility * 8 + severity, when the line carried `<PRI>`. */
  priority?: number;
}

const MONTHS: Record<string, number> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};
const PRI = /^<(\d{1,3})>/;
const RFC3164_TIME = /^([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))? +/;
const RFC3339_TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?)(Z|[+-]\d\d:?\d\d) +/;
const TAG = /^([^\s[\]:]{1,64})(?:\[(\d{1,10})\])?: ?/;
const RFC5424_HEAD = /^1 (\S{1,64}) (\S{1,255}) (\S{1,48}) (\S{1,128}) (\S{1,32}) /;
const DAY_MS = 86_400_000;

/**
 * Splits a syslog header off a line: RFC 3164 (`Nov 22 20:09:01 host prog[pid]: `,
 * with or without `<PRI>`), RFC 3339 timestamps as rsyslog writes them by default
 * on Debian 12, RFC 5424 (`<30>1 TIMESTAMP HOST APP PROCID MSGID SD MSG`), or
 * a bare `prog[pid]: ` tag, or nothing at all (a daemon logging to its terminal). `now` places a year-less
 * RFC 3164 time in the year that keeps it from lying in the future.
 */
export function stripSyslogHeader(line: string, now: Date = new Date()): SyslogParts {
  let rest = line;
  let priority: number | undefined;
  if (rest.charCodeAt(0) === 0x3c /* < */) {
    const pri = PRI.exec(rest);
    if (pri !== null) {
      priority = Number(pri[1]);
      rest = rest.slice(pri[0].length);
      const structured = parseRfc5424(rest, priority);
      if (structured !== null) return structured;
    }
  }
  const first = rest.charCodeAt(0);
  if (first >= 0x30 && first <= 0x39) {
    const m = RFC3339_TIME.exec(rest);
    if (m !== null) {
      return withTag(rest.slice(m[0].length), parseIsoTime(`${m[1] ?? ''}${m[2] ?? ''}`), priority, line);
    }
  } else if (first >= 0x41 && first <= 0x5a) {
    const m = RFC3164_TIME.exec(rest);
    if (m !== null && MONTHS[m[1] ?? ''] !== undefined) {
      return withTag(rest.slice(m[0].length), bsdTime(m, now), priority, line);
    }
  }
  const parts: SyslogParts = { message: rest };
  if (priority !== undefined) parts.priority = priority;
  // `prog[pid]: msg` with no time at all, as `logger -s` and some relays write it.
  const tagged = TAG.exec(rest);
  if (tagged !== null) {
    parts.program = tagged[1];
    if (tagged[2] !== undefined) parts.pid = Number(tagged[2]);
    parts.message = rest.slice(tagged[0].length);
  }
  return parts;
}

function withTag(rest: string, time: Date | undefined, priority: number | undefined, line: string): SyslogParts {
  const parts: SyslogParts = { message: rest };
  if (time !== undefined) parts.time = time;
  if (priority !== undefined) parts.priority = priority;
  let tagged = TAG.exec(rest);
  if (tagged === null) {
    // No tag straight after the time: the first word is the sending host.
    const space = rest.indexOf(' ');
    if (space <= 0) return { message: line };
    parts.host = rest.slice(0, space);
    rest = rest.slice(space + 1);
    parts.message = rest;
    tagged = TAG.exec(rest);
  }
  if (tagged !== null) {
    parts.program = tagged[1];
    if (tagged[2] !== undefined) parts.pid = Number(tagged[2]);
    parts.message = rest.slice(tagged[0].length);
  }
  return parts;
}

function parseRfc5424(rest: string, priority: number): SyslogParts | null {
  const m = RFC5424_HEAD.exec(rest);
  if (m === null) return null;
  const [, stamp = '-', host = '-', app = '-', procid = '-'] = m;
  let at = m[0].length;
  if (rest.startsWith('-', at)) {
    at += 1;
  } else {
    // Structured data: one or more [id k="v" …] elements; `\]` inside values is escaped.
    while (rest.charCodeAt(at) === 0x5b /* [ */) {
      let i = at + 1;
      while (i < rest.length && rest.charCodeAt(i) !== 0x5d /* ] */) i += rest.charCodeAt(i) === 0x5c ? 2 : 1;
      if (i >= rest.length) return null;
      at = i + 1;
    }
  }
  let message = rest.charCodeAt(at) === 0x20 ? rest.slice(at + 1) : rest.slice(at);
  if (message.charCodeAt(0) === 0xfeff) message = message.slice(1);
  const parts: SyslogParts = { message, priority };
  if (host !== '-') parts.host = host;
  if (app !== '-') parts.program = app;
  if (/^\d{1,10}$/.test(procid)) parts.pid = Number(procid);
  if (stamp !== '-') {
    const time = parseIsoTime(stamp);
    if (time !== undefined) parts.time = time;
  }
  return parts;
}

function parseIsoTime(text: string): Date | undefined {
  // V8 parses `+00:00` but not `+0000`.
  const iso = text.replace(/([+-]\d\d)(\d\d)$/, '$1:$2');
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? undefined : time;
}

function bsdTime(m: RegExpExecArray, now: Date): Date | undefined {
  const month = MONTHS[m[1] ?? ''] ?? 0;
  const day = Number((m[2] ?? '').trim());
  const ms = Number((m[6] ?? '0').padEnd(3, '0').slice(0, 3));
  const at = (year: number): Date =>
    new Date(year, month, day, Number(m[3]), Number(m[4]), Number(m[5]), ms);
  let time = at(now.getFullYear());
  if (time.getTime() - now.getTime() > DAY_MS) time = at(now.getFullYear() - 1);
  return Number.isNaN(time.getTime()) ? undefined : time;
}
