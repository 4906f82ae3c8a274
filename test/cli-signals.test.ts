import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(import.meta.dirname, '..', 'dist', 'bin', 'onramp.js');

async function until(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const read = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '');

void test('SIGUSR1 dumps the engine state to --dump; SIGUSR2 reopens write files after rotation; SIGTERM exits 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-signals-'));
  const log = join(dir, 'dhcpd.log');
  const out = join(dir, 'acks.out');
  const dump = join(dir, 'dump.txt');
  const rules = join(dir, 'r.rules');
  writeFileSync(rules, `type=Single\nptype=RegExp\npattern=DHCPACK.*\ndesc=ack\naction=write ${out} $0; create SEEN_ACK 3600\n`);
  writeFileSync(log, '');
  const child = spawn(process.execPath, [CLI, 'run', `--conf=${rules}`, `--input=${log}`, `--dump=${dump}`, `--state=${join(dir, 'state')}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    await until('the input to be open', () => stderr.includes('"event":"input.opened"'));
    appendFileSync(log, 'DHCPACK one\n');
    await until('the first line written', () => read(out) === 'DHCPACK one\n');

    child.kill('SIGUSR1');
    await until('the dump file', () => read(dump).includes('SEEN_ACK'));
    assert.match(read(dump), /1 rules loaded from /);

    renameSync(out, `${out}.1`);
    child.kill('SIGUSR2');
    await until('the reopen', () => stderr.includes('output files reopened'));
    appendFileSync(log, 'DHCPACK two\n');
    await until('the second line in a new file', () => read(out) === 'DHCPACK two\n');
    assert.equal(read(`${out}.1`), 'DHCPACK one\n');

    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('SIGABRT is a soft reload: unchanged rule files keep their operations, changed ones start afresh, contexts stay', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-abrt-'));
  const log = join(dir, 'dhcpd.log');
  const out = join(dir, 'out');
  const pair = join(dir, 'a-pair.rules');
  const other = join(dir, 'b-other.rules');
  const pairRule = (extra: string): string =>
    `${extra}type=Pair\nptype=RegExp\npattern=down (\\S+)\ndesc=down $1\naction=create WAS_DOWN_$1; write ${out} down $1\n` +
    `ptype2=RegExp\npattern2=up $1\ndesc2=up %1\naction2=write ${out} recovered %1\nwindow=3600\n`;
  writeFileSync(pair, pairRule(''));
  writeFileSync(other, `type=Single\nptype=RegExp\npattern=probe (\\S+)\ncontext=WAS_DOWN_$1\ndesc=probe\naction=write ${out} context kept for $1\n`);
  writeFileSync(log, '');
  const child = spawn(process.execPath, [CLI, 'run', `--conf=${join(dir, '*.rules')}`, `--input=${log}`, `--state=${join(dir, 'state')}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  // The files loaded by the n-th soft reload, once it has finished.
  const reloaded = (n: number): number => ((stderr.split('soft reload:')[n] ?? '').match(/rules loaded from/g) ?? []).length;
  try {
    await until('the input to be open', () => stderr.includes('"event":"input.opened"'));
    appendFileSync(log, 'down eth1\ndown eth2\n');
    await until('both operations started', () => read(out) === 'down eth1\ndown eth2\n');

    // Only the other file changes: the Pair operations of the unchanged file survive.
    writeFileSync(other, `${readFileSync(other, 'utf8')}# edited\n`);
    child.kill('SIGABRT');
    await until('the first soft reload', () => reloaded(1) === 2);
    appendFileSync(log, 'up eth1\nprobe eth2\n');
    await until('the surviving operation and the kept context', () => read(out).endsWith('recovered eth1\ncontext kept for eth2\n'));

    // Now the Pair's own file changes: its pending operation (eth2) is dropped.
    writeFileSync(pair, pairRule('# edited\n'));
    child.kill('SIGABRT');
    await until('the second soft reload', () => reloaded(2) === 2);
    appendFileSync(log, 'up eth2\nprobe eth2\n');
    await until('the probe after the second reload', () => read(out).split('\n').length === 6);
    assert.equal(read(out), 'down eth1\ndown eth2\nrecovered eth1\ncontext kept for eth2\ncontext kept for eth2\n');

    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
