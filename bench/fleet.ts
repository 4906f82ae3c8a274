/**
 * Fleet benchmark: 1,000 emulated switches (in several lab processes), 10 %
 * of them started drifted, a site that remediates drift. First one
 * appliance (`onramp run --store postgres://…`, the shipped bundle), then
 * two on the same database, each following its own copy of the DHCP log as
 * failover peers do (the same DHCPACKs, in a slightly different order).
 * Each time every DHCPACK is written at once, and the run lasts until every
 * switch was checked. Prints wall time, per-device latency (DHCPACK written
 * to the device's done event), peak RSS and CPU per appliance, CPU of the
 * labs and of PostgreSQL, and the database's connections (pg_stat_activity).
 *
 * Every lab switch answers each command after --reply-ms (default 500 ms),
 * as a switch's CLI does (`show running-config` on an access switch takes
 * about that, often more): what one appliance can do is then bound by the
 * sessions it keeps open (--concurrency), which is what a second appliance
 * adds. With --reply-ms 0 the switches answer at once, and on a small
 * machine the benchmark measures its CPU instead: the appliances, the labs
 * and PostgreSQL share the same cores.
 *
 *   node --import tsx bench/fleet.ts [--devices N] [--drifted PERCENT] [--labs N] [--concurrency N] [--appliances 1,2] [--reply-ms MS] [--cpu-prof DIR] [--skip-build]
 *
 * Exits 1 when a switch was not handled exactly once (one done event, the
 * logins the lab expects, never two sessions at once, a save for each
 * drifted one and none for the others, the baseline running), its status in
 * the database is not its result, or two appliances are not at least 1.6x
 * as fast as one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { getProfile } from '../src/device/index.js';
import type { LabSwitchSpec } from '../src/lab/index.js';
import { Events, silentLogger } from '../src/log/index.js';
import { readStatus } from '../src/onboard/index.js';
import { openStore } from '../src/postgres/index.js';
import { compareConfigs } from '../src/provision/index.js';
import { StateStore } from '../src/state/index.js';
import { createCluster, postgresBinaries, type PgCluster } from '../test/support/pg-cluster.js';
import { ApplianceProcess, type ApplianceUsage, type LogRecord } from './appliance-process.js';
import { BENCH_PASSWORD, BENCH_PASSWORD_ENV, benchDevices, labSpec, siteYaml, type BenchDevice } from './bench-switches.js';
import { mb, ms, percentile } from './figures.js';
import { LabProcess, type SwitchReport } from './lab-processes.js';
import { machineBusySeconds, treeCpuSeconds } from './proc-stats.js';
import { CLI, OUT, ROOT } from './programs.js';

const KEY_DIR = join(OUT, 'fleet-keys');
const MIN_SPEEDUP = 1.6;
const DEFAULT_REPLY_MS = 500;
/** A check logs in once; a drift's remediation goes on in the same session. */
const LOGINS_PER_SWITCH = 1;
/** After the last switch is done, the appliances must be quiet this long before they are stopped: a late duplicate would still show. */
const QUIET_MS = 3000;
const NAMES = ['fleet-a', 'fleet-b'];
/** The events that end a device's job; a drift is one only when not remediated in the same job. */
const TERMINAL_EVENTS: readonly string[] = [Events.checkOk, Events.checkDrift, Events.checkFailed, Events.provisionDone, Events.provisionFailed, Events.unreachable, Events.hostkeyChanged];

interface Settings {
  devices: number;
  driftedPercent: number;
  labs: number;
  concurrency: number;
  modes: number[];
  timeoutS: number;
  /** --reply-ms MS: every switch takes this long to answer each command, as a switch's CLI does; 0: at once. */
  replyMs: number;
  /** --cpu-prof DIR: the appliances write their V8 CPU profiles there. */
  cpuProfileDir: string | undefined;
}

