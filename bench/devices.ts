/**
 * Device benchmark: 200 emulated switches (fs-s5850 and fs-s3900) on
 * loopback over real SSH, one generated site with `onDrift: remediate` and
 * concurrency 32, half of the switches drifted. Every switch gets a DHCPACK
 * at once (Onboarder.onboard), then the run waits until the onboarder is
 * idle. Prints wall time, peak RSS, per-device latency and the outcome
 * counts, then checks every switch against its baseline.
 *
 *   node --import tsx bench/devices.ts [--switches N] [--concurrency N]
 *
 * Exits 1 when a device failed, a switch does not match its baseline, or
 * a target (< 30 s wall, < 300 MB peak RSS) is missed.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { getProfile } from '../src/device/index.js';
import { Lab } from '../src/lab/index.js';
import { Events } from '../src/log/index.js';
import { createOnboarder } from '../src/onboard/index.js';
import { compareConfigs } from '../src/provision/index.js';
import { StateStore } from '../src/state/index.js';
import { BENCH_PASSWORD, BENCH_PASSWORD_ENV, benchDevices, labSpec, siteYaml } from './bench-switches.js';
import { mb, ms, percentile } from './figures.js';

const ROOT = new URL('..', import.meta.url).pathname;
const KEY_DIR = join(ROOT, 'bench', 'out', 'devices-keys');
const TARGET_WALL_S = 30;
const TARGET_RSS_MB = 300;

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name}: expected a positive integer, got ${String(process.argv[i + 1])}`);
  return value;
}

interface Timeline {
  start?: number;
  done?: number;
  result?: string;
  event?: string;
  message?: string;
}

const TERMINAL_EVENTS: readonly string[] = [Events.checkOk, Events.checkDrift, Events.checkFailed, Events.provisionDone, Events.provisionFailed, Events.unreachable, Events.hostkeyChanged];

/** A pino destination that keeps, per device, when its check started and how it ended. */
function timelineLogger(): { logger: pino.Logger; timelines: Map<string, Timeline>; errors: string[] } {
  const timelines = new Map<string, Timeline>();
  const errors: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const at = performance.now();
      for (const line of chunk.toString().split('\n')) {
        if (line === '') continue;
        const record = JSON.parse(line) as { event?: string; device?: string; result?: string; level?: number; msg?: string };
        if (record.level !== undefined && record.level >= 50) errors.push(line);
        if (record.device === undefined || record.event === undefined) continue;
        const timeline = timelines.get(record.device) ?? {};
        timelines.set(record.device, timeline);
        if (record.event === Events.checkStart) timeline.start = at;
        // A drift is followed by the remediation in the same job: only a result that ends the job counts.
        else if (TERMINAL_EVENTS.includes(record.event) && record.result !== 'drift') {
          timeline.done = at;
          timeline.event = record.event;
          if (record.result !== undefined) timeline.result = record.result;
          if (record.msg !== undefined) timeline.message = record.msg;
        }
      }
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), timelines, errors };
}

