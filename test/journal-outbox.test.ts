import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HELD_EVENTS_FILE, type JournalEntry, type SharedTimeline, type TimelineRow } from '../src/journal/index.js';
import { TimelineOutbox } from '../src/journal/outbox.js';
import { StateStore } from '../src/state/index.js';
import { waitFor } from './agent-cli.js';
import { memoryLogger } from './onboard-fakes.js';

// The journal's entries reach the shared timeline in the order they were logged; while the store cannot take
// them they are held on disk, and once it can, the held ones go first, none twice (issue 19).

/** A timeline in memory that refuses to record while `down`, or after `failAfter` more batches. */
class FlakyTimeline implements SharedTimeline {
  readonly recorded: JournalEntry[] = [];
  down = false;
  failAfter = Infinity;

  record(entries: readonly JournalEntry[]): Promise<void> {
    if (this.down || this.failAfter <= 0) return Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    this.failAfter--;
    this.recorded.push(...entries);
    return Promise.resolve();
  }

  newest(): Promise<TimelineRow[]> {
    return Promise.resolve([]);
  }

  after(): Promise<TimelineRow[]> {
    return Promise.resolve([]);
  }

  lastDrifts(): Promise<JournalEntry[]> {
    return Promise.resolve([]);
  }
}

function entries(from: number, count: number): JournalEntry[] {
  return Array.from({ length: count }, (_, n) => ({ time: from + n, event: 'device.check.ok', level: 30, device: `SW${String(from + n)}` }));
}

function setUp(): { state: StateStore; dir: string } & ReturnType<typeof memoryLogger> {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-outbox-'));
  return { state: new StateStore(dir), dir, ...memoryLogger() };
}

void test('entries held while the store is away go first once it is back, in order, none twice', async (t) => {
  const { state, dir, logger } = setUp();
  t.after(() => { rmSync(dir, { recursive: true, force: true }); });
  const timeline = new FlakyTimeline();
  const outbox = new TimelineOutbox(timeline, state, logger);
  outbox.send(entries(0, 3));
  await waitFor('the first burst', () => timeline.recorded.length === 3, 2000);

  timeline.down = true;
  outbox.send(entries(3, 4));
  await waitFor('the burst held on disk', () => existsSync(join(dir, HELD_EVENTS_FILE)), 2000);
  outbox.send(entries(7, 2));
  await waitFor('the next burst held behind it', () => readFileSync(join(dir, HELD_EVENTS_FILE), 'utf8').trim().split('\n').length === 6, 2000);
  assert.equal(timeline.recorded.length, 3, 'nothing recorded while it is away');

  timeline.down = false;
  outbox.send(entries(9, 1));
  await waitFor('the held entries, then the new', () => timeline.recorded.length >= 10 && !existsSync(join(dir, HELD_EVENTS_FILE)), 5000);
  await outbox.close();
  assert.deepEqual(timeline.recorded.map((entry) => entry.time), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'in order, each once');
});

void test('a store that fails in the middle of the held entries gets each of them once', async (t) => {
  const { state, dir, logger } = setUp();
  t.after(() => { rmSync(dir, { recursive: true, force: true }); });
  const timeline = new FlakyTimeline();
  timeline.down = true;
  const outbox = new TimelineOutbox(timeline, state, logger);
  // 1,200 entries held: three batches of at most 500 when they are delivered.
  outbox.send(entries(0, 1200));
  await waitFor('all held', () => existsSync(join(dir, HELD_EVENTS_FILE)) && readFileSync(join(dir, HELD_EVENTS_FILE), 'utf8').split('\n').length === 1201, 2000);
  timeline.down = false;
  timeline.failAfter = 1;
  await waitFor('the first batch, then a failure', () => timeline.recorded.length === 500, 5000);
  await waitFor('the rest written back', () => readFileSync(join(dir, HELD_EVENTS_FILE), 'utf8').split('\n').length === 701, 5000);
  timeline.failAfter = Infinity;
  await waitFor('the rest, after a retry', () => timeline.recorded.length === 1200, 10_000);
  assert.deepEqual(timeline.recorded.map((entry) => entry.time), Array.from({ length: 1200 }, (_, n) => n), 'each once, in order');
  await outbox.close();
});

void test('entries held by a run that stopped during an outage are recorded by the next run, before its own', async (t) => {
  const { state, dir, logger, text } = setUp();
  t.after(() => { rmSync(dir, { recursive: true, force: true }); });
  const timeline = new FlakyTimeline();
  timeline.down = true;
  const first = new TimelineOutbox(timeline, state, logger);
  first.send(entries(0, 5));
  // A stop while the store is away: what is waiting is held, nothing is lost.
  await first.close();
  assert.equal(readFileSync(join(dir, HELD_EVENTS_FILE), 'utf8').trim().split('\n').length, 5);

  timeline.down = false;
  const next = new TimelineOutbox(timeline, state, logger);
  next.send(entries(5, 2));
  await waitFor('the held entries and the new', () => timeline.recorded.length === 7, 5000);
  assert.deepEqual(timeline.recorded.map((entry) => entry.time), [0, 1, 2, 3, 4, 5, 6]);
  await next.close();
  assert.ok(text().includes(`held in ${join(dir, HELD_EVENTS_FILE)}`), 'the hold is logged, with the file');
  assert.doesNotMatch(text(), /"event":/, 'with no event field: the journal does not hear about itself');
});