function argValue(name: string, fallback: number, min = 1): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name}: expected a whole number of at least ${String(min)}, got ${String(process.argv[i + 1])}`);
  return value;
}

function textArg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  if (value === undefined || value.startsWith('-')) throw new Error(`${name}: expected a value`);
  return value;
}

function settings(): Settings {
  const devices = argValue('--devices', 1000);
  const i = process.argv.indexOf('--appliances');
  const modes = i < 0 ? [1, 2] : (process.argv[i + 1] ?? '').split(',').map(Number);
  if (modes.length === 0 || modes.some((m) => m !== 1 && m !== 2)) throw new Error(`--appliances: expected 1, 2 or 1,2, got ${String(process.argv[i + 1])}`);
  return {
    devices,
    driftedPercent: Math.min(100, argValue('--drifted', 10, 0)),
    labs: argValue('--labs', Math.max(1, Math.ceil(devices / 250))),
    concurrency: argValue('--concurrency', 32),
    modes,
    timeoutS: argValue('--timeout', 900),
    replyMs: argValue('--reply-ms', DEFAULT_REPLY_MS, 0),
    cpuProfileDir: textArg('--cpu-prof'),
  };
}

/** What one device went through, from the appliances' logs. */
interface DeviceRun {
  firstStart?: number;
  done: { appliance: string; time: number; event: string; result?: string; message?: string }[];
}

interface ModeResult {
  appliances: string[];
  wallMs: number;
  /** DHCPACK written to done, sorted. */
  latency: number[];
  /** Job start to done, sorted. */
  service: number[];
  usage: Map<string, ApplianceUsage>;
  handled: Map<string, number>;
  labCpuSeconds: number;
  postgresCpuSeconds: number;
  machineBusySeconds: number;
  peakConnections: number;
  transactions: number;
  peakConnectionsBy: Map<string, number>;
  problems: string[];
  errors: string[];
}

/** A DHCPACK as ISC dhcpd logs it, stamped with the time it is written. */
function ackLine(device: BenchDevice, stamp: string): string {
  return `${stamp} dhcpsrv dhcpd[812]: DHCPACK on ${device.ip} to ${device.mac} (${device.hostname}) via eth1\n`;
}

function syslogStamp(date: Date): string {
  const month = date.toLocaleString('en-US', { month: 'short' });
  return `${month} ${String(date.getDate()).padStart(2, ' ')} ${date.toTimeString().slice(0, 8)}`;
}

/** The second peer's copy: the same lines, each group of four in reverse order (two DHCP servers do not log in step). */
function peerOrder<T>(items: T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < items.length; i += 4) out.push(...items.slice(i, i + 4).reverse());
  return out;
}

/** Transactions committed or rolled back in `database` so far. */
async function transactions(cluster: PgCluster, database: string): Promise<number> {
  const client = await cluster.client('postgres');
  try {
    // The statistics a backend collected are seen by others once it reports them: a fresh snapshot, not the cached one.
    await client.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await client.query<{ n: string }>('SELECT (xact_commit + xact_rollback)::text AS n FROM pg_stat_database WHERE datname = $1', [database]);
    return Number(rows[0]?.n ?? NaN);
  } finally {
    await client.end();
  }
}

/** Samples the database's connections every 200 ms: the most at once, in all and per application_name. */
async function connectionSampler(cluster: PgCluster, database: string): Promise<{ stop: () => Promise<{ peak: number; by: Map<string, number> }> }> {
  const client = await cluster.client('postgres');
  let peak = 0;
  const by = new Map<string, number>();
  const stopped = new AbortController();
  const loop = (async () => {
    while (!stopped.signal.aborted) {
      const { rows } = await client.query<{ app: string; n: number }>(
        'SELECT application_name AS app, count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() GROUP BY application_name',
        [database],
      );
      peak = Math.max(peak, rows.reduce((sum, row) => sum + row.n, 0));
      for (const row of rows) by.set(row.app, Math.max(by.get(row.app) ?? 0, row.n));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  return {
    async stop() {
      stopped.abort();
      await loop;
      return { peak, by };
    },
  };
}

function checkSwitch(device: BenchDevice, run: DeviceRun | undefined, sw: SwitchReport | undefined, status: { result: string; appliance?: string } | undefined, names: string[]): string[] {
  const problems: string[] = [];
  const expected = device.drifted ? 'remediated' : 'ok';
  const done = run?.done ?? [];
  if (done.length !== 1) {
    problems.push(`${device.hostname}: ${String(done.length)} done events (${done.map((d) => `${d.appliance} ${d.event} ${d.result ?? ''}`).join(', ')}), expected one`);
  } else if (done[0]?.result !== expected) {
    problems.push(`${device.hostname}: ${done[0]?.result ?? 'no result'}, expected ${expected} (${done[0]?.event ?? ''}: ${done[0]?.message ?? ''})`);
  }
  if (sw === undefined) return [...problems, `${device.hostname}: not in the lab's report`];
  if (sw.logins !== LOGINS_PER_SWITCH) problems.push(`${device.hostname}: ${String(sw.logins)} SSH logins, expected ${String(LOGINS_PER_SWITCH)}`);
  if (sw.mostSessionsAtOnce > 1) problems.push(`${device.hostname}: ${String(sw.mostSessionsAtOnce)} SSH sessions at once`);
  const saves = device.drifted ? 1 : 0;
  if (sw.saves !== saves) problems.push(`${device.hostname}: ${String(sw.saves)} save(s), expected ${String(saves)}`);
  const profile = getProfile(device.model);
  const running = compareConfigs(device.baseline, sw.runningConfig, profile, device.hostname);
  if (!running.equal) problems.push(`${device.hostname}: running config differs from its baseline (+${String(running.added)} -${String(running.removed)})`);
  if (device.drifted && !compareConfigs(device.baseline, sw.startupConfig, profile, device.hostname).equal) problems.push(`${device.hostname}: saved config differs from its baseline`);
  if (status?.result !== expected) problems.push(`${device.hostname}: status in the database says ${status?.result ?? 'nothing'}, expected ${expected}`);
  else if (status.appliance === undefined || !names.includes(status.appliance)) problems.push(`${device.hostname}: status names appliance ${status.appliance ?? 'none'}`);
  return problems;
}

