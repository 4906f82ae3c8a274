/**
 * Firmware benchmark: 100 factory fs-s3900 switches on the lab get a
 * DHCPACK at once; the site names FSOS 1.7.6, and 30 of them run 1.7.3, so
 * those are upgraded first (image served by onramp, fetched over HTTP by
 * each switch, a reload that keeps it down 5 s, its fresh DHCPACK) and only
 * then provisioned. Prints wall time and peak RSS, and checks that every
 * switch ended provisioned on 1.7.6, the 30 after exactly one reload and
 * the other 70 after none.
 *
 *   node --import tsx bench/firmware.ts [--switches N] [--upgrades N] [--reload-ms MS] [--concurrency N]
 *
 * Exits 1 when a switch is not as expected, or a target is missed: the
 * upgrades overlap (wall < half of upgrades x reload, what one at a time
 * would take at the least) and peak RSS < 400 MB.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { digestBytes } from '../src/firmware/index.js';
import { Lab, labAddress, labImage, type LabSwitchSpec } from '../src/lab/index.js';
import { Events } from '../src/log/index.js';
import { createOnboarder, readStatus, type Onboarder } from '../src/onboard/index.js';
import { StateStore } from '../src/state/index.js';

const ROOT = new URL('..', import.meta.url).pathname;
const KEY_DIR = join(ROOT, 'bench', 'out', 'firmware-keys');
const PASSWORD = 'bench-fw-pw';
const PASSWORD_ENV = 'ONRAMP_BENCH_FW_PASSWORD';
const OLD = '1.7.3';
const WANTED = '1.7.6';
const TARGET_RSS_MB = 400;

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name}: expected a whole number, got ${String(process.argv[i + 1])}`);
  return value;
}

function macOf(n: number): string {
  return `02:f1:4c:00:${((n >> 8) & 0xff).toString(16).padStart(2, '0')}:${(n & 0xff).toString(16).padStart(2, '0')}`;
}

function siteYaml(count: number, port: number, concurrency: number, imageSha: string): string {
  const entries = Array.from({ length: count }, (_, n) =>
    `  - { mac: "${macOf(n)}", hostname: FS-S3900-F${String(n + 1).padStart(3, '0')}, model: fs-s3900, vars: { mgmtIp: 10.78.${Math.floor(n / 250)}.${(n % 250) + 2}, uplinkPort: 1/25 } }`);
  return `name: bench
subnets: [127.77.0.0/16]
credentials: { username: admin, passwordEnv: ${PASSWORD_ENV} }
factoryCredentials: { username: admin, passwordEnv: ${PASSWORD_ENV} }
ssh: { port: ${port}, timeoutMs: 20000, retries: 0, hostKeys: pin }
concurrency: ${concurrency}
vars: { location: bench, mgmtVlan: 77, mgmtMask: 255.255.0.0, vlans: [{ id: 77, name: mgmt }] }
firmware:
  fs-s3900: { version: ${WANTED}, image: s3900-${WANTED}.bix, sha256: ${imageSha}, returnTimeout: 2m }
portmap:
${entries.join('\n')}
`;
}

/** Counts the firmware and provisioning events, and keeps the error lines. */
function countingLogger(): { logger: pino.Logger; counts: Map<string, number>; errors: string[] } {
  const counts = new Map<string, number>();
  const errors: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) {
        if (line === '') continue;
        const record = JSON.parse(line) as { event?: string; level?: number };
        if (record.level !== undefined && record.level >= 50) errors.push(line);
        if (record.event !== undefined) counts.set(record.event, (counts.get(record.event) ?? 0) + 1);
      }
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), counts, errors };
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

