import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, unlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { readStdin, tailFile, PositionStore, type TailOptions, type TailSource } from '../src/input/index.js';
import { StateStore } from '../src/state/index.js';

interface Logged { event?: string; reason?: string; bytes?: number }

function capture(): { logger: pino.Logger; events: Logged[] } {
  const events: Logged[] = [];
  const logger = pino({ level: 'debug' }, { write: (msg: string) => { events.push(JSON.parse(msg) as Logged); } });
  return { logger, events };
}

function scratch(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-tail-'));
  t.after(() => { rmSync(dir, { recursive: true, force: true }); });
  return dir;
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function follow(t: TestContext, path: string, extra: Partial<TailOptions> = {}): { lines: string[]; tail: TailSource; events: Logged[] } {
  const lines: string[] = [];
  const { logger, events } = capture();
  const tail = tailFile({ path, fromStart: true, follow: true, onLine: (l) => lines.push(l), logger, pollMs: 100, ...extra });
  t.after(() => tail.stop());
  return { lines, tail, events };
}

const numbered = (from: number, to: number): string => Array.from({ length: to - from }, (_, i) => `line ${String(from + i)}\n`).join('');
const expected = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `line ${String(from + i)}`);

void test('appended lines arrive once each, in order; a partial line waits for its newline', async (t) => {
  const path = join(scratch(t), 'dhcpd.log');
  writeFileSync(path, numbered(0, 3));
  const { lines, tail } = follow(t, path);
  await tail.start();
  await waitFor('the first lines', () => lines.length === 3);
  for (let i = 3; i < 500; i += 7) appendFileSync(path, numbered(i, Math.min(i + 7, 500)));
  await waitFor('500 lines', () => lines.length >= 500);
  appendFileSync(path, 'DHCPACK on 10.77.0.1');
  appendFileSync(path, 'other\n');
  assert.deepEqual(lines.slice(0, 500), expected(0, 500));
  appendFileSync(path, ' to be:b5:de:01:12:a1 via eth1\n');
  await waitFor('the completed line', () => lines.length === 502);
  assert.equal(lines[500], 'DHCPACK on 10.77.0.1other');
  assert.equal(lines[501], ' to be:b5:de:01:12:a1 via eth1');
});

void test('without fromStart, following begins at the end of the file, mid-line fragment skipped', async (t) => {
  const path = join(scratch(t), 'dhcpd.log');
  writeFileSync(path, numbered(0, 10) + 'half a li');
  const { lines, tail } = follow(t, path, { fromStart: false });
  await tail.start();
  appendFileSync(path, 'ne\n' + numbered(10, 12));
  await waitFor('new lines', () => lines.length === 2);
  assert.deepEqual(lines, expected(10, 12));
});

void test('not following: reads to the end, delivers an unterminated last line, then done', async (t) => {
  const path = join(scratch(t), 'dhcpd.log');
  writeFileSync(path, numbered(0, 5) + 'last without newline');
  const lines: string[] = [];
  const tail = tailFile({ path, fromStart: true, follow: false, onLine: (l) => lines.push(l), logger: capture().logger });
  await tail.start();
  await tail.done;
  await tail.stop();
  assert.deepEqual(lines, [...expected(0, 5), 'last without newline']);
});

void test('an over-long line is skipped to its newline and logged; invalid UTF-8 is tolerated', async (t) => {
  const path = join(scratch(t), 'dhcpd.log');
  writeFileSync(path, Buffer.concat([Buffer.from('before\n' + 'x'.repeat(5000) + '\nafter \xff\n', 'latin1')]));
  const { lines, tail, events } = follow(t, path, { maxLineBytes: 1000 });
  await tail.start();
  await waitFor('two lines', () => lines.length === 2);
  assert.deepEqual(lines, ['before', 'after \ufffd']);
  const rejected = events.filter((e) => e.event === 'input.line.rejected');
  assert.equal(rejected.length, 1);
  assert.equal(rejected[0]?.bytes, 5000);
  assert.equal(tail.stats().rejected, 1);
  const latin: string[] = [];
  const raw = tailFile({ path, fromStart: true, follow: false, onLine: (l) => latin.push(l), logger: capture().logger, encoding: 'latin1', maxLineBytes: 1000 });
  await raw.start();
  await raw.done;
  await raw.stop();
  assert.equal(latin[1], 'after \xff');
});

void test('rename and create: the old file is finished, the new one read from its start', async (t) => {
  const path = join(scratch(t), 'dhcpd.log');
  writeFileSync(path, numbered(0, 10));
  const { lines, tail, events } = follow(t, path);
  await tail.start();
  await waitFor('first lines', () => lines.length === 10);
  for (let round = 1; round <= 3; round++) {
    appendFileSync(path, numbered(round * 100, round * 100 + 5));
    renameSync(path, `${path}.1`);
    appendFileSync(`${path}.1`, numbered(round * 100 + 5, round * 100 + 10));
    writeFileSync(path, numbered(round * 100 + 10, round * 100 + 20));
    await waitFor(`round ${String(round)}`, () => lines.length === 10 + round * 20);
  }
  assert.deepEqual(lines, [...expected(0, 10), ...expected(100, 120), ...expected(200, 220), ...expected(300, 320)]);
  assert.equal(events.filter((e) => e.event === 'input.rotated').length, 3);
});

