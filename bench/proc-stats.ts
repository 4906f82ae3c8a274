/**
 * What a process (or the machine) used, from Linux's /proc: CPU time and
 * peak resident memory of a child the benchmark did not start itself
 * through time(1), such as a daemon it stops with a signal.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc counts CPU time in 1/100 s on every architecture node runs on. */
const TICKS_PER_SECOND = 100;

interface Stat {
  ppid: number;
  /** utime + stime, ticks. */
  own: number;
  /** cutime + cstime: children it waited for, ticks. */
  children: number;
}

function stat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may hold spaces: fields are counted after its closing one.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ').map(Number);
  const at = (field: number): number => fields[field - 3] ?? 0;
  return { ppid: at(4), own: at(14) + at(15), children: at(16) + at(17) };
}

/** CPU seconds `pid` used so far (user and system), undefined once it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  const s = stat(pid);
  return s === undefined ? undefined : s.own / TICKS_PER_SECOND;
}

/**
 * CPU seconds of `pid`, its children that ended, and those alive now: a
 * server that forks a process per connection (PostgreSQL) counted whole.
 */
export function treeCpuSeconds(pid: number): number {
  const root = stat(pid);
  if (root === undefined) return 0;
  let ticks = root.own + root.children;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = stat(Number(entry));
    if (child?.ppid === pid) ticks += child.own;
  }
  return ticks / TICKS_PER_SECOND;
}

/** The most resident memory `pid` had at once so far (VmHWM), bytes; undefined once it is gone. */
export function peakRssBytes(pid: number): number | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = /^VmHWM:\s+(\d+) kB$/m.exec(text)?.[1];
  return kb === undefined ? undefined : Number(kb) * 1024;
}

/** CPU seconds every core of the machine spent busy (not idle nor waiting for I/O) since boot. */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [, ...values] = line.trim().split(/\s+/);
  const ticks = values.map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  // user nice system idle iowait irq softirq steal; guest time is already inside user.
  const total = ticks.slice(0, 8).reduce((sum, n) => sum + n, 0);
  return (total - idle) / TICKS_PER_SECOND;
}
