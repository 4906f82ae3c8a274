import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FleetQueue, type ClaimedJob, type JobClaims } from '../src/onboard/fleet-queue.js';
import { HELD_FILE, HeldJobs } from '../src/onboard/held-jobs.js';
import type { QueuedWork } from '../src/onboard/work-queue.js';
import { StateStore } from '../src/state/index.js';
import { waitFor } from './agent-cli.js';
import { memoryLogger } from './onboard-fakes.js';

// An appliance claims a job only when it has room to run it (issue 19): work beyond its capacity waits
// unclaimed, so that a peer with room claims it first, and the fleet's work is shared by what each appliance can
// take, not by which appliance reads its log first.

/** A shared queue in memory: claims are granted unless another appliance (`taken`) has the work. */
class MemoryClaims implements JobClaims {
  readonly asked: string[] = [];
  readonly taken = new Set<string>();
  readonly sweepEveryMs = 60_000;

  claim(work: QueuedWork): Promise<ClaimedJob | undefined> {
    const device = work.kind === 'provision' ? work.name : work.kind === 'factory' ? work.mac : work.device;
    this.asked.push(device);
    if (this.taken.has(device)) return Promise.resolve(undefined);
    return Promise.resolve({ id: device, work, done: () => Promise.resolve(), release: () => Promise.resolve() });
  }

  takeOver(): Promise<ClaimedJob[]> {
    return Promise.resolve([]);
  }

  unfinished(): Promise<ClaimedJob[]> {
    return Promise.resolve([]);
  }

  alive(): Promise<void> {
    return Promise.resolve();
  }

  unreachable(): boolean {
    return false;
  }
}

function check(n: number): QueuedWork {
  return { kind: 'check', device: `SW${String(n)}`, ip: `10.0.0.${String(n)}`, mac: `02:00:00:00:00:${String(n).padStart(2, '0')}` };
}

void test('jobs are claimed as room frees up, in the order they came; work a peer claimed meanwhile is not run', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-fleet-queue-'));
  t.after(() => { rmSync(dir, { recursive: true, force: true }); });
  const { logger } = memoryLogger();
  const claims = new MemoryClaims();
  const queue = new FleetQueue(claims, new HeldJobs(new StateStore(dir), logger), logger, Date.now, 2);
  queue.begin(() => undefined, () => Promise.resolve());
  const started: QueuedWork[] = [];
  const works = [1, 2, 3, 4, 5].map(check);
  for (const work of works) queue.claim(work, () => { started.push(work); });
  await waitFor('two claims', () => started.length === 2, 2000);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(claims.asked, ['SW1', 'SW2'], 'no more claimed than it has room for');

  // While SW3 waited here, a peer with room claimed it.
  claims.taken.add('SW3');
  await queue.end(works[0] ?? assert.fail(), 'ok');
  await waitFor('the next claims', () => started.length === 3, 2000);
  assert.deepEqual(claims.asked, ['SW1', 'SW2', 'SW3', 'SW4'], 'SW3 found taken, so SW4 was claimed in its place');
  assert.deepEqual(started.map((work) => work.kind === 'check' && work.device), ['SW1', 'SW2', 'SW4']);

  // A stop: what still waits for room (SW5) is held on disk for the next start, and not claimed.
  await queue.stop();
  assert.deepEqual(claims.asked, ['SW1', 'SW2', 'SW3', 'SW4']);
  const held = readFileSync(join(dir, HELD_FILE), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { work: QueuedWork });
  assert.deepEqual(held.map((job) => job.work), [check(5)]);
});
