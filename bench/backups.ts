/**
 * The git backup store at scale: N devices x 100 versions each (10, 100,
 * then 1,000 devices; `--devices N` for one size), built in one go with
 * `git fast-import`, then the median wall time of listing one device's
 * history and of saving a new version. PASS when, at 1,000 devices, a
 * listing is under 200 ms and a new version under 50 ms. Also shown: what
 * `git log -- FILE` alone takes, the walk a listing would be without the
 * store's per-device history index.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GitBackupStore } from '../src/backups/index.js';

const VERSIONS = 100;
const RUNS = 15;
const LIST_BUDGET_MS = 200;
const SAVE_BUDGET_MS = 50;
const T0 = Date.parse('2026-01-01T00:00:00Z') / 1000;

function hostOf(device: number): string {
  return `SW${String(device).padStart(4, '0')}`;
}

function config(device: number, version: number): string {
  const ports = Array.from({ length: 12 }, (_, port) => `interface Gi1/0/${String(port + 1)}\n description ${port === version % 12 ? `v${String(version)}` : 'access'}\n`);
  return `hostname ${hostOf(device)}\n${ports.join('')}`;
}

/** The repository and the store's history index, as 100 rounds of every device saving a version would leave them. */
function build(dir: string, devices: number): void {
  execFileSync('git', ['init', '--quiet', '--initial-branch=main', dir]);
  const chunks: string[] = [];
  let mark = 0;
  for (let version = 0; version < VERSIONS; version++) {
    for (let device = 0; device < devices; device++) {
      const body = config(device, version);
      const subject = `${hostOf(device)}: manual (+1 -1)\n`;
      const time = T0 + mark;
      chunks.push(`commit refs/heads/main\nmark :${String(++mark)}\nauthor onramp (manual) <onramp@localhost> ${String(time)} +0000\ncommitter onramp <onramp@localhost> ${String(time)} +0000\n`);
      chunks.push(`data ${String(Buffer.byteLength(subject))}\n${subject}M 100644 inline ${hostOf(device)}.cfg\ndata ${String(Buffer.byteLength(body))}\n${body}\n`);
    }
  }
  const marks = join(dir, '.git', 'bench-marks');
  const imported = spawnSync('git', ['fast-import', '--quiet', `--export-marks=${marks}`], { cwd: dir, input: chunks.join('') });
  if (imported.status !== 0) throw new Error(`fast-import failed: ${imported.stderr.toString()}`);
  execFileSync('git', ['reset', '--quiet', '--hard'], { cwd: dir });
  const index = new Map<number, string[]>();
  for (const line of readFileSync(marks, 'utf8').split('\n')) {
    const [markText = '', sha = ''] = line.split(' ');
    const n = Number(markText.slice(1)) - 1;
    if (sha === '') continue;
    const device = n % devices;
    const entry = { id: sha.slice(0, 12), time: new Date((T0 + n + 1) * 1000).toISOString(), cause: 'manual (+1 -1)' };
    index.set(device, [...(index.get(device) ?? []), JSON.stringify(entry)]);
  }
  mkdirSync(join(dir, '.git', 'onramp-history'));
  for (const [device, lines] of index) writeFileSync(join(dir, '.git', 'onramp-history', `${hostOf(device)}.jsonl`), `${lines.join('\n')}\n`);
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

async function timed(run: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let n = 0; n < RUNS; n++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

async function measure(devices: number): Promise<{ list: number; save: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-bench-git-'));
  try {
    const started = performance.now();
    build(dir, devices);
    const setup = (performance.now() - started) / 1000;
    const store = new GitBackupStore(dir);
    const host = hostOf(Math.floor(devices / 2));
    const list = await timed(async () => {
      if ((await store.list(host)).length < VERSIONS) throw new Error('history incomplete');
    });
    let version = VERSIONS;
    const save = await timed(async () => {
      if ((await store.save(host, config(Math.floor(devices / 2), ++version) + `! ${String(version)}\n`, Date.now(), { kind: 'manual' })) === undefined) throw new Error('nothing saved');
    });
    const walk = performance.now();
    execFileSync('git', ['log', '--format=%h', '--', `${host}.cfg`], { cwd: dir });
    const log = performance.now() - walk;
    console.log(`${String(devices).padStart(5)} devices x ${String(VERSIONS)} versions (${String(devices * VERSIONS)} commits, built in ${setup.toFixed(1)} s): history ${list.toFixed(1)} ms, new version ${save.toFixed(1)} ms; git log -- FILE alone ${log.toFixed(0)} ms`);
    return { list, save };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const only = process.argv.indexOf('--devices');
const sizes = only >= 0 ? [Number(process.argv[only + 1])] : [10, 100, 1000];
let last = { list: Number.NaN, save: Number.NaN };
for (const devices of sizes) last = await measure(devices);
const verdict = last.list < LIST_BUDGET_MS && last.save < SAVE_BUDGET_MS ? 'PASS' : 'FAIL';
console.log(`${verdict} backups: at ${String(sizes.at(-1))} devices, history ${last.list.toFixed(1)} ms (budget ${String(LIST_BUDGET_MS)}), new version ${last.save.toFixed(1)} ms (budget ${String(SAVE_BUDGET_MS)}), medians of ${String(RUNS)}`);
process.exitCode = verdict === 'PASS' ? 0 : 1;
