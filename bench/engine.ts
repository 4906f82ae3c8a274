/**
 * Engine benchmark: the same generated dhcpd log through Debian's sec and
 * through onramp's engine (the shipped bundle, started as its own process the way
 * `onramp run` starts), for the seed-style rules and for a correlation mix, at
 * two lengths: 200,000 lines (where node's start-up weighs) and 2,000,000.
 * Each side runs several times (seven on the short log, three on the long),
 * in turn with the other, and its fastest run counts (peak RSS is the highest
 * seen). Prints lines/s, the ratio and peak RSS for each, and passes when
 * onramp is at least 5x sec on the short log and 10x on the long one, with
 * its peak RSS on the long log at most 1.2x that on the short.
 *
 * Peak RSS alone can look flat by luck: what makes memory grow with the
 * length of a run is garbage that scavenges promote to the old generation,
 * where it stays until a full collection. So onramp also runs the long log
 * once under --trace-gc-nvp, and the bytes its scavenges promote in the
 * second half of the run (after the warm-up, when the correlation state is
 * built) are reported per line; more than a few bytes a line fails.
 *
 * Both programs run in the environment systemd gives the service (PATH and
 * LANG): a shell's variables can weigh on start-up, which counts here. When
 * NODE_EXTRA_CA_CERTS is set (node then parses that CA bundle at every
 * start, though onramp makes no TLS connection), onramp is also timed with
 * it, for the record.
 *
 *   node --import tsx bench/engine.ts [--lines N] [--long-lines N] [--long-runs N] [--skip-build]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORRELATION_RULES, SEED_RULES } from './engine-rules.js';
import { generateDhcpdLog } from './gen-dhcpd-log.js';
import { bestInTurn, CLI, launchOverhead, OUT, ROOT, runOnramp, runSec, SERVICE_ENV, type Measure } from './programs.js';

/** Runs of each program per rule set on the short log; the fastest counts, the least disturbed on a shared machine. */
const RUNS = 7;
/** On the long log sec takes a minute or more a run: fewer runs, each long enough to even out disturbances. */
const LONG_RUNS = 3;

/** Bytes a line scavenges may promote after the warm-up: state that is still growing, not garbage carried into the old generation. */
const PROMOTED_PER_LINE_LIMIT = 16;

/**
 * Bytes promoted to the old generation by the scavenges of the second half
 * of one onramp run over `input` (by the scavenges' own timestamps), per
 * line of that half.
 */
function promotedPerLine(conf: string, input: string, lines: number): { perLine: number; scavenges: number } {
  const r = spawnSync(process.execPath, ['--trace-gc-nvp', CLI, 'run', `--conf=${conf}`, `--input=${input}`, '--notail', '--fromstart'], {
    encoding: 'utf8', maxBuffer: 1 << 28, env: SERVICE_ENV,
  });
  if (r.status !== 0) throw new Error(`onramp --trace-gc-nvp failed: ${r.stderr}`);
  const scavenges: { ms: number; promoted: number }[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /\s(\d+) ms: .*\bgc=s\b.*\bpromoted=(\d+)\b/.exec(line);
    if (m !== null) scavenges.push({ ms: Number(m[1]), promoted: Number(m[2]) });
  }
  const end = Math.max(0, ...scavenges.map((s) => s.ms));
  const late = scavenges.filter((s) => s.ms > end / 2);
  const promoted = late.reduce((sum, s) => sum + s.promoted, 0);
  return { perLine: promoted / (lines / 2), scavenges: scavenges.length };
}

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

interface Figures {
  label: string;
  lines: number;
  ratio: number;
  ourRssKb: number;
}