async function main(): Promise<number> {
  const count = argValue('--switches', 100);
  const upgrades = Math.min(count, argValue('--upgrades', 30));
  const reloadMs = argValue('--reload-ms', 5000);
  const concurrency = argValue('--concurrency', 50);
  process.env[PASSWORD_ENV] = PASSWORD;
  const image = labImage('fs-s3900', WANTED, 1024 * 1024);
  const dir = await mkdtemp(join(tmpdir(), 'onramp-bench-firmware-'));
  // Every third switch up to `upgrades` runs the old version, so upgrades and plain provisionings interleave.
  const spread = Array.from({ length: count }, (_, n) => n).sort((a, b) => (a % 3) - (b % 3) || a - b);
  const old = new Set(spread.slice(0, upgrades));
  const specs: LabSwitchSpec[] = Array.from({ length: count }, (_, n) => ({
    hostname: `FACTORY-${String(n + 1).padStart(3, '0')}`, personality: 'fs-s3900', mac: macOf(n), username: 'admin', password: PASSWORD,
    address: labAddress(n), version: old.has(n) ? OLD : WANTED,
  }));
  let onboarder: Onboarder | undefined;
  const lab = await Lab.start({
    switches: specs, keyDir: KEY_DIR, reloadMs,
    onBoot: (sw) => { onboarder?.onboard(sw.address, sw.spec.mac, 'Switch'); },
  });
  try {
    const sitesDir = join(dir, 'sites');
    await mkdir(join(sitesDir, 'bench'), { recursive: true });
    await writeFile(join(sitesDir, 'bench', `s3900-${WANTED}.bix`), image);
    await writeFile(join(sitesDir, 'bench', 'site.yaml'), siteYaml(count, lab.port, concurrency, digestBytes(image).sha256));
    const { logger, counts, errors } = countingLogger();
    const state = new StateStore(join(dir, 'state'));
    onboarder = await createOnboarder({
      sitesDir, templatesDir: join(ROOT, 'templates'), state, logger, concurrency, firmwareHttp: { host: '127.0.0.1', port: 0 },
    });
    console.log(
      `${count} factory fs-s3900 switches, ${upgrades} on ${OLD} where the site names ${WANTED} (image ${mb(image.length)}, served by onramp), ` +
        `reload ${reloadMs} ms, concurrency ${concurrency}, ${availableParallelism()} CPU(s), same process as the lab`,
    );
    let peakSampled = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakSampled = Math.max(peakSampled, process.memoryUsage().rss);
    }, 50);
    const started = performance.now();
    for (const spec of specs) onboarder.onboard(spec.address ?? '', spec.mac, 'Switch');
    await onboarder.idle();
    const wallMs = performance.now() - started;
    clearInterval(sampler);
    const maxRss = process.resourceUsage().maxRSS * 1024;
    peakSampled = Math.max(peakSampled, process.memoryUsage().rss);
    await onboarder.close();

    const problems: string[] = [];
    const status = await readStatus(state);
    specs.forEach((spec, n) => {
      const sw = lab.get(spec.hostname);
      const name = `FS-S3900-F${String(n + 1).padStart(3, '0')}`;
      const result = status.find((s) => s.device === name)?.result;
      if (result !== 'provisioned') problems.push(`${name}: ${result ?? 'no status'}, expected provisioned (${status.find((s) => s.mac === spec.mac)?.message ?? ''})`);
      if (sw.version() !== WANTED) problems.push(`${name}: runs ${sw.version()}, expected ${WANTED}`);
      const reloads = old.has(n) ? 1 : 0;
      if (sw.reloads() !== reloads) problems.push(`${name}: ${sw.reloads()} reload(s), expected ${reloads}`);
      if (sw.hostname() !== name) problems.push(`${name}: calls itself ${sw.hostname()}`);
    });
    const serialMs = upgrades * reloadMs;
    console.log(`wall: ${(wallMs / 1000).toFixed(2)} s (all ${count} DHCPACKs to idle); ${upgrades} upgrades one at a time would take at least ${(serialMs / 1000).toFixed(0)} s of reloads alone`);
    console.log(`peak RSS: ${mb(maxRss)} (resourceUsage maxRSS), ${mb(peakSampled)} (memoryUsage().rss sampled every 50 ms)`);
    console.log(`events: ${[Events.firmwareUpgradeStarted, Events.firmwareUpgradeDone, Events.firmwareUpgradeFailed, Events.provisionDone].map((e) => `${e} ${counts.get(e) ?? 0}`).join(', ')}`);
    for (const problem of problems.slice(0, 10)) console.log(`  ${problem}`);
    if (problems.length > 10) console.log(`  … and ${problems.length - 10} more`);
    for (const line of errors.slice(0, 5)) console.log(`  log: ${line}`);

    const missed: string[] = [];
    if (upgrades > 1 && wallMs >= serialMs / 2) missed.push(`wall ${(wallMs / 1000).toFixed(1)} s >= ${(serialMs / 2000).toFixed(0)} s: the upgrades did not overlap`);
    if (maxRss >= TARGET_RSS_MB * 1024 * 1024) missed.push(`RSS ${mb(maxRss)} >= ${TARGET_RSS_MB} MB`);
    if (problems.length > 0) missed.push(`${problems.length} switch problem(s)`);
    console.log(missed.length === 0
      ? `PASS: all ${count} provisioned on ${WANTED}, ${upgrades} upgraded, wall ${(wallMs / 1000).toFixed(1)} s, peak RSS ${mb(maxRss)}`
      : `FAIL: ${missed.join('; ')}`);
    return missed.length === 0 ? 0 : 1;
  } finally {
    await lab.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
