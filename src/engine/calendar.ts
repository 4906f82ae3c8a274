import { FieldError } from './errors.js';

/** A Calendar rule's `time=` crontab specification (minute hour day month weekday [year]). */
export interface CalendarSpec {
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  /** 0-based months, as Perl's localtime gives them. */
  months: Set<number>;
  weekdays: Set<number>;
  years: Set<number>;
}

function timeList(spec: string, min: number, max: number, offset: number, what: string): Set<number> {
  const set = new Set<number>();
  const parts = spec.split(',');
  const bad = (): FieldError => new FieldError(`invalid ${what} specification '${spec}'`);
  for (const raw of parts) {
    if (raw === '') continue;
    let part = raw;
    let step: number | undefined;
    const stepMatch = /^(.+)\/0*([0-9]+)$/.exec(part);
    if (stepMatch !== null) {
      part = stepMatch[1] ?? '';
      step = Number(stepMatch[2]);
      if (step === 0) throw bad();
    }
    const value = (text: string): number => {
      if (!/^\d+$/.test(text)) throw bad();
      const n = Number(text);
      if (n < min || n > max) throw bad();
      return n;
    };
    let from: number;
    let to: number;
    if (part === '*') {
      from = min;
      to = max;
    } else if (!part.includes('-')) {
      if (step !== undefined) throw bad();
      set.add(value(part) + offset);
      continue;
    } else {
      const dash = part.indexOf('-');
      const a = part.slice(0, dash);
      const b = part.slice(dash + 1);
      from = a === '' ? min : value(a);
      to = b === '' ? max : value(b);
    }
    for (let i = from; i <= to; i += step ?? 1) set.add(i + offset);
  }
  if (set.size === 0 && parts.every((p) => p === '')) throw bad();
  return set;
}

export function parseCalendar(spec: string): CalendarSpec {
  const parts = spec.split(/\s+/).filter((p) => p !== '');
  if (parts.length < 5 || parts.length > 6) throw new FieldError(`wrong number of elements in time specification '${spec}' (expected 5 or 6)`);
  const weekdays = timeList(parts[4] ?? '', 0, 7, 0, 'weekday');
  if (weekdays.has(7)) weekdays.add(0);
  return {
    minutes: timeList(parts[0] ?? '', 0, 59, 0, 'minute'),
    hours: timeList(parts[1] ?? '', 0, 23, 0, 'hour'),
    days: timeList(parts[2] ?? '', 0, 31, 0, 'day'),
    months: timeList(parts[3] ?? '', 1, 12, -1, 'month'),
    weekdays,
    years: timeList(parts[5] ?? '*', 0, 99, 0, 'year'),
  };
}

/** Whether the spec fires at this local time (day 0 means the last day of the month, as in SEC). */
export function calendarMatches(spec: CalendarSpec, date: Date): boolean {
  const tomorrow = new Date(date.getTime() + 86_400_000);
  const lastDay = tomorrow.getDate() === 1;
  return (
    spec.minutes.has(date.getMinutes()) &&
    spec.hours.has(date.getHours()) &&
    (spec.days.has(date.getDate()) || (lastDay && spec.days.has(0))) &&
    spec.months.has(date.getMonth()) &&
    spec.weekdays.has(date.getDay()) &&
    spec.years.has(date.getFullYear() % 100)
  );
}
