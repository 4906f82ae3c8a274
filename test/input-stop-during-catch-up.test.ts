import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as pace } from 'node:timers/promises';

// A SIGTERM while onramp starts, through the compiled CLI (built by `npm test` first). A start that
// finds the log rotated since the saved position reads every rotated generation before it opens the
// log: with a backlog that takes a while, and a stop asked for meanwhile must still be a clean stop
// (exit 0, position saved) rather than the signal's default end, which the next start pays for.

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');

const BACKLOG_LINES = 100_000;
const AFTER_LINES = 100;

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

function lines(from: number, to: number): string {
  const prefix = 'Mar  3 04:05:06 dhcp01 dhcpd[2211]: DHCPACK on 10.12.0.77 to 64:9d:99:0c:00:41 (FS-S5850-48S6Q-fra-007) via 10.12.0.1';
  let text = '';
  for (let seq = from; seq < to; seq++) text += `${prefix} seq=${String(seq)}\n`;
  return text;
}

/** Index in a run's log of the first line with this event and text, -1 if none. */
function logIndex(stderr: string, text: string): number {
  return stderr.split('\n').findIndex((line) => line.includes(text));
}

void test('SIGTERM while the start-up drains a rotated backlog: exit 0 once it is read, position saved, the next run repeats nothing', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-stop-catch-up-'));
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

  // A first run records a position (the end of the empty file).
  const first = startRun();
  const positions = join(dir, 'state', 'positions');
  assert.ok(await until(() => existsSync(positions) && readdirSync(positions).some((f) => f.endsWith('.json')), 20_000), `the first run saves a position:\n${first.stderr()}`);
  first.child.kill('SIGTERM');
  assert.equal((await first.exited).code, 0, first.stderr());

  // While it is down, the log fills and is rotated (rename+create): the next start drains dhcpd.log.1 first.
  for (let from = 0; from < BACKLOG_LINES; from += 10_000) appendFileSync(path, lines(from, from + 10_000));
  renameSync(path, `${path}.1`);
  writeFileSync(path, '');

  // Stopped as soon as it says anything: its first log line comes before the inputs are opened.
  const second = startRun();
  assert.ok(await until(() => second.stderr().includes('rules loaded from'), 20_000), `the second run starts:\n${second.stderr()}`);
  second.child.kill('SIGTERM');
  const ended = await second.exited;
  const log = second.stderr();
  assert.deepEqual(ended, { code: 0, signal: null }, `a SIGTERM during the start-up drain is a clean stop:\n${log}`);
  const stopping = logIndex(log, '"msg":"stopping"');
  const drained = logIndex(log, '"reason":"while-stopped"');
  assert.ok(stopping >= 0 && drained >= 0 && stopping < drained, `the SIGTERM came while dhcpd.log.1 was being drained:\n${log}`);
  const handled = readSeqs(second.out);
  assert.deepEqual(handled, Array.from({ length: BACKLOG_LINES }, (_, i) => i), 'the drain it was stopped in was finished, in order');

  appendFileSync(path, lines(BACKLOG_LINES, BACKLOG_LINES + AFTER_LINES));
  const third = startRun();
  await until(() => readSeqs(third.out).at(-1) === BACKLOG_LINES + AFTER_LINES - 1, 20_000);
  third.child.kill('SIGTERM');
  assert.equal((await third.exited).code, 0, third.stderr());
  assert.deepEqual(readSeqs(third.out), Array.from({ length: AFTER_LINES }, (_, i) => BACKLOG_LINES + i), 'the next run starts right after the drained backlog: nothing repeated, nothing lost');
});
