/**
 * Console benchmark, on a generated state of 2,000 devices (one site: 40
 * core switches, 49 access switches each in its port map) and 50,000
 * journal events, with the shipped bundle in processes of their own:
 *
 * 1. `onramp console --state DIR` (read-only) and 2. `onramp run --http`
 *    (the appliance, the same state): the site page, /api/v1/devices and
 *    /metrics, each asked for in turn after a warm-up, as a logged-in
 *    operator; the median must be under 300 ms (site page, devices) and
 *    100 ms (/metrics). The 95th percentile is printed beside it.
 * 3. The appliance's SSE stream (/api/v1/events) while 200 events a second
 *    are logged for `--sse-seconds` (default 10): every event must arrive,
 *    and the lag of the last two seconds may not exceed that of the first
 *    two by more than 250 ms (no growing backlog).
 * 4. The engine benchmark's workload (seed-style rules, `--lines` lines of
 *    dhcpd log, default 1,000,000) handed to sec, onramp, and onramp with
 *    `--http`, each already running and following its input as a daemon
 *    does, `--runs` times in turn (default 7): the ratios to sec are printed
 *    by wall and CPU time, and onramp with the console listening must read
 *    the log at 0.95 or more of onramp's rate without it (CPU time, median
 *    of the runs paired by turn). Under `--notail` the console would only add
 *    its start-up to a replay it cannot serve; that start-up is printed apart.
 *
 *   node --import tsx bench/console.ts [--phases console,engine] [--requests N] [--sse-seconds N] [--lines N] [--runs N] [--skip-build]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SEED_RULES } from './engine-rules.js';
import { BENCH_SITE, BENCH_USER, generateConsoleState, type ConsoleState } from './gen-console-state.js';
import { generateDhcpdLog } from './gen-dhcpd-log.js';
import { CLI, OUT, ROOT, SERVICE_ENV } from './programs.js';

const PAGE_BUDGET_MS = 300;
const METRICS_BUDGET_MS = 100;
const SSE_RATE = 200;
const SSE_LAG_GROWTH_MS = 250;
/** The "the ratio does not drop with --http": onramp --http reads the log at 0.95 or more of onramp's rate. */
const HTTP_RATIO_FLOOR = 0.95;
const SSE_RULES = 'type=Single\nptype=RegExp\npattern=^bench event (\\d+) (\\d+)$\ndesc=bench event $1\naction=logonly bench event $1 $2\n';

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

/** A started onramp process and the URL its console answers at. */
interface Served {
  url: string;
  child: ChildProcess;
  stop: () => Promise<void>;
}

/** Starts `args`, waits (at most a minute) until `urlOf` finds the console's URL in what the process wrote. */
async function serve(args: string[], env: Record<string, string>, urlOf: (stdout: string) => string | undefined): Promise<Served> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...SERVICE_ENV, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  const deadline = Date.now() + 60_000;
  for (let url = urlOf(stdout); ; url = urlOf(stdout)) {
    if (url !== undefined) {
      return {
        url, child,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      };
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`onramp ${args[0] ?? ''} did not start its console: ${stderr}`);
    }
    await sleep(50);
  }
}