async function main(): Promise<number> {
  const count = argValue('--switches', 200);
  const concurrency = argValue('--concurrency', 32);
  process.env[BENCH_PASSWORD_ENV] = BENCH_PASSWORD;
  // Alternating pairs: both models get drifted and clean switches.
  const devices = benchDevices(count, (n) => n % 4 < 2);
  const dir = await mkdtemp(join(tmpdir(), 'onramp-bench-devices-'));
  const lab = await Lab.start({ switches: devices.map(labSpec), keyDir: KEY_DIR });
  try {
    const sitesDir = join(dir, 'sites');
    await mkdir(join(sitesDir, 'bench'), { recursive: true });
    await writeFile(join(sitesDir, 'bench', 'site.yaml'), siteYaml(devices, lab.port, concurrency));
    for (const d of devices) await writeFile(join(sitesDir, 'bench', `${d.hostname}.cfg`), d.baseline);
    const { logger, timelines, errors } = timelineLogger();
    const onboarder = await createOnboarder({
      sitesDir, templatesDir: join(ROOT, 'templates'), state: new StateStore(join(dir, 'state')), logger, concurrency,
    });

    const drifted = devices.filter((d) => d.drifted).length;
    console.log(
      `${count} switches (${devices.filter((d) => d.model === 'fs-s5850').length} fs-s5850, ${devices.filter((d) => d.model === 'fs-s3900').length} fs-s3900), ` +
        `${drifted} drifted, concurrency ${concurrency}, lab port ${lab.port}, ${availableParallelism()} CPU(s) available, same process as the lab`,
    );
    let peakSampled = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakSampled = Math.max(peakSampled, process.memoryUsage().rss);
    }, 50);
    const cpuBefore = process.cpuUsage();
    const acked = performance.now();
    for (const d of devices) onboarder.onboard(d.ip, d.mac, d.hostname);
    await onboarder.idle();
    const wallMs = performance.now() - acked;
    const cpu = process.cpuUsage(cpuBefore);
    clearInterval(sampler);
    peakSampled = Math.max(peakSampled, process.memoryUsage().rss);
    const maxRss = process.resourceUsage().maxRSS * 1024;
    await onboarder.close();

    const service: number[] = [];
    const sinceAck: number[] = [];
    const counts = new Map<string, number>();
    const problems: string[] = [];
    for (const d of devices) {
      const timeline = timelines.get(d.hostname);
      const result = timeline?.result ?? 'no result';
      counts.set(result, (counts.get(result) ?? 0) + 1);
      if (timeline?.start !== undefined && timeline.done !== undefined) {
        service.push(timeline.done - timeline.start);
        sinceAck.push(timeline.done - acked);
      }
      const expected = d.drifted ? 'remediated' : 'ok';
      if (result !== expected) problems.push(`${d.hostname}: ${result}, expected ${expected}${timeline?.message === undefined ? '' : ` (${timeline.event ?? ''}: ${timeline.message})`}`);
      const profile = getProfile(d.model);
      const sw = lab.get(d.hostname);
      const running = compareConfigs(d.baseline, sw.runningConfig(), profile, d.hostname);
      if (d.drifted && !running.equal) {
        problems.push(`${d.hostname}: running config differs from its baseline after remediation (+${running.added} -${running.removed})\n${running.unified}`);
      }
      const saved = compareConfigs(d.baseline, sw.startupConfig(), profile, d.hostname).equal;
      if (d.drifted && (sw.saves() !== 1 || !saved)) {
        problems.push(`${d.hostname}: ${sw.saves()} save(s), startup config ${saved ? 'equals' : 'differs from'} the baseline; expected one save of it`);
      }
      if (!d.drifted && sw.saves() !== 0) problems.push(`${d.hostname}: clean switch saved ${sw.saves()} time(s)`);
    }
    service.sort((a, b) => a - b);
    sinceAck.sort((a, b) => a - b);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;

    console.log(`wall: ${(wallMs / 1000).toFixed(2)} s (all ${count} DHCPACKs to idle); CPU ${cpuSeconds.toFixed(1)} s (${((cpuSeconds * 1000) / wallMs).toFixed(2)} cores busy)`);
    console.log(`peak RSS: ${mb(maxRss)} (resourceUsage maxRSS), ${mb(peakSampled)} (memoryUsage().rss sampled every 50 ms)`);
    console.log(`latency, job start to done: p50 ${ms(percentile(service, 50))}, p95 ${ms(percentile(service, 95))}, max ${ms(service.at(-1) ?? NaN)} (${service.length} devices)`);
    console.log(`latency, DHCPACK to done (queueing included): p50 ${ms(percentile(sinceAck, 50))}, p95 ${ms(percentile(sinceAck, 95))}`);
    console.log(`results: ${[...counts].map(([result, n]) => `${result} ${n}`).join(', ')}`);
    const saves = devices.filter((d) => d.drifted).reduce((sum, d) => sum + lab.get(d.hostname).saves(), 0);
    console.log(`verified: ${drifted} drifted switches against their baselines, ${saves} save(s); ${count - drifted} clean switches untouched`);
    for (const problem of problems.slice(0, 10)) console.log(`  ${problem}`);
    if (problems.length > 10) console.log(`  … and ${problems.length - 10} more`);
    for (const line of errors.slice(0, 5)) console.log(`  log: ${line}`);

    const missed: string[] = [];
    if (wallMs >= TARGET_WALL_S * 1000) missed.push(`wall ${(wallMs / 1000).toFixed(1)} s >= ${TARGET_WALL_S} s`);
    if (maxRss >= TARGET_RSS_MB * 1024 * 1024) missed.push(`RSS ${mb(maxRss)} >= ${TARGET_RSS_MB} MB`);
    if (problems.length > 0) missed.push(`${problems.length} device problem(s)`);
    console.log(missed.length === 0 ? `PASS: < ${TARGET_WALL_S} s, < ${TARGET_RSS_MB} MB, every device as expected` : `FAIL: ${missed.join('; ')}`);
    return missed.length === 0 ? 0 : 1;
  } finally {
    await lab.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
