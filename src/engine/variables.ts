const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Perl's scalar localtime(): "Thu Sep  9 01:46:40 2021". */
export function perlLocaltime(date: Date): string {
  const day = date.getDate();
  return `${DAYS[date.getDay()] ?? ''} ${MONTHS[date.getMonth()] ?? ''} ${day < 10 ? ` ${day}` : day} ${pad(date.getHours())}:${pad(
    date.getMinutes(),
  )}:${pad(date.getSeconds())} ${date.getFullYear()}`;
}

function tzOffset(date: Date): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

function builtin(name: string, date: Date): string | undefined {
  switch (name) {
    case '.nl':
      return '\n';
    case '.cr':
      return '\r';
    case '.tab':
      return '\t';
    case '.sp':
      return ' ';
    case '.sec':
      return pad(date.getSeconds());
    case '.min':
      return pad(date.getMinutes());
    case '.hour':
      return pad(date.getHours());
    case '.hmsstr':
      return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
    case '.mday':
      return pad(date.getDate());
    case '.mdaystr':
      return date.getDate() < 10 ? ` ${date.getDate()}` : String(date.getDate());
    case '.mon':
      return pad(date.getMonth() + 1);
    case '.monstr':
      return MONTHS[date.getMonth()];
    case '.year':
      return String(date.getFullYear());
    case '.wday':
      return String(date.getDay());
    case '.wdaystr':
      return DAYS[date.getDay()];
    case '.tzname':
      return new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(date).find((p) => p.type === 'timeZoneName')?.value;
    case '.tzoff':
      return tzOffset(date);
    case '.tzoff2': {
      const off = tzOffset(date);
      return `${off.slice(0, 3)}:${off.slice(3)}`;
    }
    default: {
      const chr = /^\.chr(\d+)$/.exec(name);
      if (chr !== null && Number(chr[1]) < 32) return String.fromCharCode(Number(chr[1]));
      return undefined;
    }
  }
}

/** Value of an action-list variable: %s, %t, %u, SEC's %.xxx built-ins, then assigned variables. */
export function actionVariable(name: string, desc: string, nowMs: number, assigned: Map<string, string>): string | undefined {
  if (name === 's') return desc;
  const seconds = Math.floor(nowMs / 1000);
  if (name === 'u') return String(seconds);
  if (name === 't') return perlLocaltime(new Date(seconds * 1000));
  if (name.startsWith('.')) return builtin(name, new Date(seconds * 1000));
  return assigned.get(name);
}