/** Logs in as the bench operator: the session cookie. */
async function login(url: string): Promise<string> {
  const first = await fetch(`${url}/api/v1/session`);
  const planted = (first.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = await first.json() as { csrfToken: string };
  const answer = await fetch(`${url}/api/v1/session`, {
    method: 'POST', headers: { cookie: planted, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
    body: JSON.stringify({ username: BENCH_USER.name, password: BENCH_USER.password }),
  });
  if (answer.status !== 200) throw new Error(`login refused: ${String(answer.status)} ${await answer.text()}`);
  return (answer.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

interface Timing {
  path: string;
  median: number;
  p95: number;
  bytes: number;
  budget: number;
}

/** Each path asked for in turn, `requests` times after three warm-up rounds; the whole answer read. */
async function timePaths(url: string, cookie: string, paths: { path: string; budget: number }[], requests: number): Promise<Timing[]> {
  const samples = new Map<string, number[]>(paths.map(({ path }) => [path, []]));
  const bytes = new Map<string, number>();
  for (let round = -3; round < requests; round++) {
    for (const { path } of paths) {
      const started = performance.now();
      const response = await fetch(`${url}${path}`, { headers: { cookie } });
      const body = await response.text();
      const ms = performance.now() - started;
      if (response.status !== 200) throw new Error(`${path}: ${String(response.status)} ${body.slice(0, 200)}`);
      bytes.set(path, body.length);
      if (round >= 0) samples.get(path)?.push(ms);
    }
  }
  return paths.map(({ path, budget }) => {
    const sorted = [...(samples.get(path) ?? [])].sort((a, b) => a - b);
    return { path, median: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), bytes: bytes.get(path) ?? 0, budget };
  });
}

function report(mode: string, timings: Timing[], failures: string[]): void {
  for (const t of timings) {
    const verdict = t.median < t.budget ? 'ok' : 'OVER';
    console.log(`${mode}: ${t.path.padEnd(18)} median ${t.median.toFixed(1).padStart(6)} ms, p95 ${t.p95.toFixed(1).padStart(6)} ms, ${String(Math.round(t.bytes / 1024)).padStart(5)} KB  (budget ${String(t.budget)} ms: ${verdict})`);
    if (t.median >= t.budget) failures.push(`${mode} ${t.path} median ${t.median.toFixed(0)} ms >= ${String(t.budget)} ms`);
  }
}

const PATHS = [
  { path: `/sites/${BENCH_SITE}`, budget: PAGE_BUDGET_MS },
  { path: '/api/v1/devices', budget: PAGE_BUDGET_MS },
  { path: '/metrics', budget: METRICS_BUDGET_MS },
];

/**
 * Logs SSE_RATE events a second through the appliance (lines its SSE rule
 * turns into rule.logonly events, each carrying when it was written) and
 * reads them back from /api/v1/events: the lag of each, by second.
 */
async function sseLag(served: Served, cookie: string, input: string, seconds: number): Promise<{ sent: number; received: number; first: number[]; last: number[] }> {
  const controller = new AbortController();
  const response = await fetch(`${served.url}/api/v1/events`, { headers: { cookie, accept: 'text/event-stream' }, signal: controller.signal });
  if (response.status !== 200 || response.body === null) throw new Error(`/api/v1/events: ${String(response.status)}`);
  const lags: { at: number; lag: number }[] = [];
  const seen = new Set<number>();
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          if (!message.includes('event: entry')) continue;
          const data = message.split('\n').find((line) => line.startsWith('data: '))?.slice(6);
          const msg = data === undefined ? undefined : (JSON.parse(data) as { msg?: string }).msg;
          const match = /^bench event (\d+) (\d+)$/.exec(msg ?? '');
          if (match === null) continue;
          const now = Date.now();
          seen.add(Number(match[1]));
          lags.push({ at: now, lag: now - Number(match[2]) });
        }
      }
    } catch (err) {
      if (!controller.signal.aborted) throw err;
    }
  })();
  // Batches of a tenth of a second, each line stamped with the time it is written.
  const batch = SSE_RATE / 10;
  const started = Date.now();
  let sent = 0;
  while (Date.now() - started < seconds * 1000) {
    const tick = started + (sent / SSE_RATE) * 1000;
    if (tick > Date.now()) await sleep(tick - Date.now());
    let lines = '';
    for (let k = 0; k < batch; k++, sent++) lines += `bench event ${String(sent)} ${String(Date.now())}\n`;
    appendFileSync(input, lines);
  }
  const deadline = Date.now() + 10_000;
  while (seen.size < sent && Date.now() < deadline) await sleep(50);
  controller.abort();
  await reading;
  const window = (from: number, to: number): number[] => lags.filter(({ at }) => at >= from && at < to).map(({ lag }) => lag).sort((a, b) => a - b);
  const end = started + seconds * 1000;
  return { sent, received: seen.size, first: window(started, started + 2000), last: window(end - 2000, end) };
}