void test('copytruncate: lines not yet read come from the copy, then the file from 0', async (t) => {
  const path = join(scratch(t), 'dhcpd.log');
  writeFileSync(path, numbered(0, 10));
  const { lines, tail, events } = follow(t, path);
  await tail.start();
  await waitFor('first lines', () => lines.length === 10);
  // Appended, copied and truncated before the tail looks again, then refilled beyond the old size.
  appendFileSync(path, numbered(10, 15));
  copyFileSync(path, `${path}.1`);
  truncateSync(path, 0);
  appendFileSync(path, numbered(15, 40));
  await waitFor('all lines', () => lines.length >= 40);
  assert.deepEqual(lines, expected(0, 40));
  assert.ok(events.some((e) => e.event === 'input.rotated' && e.reason === 'truncated'));
});

void test('truncation without a copy restarts at 0; delete and re-create; a file that does not exist yet', async (t) => {
  const path = join(scratch(t), 'later.log');
  const { lines, tail } = follow(t, path);
  await tail.start();
  writeFileSync(path, numbered(0, 3));
  await waitFor('created file', () => lines.length === 3);
  truncateSync(path, 0);
  appendFileSync(path, numbered(3, 5));
  await waitFor('after truncation', () => lines.length === 5);
  unlinkSync(path);
  writeFileSync(path, numbered(5, 8));
  await waitFor('after re-creation', () => lines.length === 8);
  assert.deepEqual(lines, expected(0, 8));
});

void test('restart resumes at the saved position: nothing repeated, nothing skipped', async (t) => {
  const dir = scratch(t);
  const path = join(dir, 'dhcpd.log');
  const state = new StateStore(join(dir, 'state'));
  writeFileSync(path, numbered(0, 10));
  const first = follow(t, path, { positions: new PositionStore(state), fromStart: false });
  await first.tail.start();
  appendFileSync(path, numbered(10, 20) + 'partial');
  await waitFor('first run', () => first.lines.length === 10);
  await first.tail.stop();
  appendFileSync(path, ' line\n' + numbered(20, 25));
  const second = follow(t, path, { positions: new PositionStore(state), fromStart: false });
  await second.tail.start();
  await waitFor('second run', () => second.lines.length === 6);
  assert.deepEqual(first.lines, expected(10, 20));
  assert.deepEqual(second.lines, ['partial line', ...expected(20, 25)]);
  assert.ok(second.events.some((e) => e.event === 'input.opened'));
});

/** A first run that reads a fresh log's ten lines from the start, keeps its position in a state folder, and stops. */
async function stoppedAfterTenLines(t: TestContext): Promise<{ path: string; state: StateStore }> {
  const dir = scratch(t);
  const path = join(dir, 'dhcpd.log');
  const state = new StateStore(join(dir, 'state'));
  writeFileSync(path, numbered(0, 10));
  const first = follow(t, path, { positions: new PositionStore(state) });
  await first.tail.start();
  await waitFor('first run', () => first.lines.length === 10);
  await first.tail.stop();
  return { path, state };
}

void test('rotated while stopped: the rotated file is drained from the saved offset first', async (t) => {
  const { path, state } = await stoppedAfterTenLines(t);
  appendFileSync(path, numbered(10, 15));
  renameSync(path, `${path}.1`);
  renameSync(`${path}.1`, `${path}.2`); // rotated twice over: found by its inode
  writeFileSync(path, numbered(15, 20));
  const second = follow(t, path, { positions: new PositionStore(state) });
  await second.tail.start();
  await waitFor('second run', () => second.lines.length === 10);
  assert.deepEqual(second.lines, expected(10, 20));
  assert.ok(second.events.some((e) => e.event === 'input.rotated' && e.reason === 'while-stopped'));
});

void test('copytruncated while stopped: the rest comes from path.1', async (t) => {
  const { path, state } = await stoppedAfterTenLines(t);
  appendFileSync(path, numbered(10, 15));
  copyFileSync(path, `${path}.1`);
  writeFileSync(path, numbered(15, 40));
  const second = follow(t, path, { positions: new PositionStore(state) });
  await second.tail.start();
  await waitFor('second run', () => second.lines.length === 30);
  assert.deepEqual(second.lines, expected(10, 40));
});

void test('stdin: lines until end of input, the last one unterminated', async () => {
  const stream = new PassThrough();
  const lines: string[] = [];
  const source = readStdin({ onLine: (l) => lines.push(l), logger: capture().logger, stream });
  await source.start();
  stream.write('one\ntw');
  stream.write('o\nthree');
  stream.end();
  await source.done;
  await source.stop();
  assert.deepEqual(lines, ['one', 'two', 'three']);
});

void test('lines appended right after start and in quick succession arrive without waiting for the poll', async (t) => {
  const path = join(scratch(t), 'dhcpd.log');
  writeFileSync(path, '');
  // With the poll out of the way, only the change signal can deliver these.
  const { lines, tail } = follow(t, path, { fromStart: false, pollMs: 60_000 });
  await tail.start();
  appendFileSync(path, 'line 0\n');
  await waitFor('the line appended right after start', () => lines.length === 1, 2000);
  // The second append lands inside chokidar's 50 ms change throttle, which reports no trailing event.
  appendFileSync(path, 'line 1\n');
  await new Promise((r) => setTimeout(r, 15));
  appendFileSync(path, 'line 2\n');
  await waitFor('the lines of a quick burst', () => lines.length === 3, 2000);
  assert.deepEqual(lines, expected(0, 3));
});
