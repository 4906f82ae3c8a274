/**
 * Timing whole programs for the benchmarks: each run is its own process,
 * started through time(1) for its peak RSS, in the environment systemd gives
 * a service, and the programs compared take turns so that whatever else the
 * machine does weighs on all alike.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export const ROOT = new URL('..', import.meta.url).pathname;
export const OUT = join(ROOT, 'bench', 'out');
export const CLI = join(ROOT, 'dist', 'bin', 'onramp.js');

export interface Measure {
  seconds: number;
  rssKb: number;
}

/** What systemd passes a service (its unit sets no Environment= of its own). */
export const SERVICE_ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: process.env.LANG ?? 'C.UTF-8' };

/** Wall time to the millisecond (time's %e has only hundredths, too coarse for a 0.2 s run), peak RSS from time's %M. */
export function timed(argv: string[], env: NodeJS.ProcessEnv = SERVICE_ENV): Measure {
  const started = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', ...argv], { encoding: 'utf8', maxBuffer: 1 << 26, env });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  const rss = Number(r.stderr.trim().split('\n').pop());
  return { seconds, rssKb: rss };
}

function fastest(a: Measure, b: Measure): Measure {
  return { seconds: Math.min(a.seconds, b.seconds), rssKb: Math.max(a.rssKb, b.rssKb) };
}

/**
 * The programs run in turn (sec, onramp, sec, onramp, …) rather than each in
 * a block, so that whatever else the machine does weighs on both alike.
 */
export function bestInTurn(runs: (() => Measure)[], times: number): Measure[] {
  let results = runs.map((run) => run());
  for (let i = 1; i < times; i++) results = results.map((previous, k) => fastest(previous, (runs[k] as () => Measure)()));
  return results;
}

/**
 * What starting a program through spawnSync and time(1) costs by itself,
 * measured on `true`: it is taken off every figure, sec's and onramp's
 * alike, as hyperfine takes off its shell's start.
 */
export function launchOverhead(times = 7): number {
  return bestInTurn([() => timed(['true'])], times)[0]?.seconds ?? 0;
}

export function runSec(conf: string, input: string): Measure {
  return timed(['sec', `--conf=${conf}`, `--input=${input}`, '--notail', '--fromstart', '--nochildterm']);
}

/** The shipped binary, exactly as users start it: its start-up time is part of the figure. `extra`: more `onramp run` options. */
export function runOnramp(conf: string, input: string, env?: NodeJS.ProcessEnv, extra: readonly string[] = []): Measure {
  return timed([process.execPath, CLI, 'run', `--conf=${conf}`, `--input=${input}`, '--notail', '--fromstart', ...extra], env);
}