async function consolePhases(state: ConsoleState, requests: number, sseSeconds: number, failures: string[]): Promise<void> {
  const templates = join(ROOT, 'templates');
  const readOnly = await serve(
    ['console', '--http', '127.0.0.1:0', `--state=${state.stateDir}`, `--sites=${state.sitesDir}`, `--templates=${templates}`, '--log-level=warn'],
    state.env, (stdout) => /at (https?:\/\/\S+)/.exec(stdout)?.[1],
  );
  try {
    report('read-only console', await timePaths(readOnly.url, await login(readOnly.url), PATHS, requests), failures);
  } finally {
    await readOnly.stop();
  }

  const rules = join(OUT, 'console-sse.rules');
  writeFileSync(rules, SSE_RULES);
  const input = join(OUT, 'console-sse.log');
  writeFileSync(input, '');
  const log = join(OUT, 'console-appliance.log');
  rmSync(log, { force: true });
  const appliance = await serve(
    ['run', `--conf=${join(ROOT, 'rules', 'dhcp.rules')}`, `--conf=${rules}`, `--input=${input}`, `--sites=${state.sitesDir}`, `--templates=${templates}`,
      `--state=${state.stateDir}`, `--log=${log}`, '--http', '127.0.0.1:0'],
    state.env, () => (existsSync(log) ? /"event":"console\.listening"[^\n]*"url":"([^"]+)"/.exec(readFileSync(log, 'utf8'))?.[1] : undefined),
  );
  try {
    const cookie = await login(appliance.url);
    report('appliance --http', await timePaths(appliance.url, cookie, PATHS, requests), failures);
    const sse = await sseLag(appliance, cookie, input, sseSeconds);
    const median = (lags: number[]): number => percentile(lags, 0.5);
    console.log(
      `appliance --http: SSE at ${String(SSE_RATE)} events/s for ${String(sseSeconds)} s: ${String(sse.received)}/${String(sse.sent)} events received; ` +
        `lag median ${median(sse.first).toFixed(0)} ms (p95 ${percentile(sse.first, 0.95).toFixed(0)}) in the first 2 s, ` +
        `${median(sse.last).toFixed(0)} ms (p95 ${percentile(sse.last, 0.95).toFixed(0)}) in the last 2 s`,
    );
    if (sse.received < sse.sent) failures.push(`SSE: ${String(sse.sent - sse.received)} of ${String(sse.sent)} events not received`);
    if (!(median(sse.last) <= median(sse.first) + SSE_LAG_GROWTH_MS)) failures.push(`SSE lag grew from ${median(sse.first).toFixed(0)} to ${median(sse.last).toFixed(0)} ms`);
  } finally {
    await appliance.stop();
  }
}

