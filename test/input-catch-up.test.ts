import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as pace } from 'node:timers/promises';

// A kill -9 in the middle of a long catch-up, through the compiled CLI (built by `npm test` first):
// the position is written as the backlog is read, so the restarted run repeats only the lines read
// since the last write, not the whole catch-up.

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');

const BACKLOG_LINES = 400_000;
/** The position is written every 64 KiB handled, one write at a time, and a read is up to 64 KiB: at most three of those behind. */
const MAX_REPEATED_BYTES = 3 * 64 * 1024;

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await pace(5);
  }
  return true;
}

interface Run { child: ChildProcess; stderr: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; out: string }

function readSeqs(path: string): number[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'latin1').split('\n').filter((l) => l !== '').map(Number);
}

void test('kill -9 in the middle of a 40 MB catch-up: the restart repeats at most a few chunks of lines and loses none', { timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-catch-up-'));
  const runs: Run[] = [];
  t.after(() => {
    for (const run of runs) if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  mkdirSync(join(dir, 'log'));
  const path = join(dir, 'log', 'dhcpd.log');
  writeFileSync(path, '');
  const startRun = (): Run => {
    const out = join(dir, `lines-${String(runs.length)}.txt`);
    const rules = join(dir, `run-${String(runs.length)}.rules`);
    writeFileSync(rules, ['type=Single', 'ptype=RegExp', 'pattern= seq=(\\d+)$', 'desc=line $1', `action=write ${out} $1`, ''].join('\n'));
    const child = spawn(process.execPath, [CLI, 'run', `--conf=${rules}`, `--input=${path}`, `--state=${join(dir, 'state')}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.on('exit', (code, signal) => { resolve({ code, signal }); });
    });
    const run = { child, stderr: () => stderr, exited, out };
    runs.push(run);
    return run;
  };

  // A first run records a position (the end of the empty file), so the next one starts there, not at the end.
  const first = startRun();
  const positions = join(dir, 'state', 'positions');
  assert.ok(await until(() => existsSync(positions) && readdirSync(positions).some((f) => f.endsWith('.json')), 20_000), `the first run saves a position:\n${first.stderr()}`);
  first.child.kill('SIGKILL');
  await first.exited;

  const prefix = 'Mar  3 04:05:06 dhcp01 dhcpd[2211]: DHCPACK on 10.12.0.77 to 64:9d:99:0c:00:41 (FS-S5850-48S6Q-fra-007) via 10.12.0.1';
  let lineBytes = 0;
  for (let from = 0; from < BACKLOG_LINES; from += 10_000) {
    let text = '';
    for (let seq = from; seq < from + 10_000; seq++) text += `${prefix} seq=${String(seq)}\n`;
    lineBytes = Math.max(lineBytes, Buffer.byteLength(text) / 10_000);
    appendFileSync(path, text);
  }
  const backlogBytes = statSync(path).size;

  // Killed once a third of the backlog is handled (each handled line is one output line, written synchronously).
  const second = startRun();
  const third = Math.floor(BACKLOG_LINES / 3);
  const outLines = (): number => (existsSync(second.out) ? statSync(second.out).size / 7 : 0);
  assert.ok(await until(() => outLines() >= third, 60_000), `the second run handles a third of the backlog:\n${second.stderr()}`);
  second.child.kill('SIGKILL');
  assert.equal((await second.exited).signal, 'SIGKILL');
  const killedAfter = readSeqs(second.out);

  const last = startRun();
  await until(() => readSeqs(last.out).at(-1) === BACKLOG_LINES - 1, 60_000);
  last.child.kill('SIGTERM');
  assert.equal((await last.exited).code, 0, last.stderr());
  const resumed = readSeqs(last.out);

  const handledBefore = killedAfter.length;
  const resumedAt = resumed[0] ?? BACKLOG_LINES;
  const repeated = handledBefore - resumedAt;
  t.diagnostic(`backlog ${String(BACKLOG_LINES)} lines, ${(backlogBytes / 1e6).toFixed(1)} MB; killed after ${String(handledBefore)} lines handled`);
  t.diagnostic(`the restart resumed at line ${String(resumedAt)}: ${String(repeated)} lines (${String(Math.round(repeated * lineBytes))} bytes) handled again`);

  assert.ok(handledBefore < BACKLOG_LINES, 'the kill came during the catch-up');
  assert.deepEqual(killedAfter, Array.from({ length: handledBefore }, (_, i) => i), 'the killed run handled the backlog in order');
  assert.deepEqual(resumed, Array.from({ length: BACKLOG_LINES - resumedAt }, (_, i) => resumedAt + i), 'the restart handled the rest in order, nothing lost');
  assert.ok(repeated >= 0, `no line skipped (resumed at ${String(resumedAt)} after ${String(handledBefore)})`);
  assert.ok(repeated * lineBytes <= MAX_REPEATED_BYTES, `${String(repeated)} lines repeated, more than ${String(MAX_REPEATED_BYTES)} bytes' worth`);
});
