/**
 * `npm run bench`: every benchmark in bench/, each in its own node process
 * (so one's memory does not count against another's), output passed
 * through, then a summary. Exits 1 when any benchmark fails.
 *
 *   npm run bench                       engine, devices, plan, backups, firmware, console, then fleet
 *   npm run bench -- devices            only the named ones
 *   npm run bench -- devices --switches 50   names first; options go to every benchmark run
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const BENCH_DIR = new URL('.', import.meta.url).pathname;
const ROOT = join(BENCH_DIR, '..');
const BENCHMARKS = ['engine', 'devices', 'plan', 'backups', 'firmware', 'console', 'fleet'];

interface Outcome {
  name: string;
  code: number;
  seconds: number;
  verdict: string;
}

function script(name: string): string {
  return join(BENCH_DIR, `${name}.ts`);
}

function runOne(name: string, options: string[]): Promise<Outcome> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', script(name), ...options], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let verdict = '';
  let partial = '';
  child.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (/^(PASS|FAIL)\b/.test(line)) verdict = line;
  });
  return new Promise((resolve) => {
    const finish = (code: number, why: string): void => {
      if (/^(PASS|FAIL)\b/.test(partial)) verdict = partial;
      resolve({ name, code, seconds: (performance.now() - started) / 1000, verdict: verdict === '' ? why : verdict });
    };
    child.once('error', (err) => {
      finish(1, `could not start: ${err.message}`);
    });
    child.once('close', (code, signal) => {
      finish(code ?? 1, signal === null ? `exit ${String(code)}` : `killed by ${signal}`);
    });
  });
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  // Names first; from the first option on, everything goes to the benchmarks.
  const firstOption = args.findIndex((a) => a.startsWith('-'));
  const named = firstOption < 0 ? args : args.slice(0, firstOption);
  const options = firstOption < 0 ? [] : args.slice(firstOption);
  const unknown = named.filter((n) => !BENCHMARKS.includes(n));
  if (unknown.length > 0) {
    console.error(`unknown benchmark ${unknown.map((n) => JSON.stringify(n)).join(', ')}; known: ${BENCHMARKS.join(', ')}`);
    return 2;
  }
  const selected = named.length === 0 ? BENCHMARKS : BENCHMARKS.filter((n) => named.includes(n));
  const outcomes: Outcome[] = [];
  for (const name of selected) {
    if (!existsSync(script(name))) {
      console.log(`\n== ${name}: bench/${name}.ts does not exist, skipped`);
      continue;
    }
    console.log(`\n== ${name}: node --import tsx bench/${name}.ts ${options.join(' ')}`.trimEnd());
    outcomes.push(await runOne(name, options));
  }
  console.log('\n== summary');
  for (const o of outcomes) console.log(`${o.code === 0 ? 'ok  ' : 'FAIL'} ${o.name.padEnd(8)} ${o.seconds.toFixed(1).padStart(6)} s  ${o.verdict}`);
  if (outcomes.length === 0) {
    console.log('no benchmark ran');
    return 1;
  }
  return outcomes.every((o) => o.code === 0) ? 0 : 1;
}

process.exitCode = await main();