/** What one follow-mode run took: from the first appended byte to the end marker's output (wall and CPU), and from its start to being ready. */
interface FollowRun {
  seconds: number;
  cpuSeconds: number;
  readyMs: number;
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** Resolves once `pid` has used under 2 ms of CPU in 100 ms (at most 5 s). */
async function settled(pid: number): Promise<void> {
  const until = Date.now() + 5000;
  let before = cpuSecondsOf(pid);
  while (Date.now() < until) {
    await sleep(100);
    const now = cpuSecondsOf(pid);
    if (now - before < 0.002) return;
    before = now;
  }
}

/** CPU seconds (user and system) a process has used so far, from /proc. */
function cpuSecondsOf(pid: number): number {
  // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/**
 * One program following an input, as a daemon does: started on an empty
 * file and, once ready, handed the whole log at once and an end marker its
 * rules answer by writing a file. What is timed is the reading and matching
 * alone, with the console (when `--http` is given) up and listening.
 */
async function followRun(program: 'sec' | 'onramp' | 'onramp --http', log: string): Promise<FollowRun> {
  const dir = join(OUT, `console-follow-${program.replace(/\W+/g, '-')}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const input = join(dir, 'dhcpd.log');
  const done = join(dir, 'done');
  const ownLog = join(dir, 'run.log');
  writeFileSync(input, '');
  const conf = join(dir, 'seed.rules');
  writeFileSync(conf, `${SEED_RULES}\ntype=Single\nptype=SubStr\npattern=BENCH-END\ndesc=end of the log\naction=write ${done} end\n`);
  const argv = program === 'sec'
    ? ['sec', `--conf=${conf}`, `--input=${input}`, '--fromstart', `--log=${ownLog}`]
    : [process.execPath, CLI, 'run', `--conf=${conf}`, `--input=${input}`, '--fromstart', `--state=${join(dir, 'state')}`, `--log=${ownLog}`,
        ...(program === 'onramp --http' ? ['--http', '127.0.0.1:0'] : [])];
  const started = performance.now();
  const [command, ...args] = argv;
  const child = spawn(command ?? 'false', args, { cwd: ROOT, stdio: 'ignore', env: SERVICE_ENV });
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  // sec logs that it reads its input; onramp logs input.opened, and console.listening once the console answers.
  const ready = (text: string): boolean => (program === 'sec' ? /Opening input file/.test(text)
    : text.includes('"event":"input.opened"') && (program === 'onramp' || text.includes('"event":"console.listening"')));
  const deadline = Date.now() + 60_000;
  while (!(existsSync(ownLog) && ready(readFileSync(ownLog, 'utf8')))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${program} did not get ready: ${existsSync(ownLog) ? readFileSync(ownLog, 'utf8') : ''}`);
    await sleep(10);
  }
  const readyMs = performance.now() - started;
  const pid = child.pid ?? 0;
  // Ready is not idle: what start-up leaves running (code compiled late, the collector sweeping what start-up
  // allocated) is start-up's, not the reading's; both programs get the same wait before the log comes.
  await settled(pid);
  const cpuBefore = cpuSecondsOf(pid);
  const handed = performance.now();
  appendFileSync(input, readFileSync(log));
  appendFileSync(input, 'BENCH-END\n');
  while (!existsSync(done)) {
    if (child.exitCode !== null || Date.now() > deadline + 600_000) throw new Error(`${program} did not reach the end of the log`);
    await sleep(2);
  }
  const seconds = (performance.now() - handed) / 1000;
  const cpuSeconds = cpuSecondsOf(pid) - cpuBefore;
  child.kill('SIGTERM');
  await exited;
  return { seconds, cpuSeconds, readyMs };
}

/**
 * sec, onramp and onramp --http following the same log, in turn, `runs`
 * times. Figures are medians over the runs, wall and CPU time; the verdict
 * is on CPU time, which other work on a shared machine disturbs far less,
 * and on the two onramp runs of each turn taken as a pair (in turns that
 * swap their order), so that what the machine did during that turn weighs
 * on both: the median of the pairs' ratios must be at least HTTP_RATIO_FLOOR.
 */
async function engineWithHttp(lines: number, runs: number, log: string, failures: string[]): Promise<void> {
  const programs = ['sec', 'onramp', 'onramp --http'] as const;
  const results = new Map<string, FollowRun[]>(programs.map((program) => [program, []]));
  const pairs: number[] = [];
  for (let run = 0; run < runs; run++) {
    const turn = new Map<string, FollowRun>();
    // The two onramp runs swap places every turn, so that neither always comes right after sec.
    const order = run % 2 === 0 ? programs : (['sec', 'onramp --http', 'onramp'] as const);
    for (const program of order) {
      const result = await followRun(program, log);
      results.get(program)?.push(result);
      turn.set(program, result);
    }
    pairs.push((turn.get('onramp')?.cpuSeconds ?? NaN) / (turn.get('onramp --http')?.cpuSeconds ?? NaN));
  }
  const median = (values: number[]): number => percentile([...values].sort((x, y) => x - y), 0.5);
  const rate = (program: string, of: (run: FollowRun) => number): number => lines / median((results.get(program) ?? []).map(of));
  const report = (of: (run: FollowRun) => number, what: string): void => {
    const plain = rate('onramp', of) / rate('sec', of);
    const http = rate('onramp --http', of) / rate('sec', of);
    console.log(`  ${what}: sec ${Math.round(rate('sec', of))} lines/s; onramp ${Math.round(rate('onramp', of))} lines/s, ratio ${plain.toFixed(1)}x; ` +
      `onramp --http ${Math.round(rate('onramp --http', of))} lines/s, ratio ${http.toFixed(1)}x`);
  };
  console.log(`engine workload, followed (seed-style rules, ${String(lines)} lines handed to a running program; medians of ${String(runs)} runs in turn):`);
  report((run) => run.seconds, 'wall time');
  report((run) => run.cpuSeconds, 'CPU time ');
  const paired = median(pairs);
  console.log(`  onramp --http against onramp in the same turn (CPU time): ${pairs.map((ratio) => ratio.toFixed(2)).join(', ')}; median ${paired.toFixed(2)}`);
  console.log(`  start-up to ready (median): onramp ${median((results.get('onramp') ?? []).map((run) => run.readyMs)).toFixed(0)} ms, ` +
    `onramp --http ${median((results.get('onramp --http') ?? []).map((run) => run.readyMs)).toFixed(0)} ms (console listening)`);
  if (!(paired >= HTTP_RATIO_FLOOR)) failures.push(`onramp --http reads the log at ${paired.toFixed(2)} of onramp's rate (CPU time, median of paired runs) < ${String(HTTP_RATIO_FLOOR)}`);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  if (!process.argv.includes('--skip-build') || !existsSync(CLI)) {
    spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (!existsSync(CLI)) throw new Error(`build did not produce ${CLI}`);
  }
  const requests = argValue('--requests', 20);
  const sseSeconds = argValue('--sse-seconds', 10);
  const lines = argValue('--lines', 1_000_000);
  const runs = argValue('--runs', 7);
  const named = process.argv.indexOf('--phases');
  const only = named >= 0 ? (process.argv[named + 1] ?? '').split(',') : ['console', 'engine'];
  const failures: string[] = [];
  if (only.includes('console')) {
    const dir = join(OUT, 'console-state');
    rmSync(dir, { recursive: true, force: true });
    const generating = performance.now();
    const state = await generateConsoleState(dir, { uplinks: 40, perUplink: 49, events: 50_000 });
    console.log(`state: ${String(state.devices)} devices in site ${BENCH_SITE}, 50,000 journal events (generated in ${((performance.now() - generating) / 1000).toFixed(1)} s)`);
    await consolePhases(state, requests, sseSeconds, failures);
  }
  if (only.includes('engine')) {
    const log = join(OUT, `dhcpd-${String(lines)}.log`);
    await generateDhcpdLog(log, lines);
    await engineWithHttp(lines, runs, log, failures);
  }
  const checked = [
    ...(only.includes('console') ? [`site page and devices under ${String(PAGE_BUDGET_MS)} ms, /metrics under ${String(METRICS_BUDGET_MS)} ms, SSE keeps up with ${String(SSE_RATE)}/s`] : []),
    ...(only.includes('engine') ? [`the engine keeps its rate with --http (>= ${String(HTTP_RATIO_FLOOR)} of it)`] : []),
  ];
  console.log(failures.length === 0 ? `PASS: ${checked.join('; ')}` : `FAIL: ${failures.join('; ')}`);
  process.exitCode = failures.length === 0 ? 0 : 1;
}

await main();