async function runMode(count: number, options: Settings, devices: BenchDevice[], cluster: PgCluster, work: string): Promise<ModeResult> {
  const names = NAMES.slice(0, count);
  const dir = join(work, `${String(count)}-appliance`);
  // Switch n in lab n mod labs: the labs share the load whichever switches are being worked on.
  const groups = Array.from({ length: options.labs }, (_, k) => devices.filter((_d, n) => n % options.labs === k));
  const spec = (device: BenchDevice): LabSwitchSpec => ({ ...labSpec(device), ...(options.replyMs > 0 ? { faults: ['slow'] } : {}) });
  const slow = options.replyMs > 0 ? { slowMs: options.replyMs } : {};
  const first = await LabProcess.start((groups[0] ?? []).map(spec), KEY_DIR, slow);
  const labs = [first, ...(await Promise.all(groups.slice(1).map((group) => LabProcess.start(group.map(spec), KEY_DIR, { ...slow, port: first.port }))))];
  const appliances: ApplianceProcess[] = [];
  try {
    const sites = join(dir, 'sites');
    mkdirSync(join(sites, 'bench'), { recursive: true });
    writeFileSync(join(sites, 'bench', 'site.yaml'), siteYaml(devices, first.port, options.concurrency));
    for (const d of devices) writeFileSync(join(sites, 'bench', `${d.hostname}.cfg`), d.baseline);
    const database = `fleet_${String(count)}`;
    const url = await cluster.createDatabase(database);
    const env = { ...cluster.env(), [BENCH_PASSWORD_ENV]: BENCH_PASSWORD };
    const nodeOptions = options.cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${join(options.cpuProfileDir, `${String(count)}-appliance`)}`];

    const runs = new Map<string, DeviceRun>();
    const errors: string[] = [];
    let lastRecordAt = Date.now();
    const hear = (appliance: string) => (record: LogRecord): void => {
      lastRecordAt = Date.now();
      if (record.level >= 50) errors.push(`${appliance}: ${record.msg ?? JSON.stringify(record)}`);
      if (record.device === undefined || record.event === undefined) return;
      const run = runs.get(record.device) ?? { done: [] };
      runs.set(record.device, run);
      if (record.event === Events.checkStart) run.firstStart ??= record.time;
      else if (TERMINAL_EVENTS.includes(record.event) && record.result !== 'drift') {
        run.done.push({ appliance, time: record.time, event: record.event, ...(record.result === undefined ? {} : { result: record.result }), ...(record.msg === undefined ? {} : { message: record.msg }) });
      }
    };
    // The schema first, so that the appliances meet an existing one (their start-up race is a test's, not the benchmark's).
    const settingUp = await openStore(new StateStore(join(dir, 'setup-state')), { store: url, name: 'fleet-bench' }, silentLogger());
    await settingUp.close();
    for (const name of names) {
      appliances.push(await ApplianceProcess.start({ name, dir: join(dir, name), sites, store: url, concurrency: options.concurrency, env, nodeOptions }, hear(name)));
    }
    const sampler = await connectionSampler(cluster, database);
    const pgPid = cluster.serverPid() ?? 0;
    const before = {
      labs: (await Promise.all(labs.map((lab) => lab.report()))).reduce((sum, r) => sum + r.cpuSeconds, 0), postgres: treeCpuSeconds(pgPid), machine: machineBusySeconds(),
      appliances: new Map(appliances.map((a) => [a.name, a.usage().cpuSeconds])),
      transactions: await transactions(cluster, database),
    };

    const handedOver = Date.now();
    const stamp = syslogStamp(new Date(handedOver));
    const lines = devices.map((d) => ackLine(d, stamp));
    appliances.forEach((appliance, k) => { appliance.append((k === 0 ? lines : peerOrder(lines)).join('')); });

    const deadline = handedOver + options.timeoutS * 1000;
    const allDone = (): boolean => devices.every((d) => (runs.get(d.hostname)?.done.length ?? 0) > 0);
    while (!allDone() && Date.now() < deadline && appliances.every((a) => a.running)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      for (const appliance of appliances) appliance.read().forEach(hear(appliance.name));
    }
    const doneTimes = devices.flatMap((d) => (runs.get(d.hostname)?.done ?? []).slice(0, 1).map((done) => done.time));
    const wallMs = Math.max(...doneTimes) - handedOver;
    const atDone = new Map(appliances.map((a) => [a.name, a.usage()]));
    const after = { labs: (await Promise.all(labs.map((lab) => lab.report()))).reduce((sum, r) => sum + r.cpuSeconds, 0), postgres: treeCpuSeconds(pgPid), machine: machineBusySeconds() };
    while (Date.now() - lastRecordAt < QUIET_MS && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      for (const appliance of appliances) appliance.read().forEach(hear(appliance.name));
    }
    // Peak RSS over the whole run; CPU from the DHCPACKs to the last switch done, as for the labs and PostgreSQL.
    const usage = new Map(appliances.map((a) => [a.name, { peakRssBytes: a.usage().peakRssBytes, cpuSeconds: (atDone.get(a.name)?.cpuSeconds ?? NaN) - (before.appliances.get(a.name) ?? NaN) }]));
    const connections = await sampler.stop();
    // After the quiet time: a backend reports its statistics at most once a second.
    const transactionsAfter = await transactions(cluster, database);
    for (const appliance of appliances) {
      const code = await appliance.stop();
      appliance.read().forEach(hear(appliance.name));
      if (code !== 0) errors.push(`${appliance.name}: exited ${String(code)}: ${appliance.errors().trim().slice(0, 500)}`);
    }

    const reports = await Promise.all(labs.map((lab) => lab.report()));
    const switches = new Map(reports.flatMap((r) => r.switches).map((sw) => [sw.hostname, sw]));
    const reader = await openStore(new StateStore(join(dir, 'reader-state')), { store: url, name: 'fleet-bench' }, silentLogger());
    const statuses = new Map((await readStatus(reader.store)).map((s) => [s.device, s]));
    await reader.close();
    const problems = Date.now() >= deadline && !allDone() ? [`not every switch done within ${String(options.timeoutS)} s`] : [];
    const handled = new Map<string, number>(names.map((name) => [name, 0]));
    const latency: number[] = [];
    const service: number[] = [];
    for (const d of devices) {
      const run = runs.get(d.hostname);
      const done = run?.done[0];
      if (done !== undefined) {
        handled.set(done.appliance, (handled.get(done.appliance) ?? 0) + 1);
        latency.push(done.time - handedOver);
        if (run?.firstStart !== undefined) service.push(done.time - run.firstStart);
      }
      problems.push(...checkSwitch(d, run, switches.get(d.hostname), statuses.get(d.hostname), names));
    }
    return {
      appliances: names, wallMs, latency: latency.sort((a, b) => a - b), service: service.sort((a, b) => a - b), usage, handled,
      labCpuSeconds: after.labs - before.labs, postgresCpuSeconds: after.postgres - before.postgres, machineBusySeconds: after.machine - before.machine,
      peakConnections: connections.peak, transactions: transactionsAfter - before.transactions, peakConnectionsBy: connections.by, problems, errors,
    };
  } finally {
    for (const appliance of appliances) {
      await appliance.stop();
      appliance.close();
    }
    await Promise.all(labs.map((lab) => lab.stop()));
  }
}

function printMode(result: ModeResult): void {
  const wallS = result.wallMs / 1000;
  const applianceCpu = [...result.usage.values()].reduce((sum, u) => sum + u.cpuSeconds, 0);
  console.log(`-- ${String(result.appliances.length)} appliance(s): wall ${wallS.toFixed(2)} s (DHCPACKs written to the last switch done)`);
  console.log(`   latency, DHCPACK to done: p50 ${ms(percentile(result.latency, 50))}, p95 ${ms(percentile(result.latency, 95))}, max ${ms(result.latency.at(-1) ?? NaN)}; ` +
    `job start to done: p50 ${ms(percentile(result.service, 50))}, p95 ${ms(percentile(result.service, 95))}`);
  for (const [name, usage] of result.usage) {
    console.log(`   ${name}: peak RSS ${mb(usage.peakRssBytes)}, CPU ${usage.cpuSeconds.toFixed(1)} s, handled ${String(result.handled.get(name) ?? 0)} switches, ` +
      `at most ${String(result.peakConnectionsBy.get(`onramp ${name}`) ?? 0)} database connections`);
  }
  console.log(`   database: at most ${String(result.peakConnections)} connections at once (pg_stat_activity); ${String(result.transactions)} transactions ` +
    `(${(result.transactions / result.latency.length).toFixed(1)} a switch); PostgreSQL CPU ${result.postgresCpuSeconds.toFixed(1)} s`);
  console.log(`   where the time went: appliances ${applianceCpu.toFixed(1)} s CPU, labs ${result.labCpuSeconds.toFixed(1)} s, PostgreSQL ${result.postgresCpuSeconds.toFixed(1)} s; ` +
    `the machine's ${String(availableParallelism())} cores were ${(result.machineBusySeconds / wallS).toFixed(2)} busy on average (other work included)`);
  for (const problem of result.problems.slice(0, 10)) console.log(`   ${problem}`);
  if (result.problems.length > 10) console.log(`   … and ${String(result.problems.length - 10)} more`);
  for (const line of result.errors.slice(0, 5)) console.log(`   log: ${line}`);
}

async function main(): Promise<number> {
  const options = settings();
  const bin = postgresBinaries();
  if (bin === undefined) {
    console.log('FAIL: PostgreSQL is not installed (apt-get install postgresql): the fleet benchmark needs a server for its appliances to share');
    return 1;
  }
  if (!process.argv.includes('--skip-build') || !existsSync(CLI)) {
    spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (!existsSync(CLI)) throw new Error(`build did not produce ${CLI}`);
  }
  const devices = benchDevices(options.devices, (n) => (n * 37) % 100 < options.driftedPercent);
  const drifted = devices.filter((d) => d.drifted).length;
  console.log(`${String(options.devices)} switches (${String(devices.filter((d) => d.model === 'fs-s5850').length)} fs-s5850, ${String(devices.filter((d) => d.model === 'fs-s3900').length)} fs-s3900), ` +
    `${String(drifted)} drifted, in ${String(options.labs)} lab process(es), ${options.replyMs > 0 ? `answering each command after ${String(options.replyMs)} ms` : 'answering at once'}; concurrency ${String(options.concurrency)} per appliance; ${String(availableParallelism())} CPU(s)`);
  mkdirSync(OUT, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'onramp-bench-fleet-'));
  const cluster = await createCluster(bin, { maxConnections: Math.max(100, 2 * (options.concurrency + 10) + 20) });
  // The benchmark's own reads of the store take the password where onramp does.
  process.env.PGPASSWORD = cluster.password;
  const results: ModeResult[] = [];
  try {
    for (const count of options.modes) {
      const result = await runMode(count, options, devices, cluster, work);
      printMode(result);
      results.push(result);
    }
  } finally {
    await cluster.destroy();
    rmSync(work, { recursive: true, force: true });
  }
  const failures: string[] = [];
  for (const result of results) {
    if (result.problems.length > 0) failures.push(`${String(result.appliances.length)} appliance(s): ${String(result.problems.length)} problem(s)`);
  }
  const one = results.find((r) => r.appliances.length === 1);
  const two = results.find((r) => r.appliances.length === 2);
  let speedup = '';
  if (one !== undefined && two !== undefined) {
    const ratio = one.wallMs / two.wallMs;
    speedup = `two appliances ${ratio.toFixed(2)}x one (${(one.wallMs / 1000).toFixed(1)} s against ${(two.wallMs / 1000).toFixed(1)} s)`;
    console.log(speedup);
    if (!(ratio >= MIN_SPEEDUP)) failures.push(`${speedup}, below ${String(MIN_SPEEDUP)}x`);
  }
  console.log(failures.length === 0
    ? `PASS: every switch handled once, ${String(drifted)} remediated${speedup === '' ? ' (one mode only: no ratio)' : `; ${speedup}`}`
    : `FAIL: ${failures.join('; ')}`);
  return failures.length === 0 ? 0 : 1;
}

process.exitCode = await main();