/** Both programs on one log with one rule set, in turn; prints and returns the figures. */
function measure(label: string, conf: string, log: string, lines: number, runs: number, net: (m: Measure) => Measure): Figures {
  const caCerts = process.env.NODE_EXTRA_CA_CERTS;
  const withCaEnv = caCerts === undefined ? undefined : { ...SERVICE_ENV, NODE_EXTRA_CA_CERTS: caCerts };
  const [secRaw, oursRaw, withCaRaw] = bestInTurn(
    [() => runSec(conf, log), () => runOnramp(conf, log), ...(withCaEnv === undefined ? [] : [() => runOnramp(conf, log, withCaEnv)])],
    runs,
  );
  if (secRaw === undefined || oursRaw === undefined) throw new Error('no measurement');
  const sec = net(secRaw);
  const ours = net(oursRaw);
  const secRate = lines / sec.seconds;
  const ourRate = lines / ours.seconds;
  const ratio = ourRate / secRate;
  console.log(
    `${label}, ${lines} lines: sec ${Math.round(secRate)} lines/s (${sec.seconds.toFixed(3)}s, peak RSS ${Math.round(sec.rssKb / 1024)} MB); ` +
      `onramp ${Math.round(ourRate)} lines/s (${ours.seconds.toFixed(3)}s, peak RSS ${Math.round(ours.rssKb / 1024)} MB); ratio ${ratio.toFixed(1)}x`,
  );
  if (withCaRaw !== undefined) {
    const withCa = net(withCaRaw);
    console.log(`  for the record, onramp with this shell's NODE_EXTRA_CA_CERTS: ${Math.round(lines / withCa.seconds)} lines/s (${withCa.seconds.toFixed(3)}s); ratio ${(lines / withCa.seconds / secRate).toFixed(1)}x`);
  }
  return { label, lines, ratio, ourRssKb: ours.rssKb };
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  if (!process.argv.includes('--skip-build') || !existsSync(CLI)) {
    spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (!existsSync(CLI)) throw new Error(`build did not produce ${CLI}`);
  }
  const short = argValue('--lines', 200_000);
  const long = argValue('--long-lines', 2_000_000);
  const longRuns = argValue('--long-runs', LONG_RUNS);
  const logs = new Map<number, string>();
  for (const lines of [short, long]) {
    const log = join(OUT, `dhcpd-${lines}.log`);
    await generateDhcpdLog(log, lines);
    logs.set(lines, log);
  }
  const sets: [string, string][] = [
    ['(a) seed-style rules', SEED_RULES],
    ['(b) correlation mix', CORRELATION_RULES],
  ];
  console.log(`ISC dhcpd syslog, --notail --fromstart; environment PATH and LANG, as systemd gives the service`);
  const overhead = launchOverhead();
  console.log(`launching a program costs ${(overhead * 1000).toFixed(1)} ms here (measured on true): taken off every figure`);
  const net = (m: Measure): Measure => ({ ...m, seconds: Math.max(m.seconds - overhead, 0.001) });
  const failures: string[] = [];
  for (const [label, text] of sets) {
    const conf = join(OUT, `${label.slice(1, 2)}.rules`);
    writeFileSync(conf, text);
    const atShort = measure(label, conf, logs.get(short) ?? '', short, RUNS, net);
    const atLong = measure(label, conf, logs.get(long) ?? '', long, longRuns, net);
    const growth = atLong.ourRssKb / atShort.ourRssKb;
    console.log(`${label}: onramp's peak RSS ${Math.round(atShort.ourRssKb / 1024)} MB at ${short} lines, ${Math.round(atLong.ourRssKb / 1024)} MB at ${long}: ${growth.toFixed(2)}x`);
    const promoted = promotedPerLine(conf, logs.get(long) ?? '', long);
    console.log(`${label}: scavenges promoted ${promoted.perLine.toFixed(2)} bytes a line to the old generation in the second half of the ${long}-line run (${promoted.scavenges} scavenges in all)`);
    if (promoted.perLine > PROMOTED_PER_LINE_LIMIT) failures.push(`${label} scavenges promote ${promoted.perLine.toFixed(1)} bytes a line > ${PROMOTED_PER_LINE_LIMIT} after the warm-up`);
    if (atShort.ratio < 5) failures.push(`${label} ${atShort.ratio.toFixed(1)}x < 5x at ${short} lines`);
    if (atLong.ratio < 10) failures.push(`${label} ${atLong.ratio.toFixed(1)}x < 10x at ${long} lines`);
    if (growth > 1.2) failures.push(`${label} peak RSS grows ${growth.toFixed(2)}x > 1.2x from ${short} to ${long} lines`);
  }
  console.log(failures.length === 0 ? 'PASS: >= 5x sec at the short log, >= 10x at the long one, memory flat (peak RSS, and no garbage promoted after the warm-up)' : `FAIL: ${failures.join('; ')}`);
  process.exitCode = failures.length === 0 ? 0 : 1;
}

await main();
