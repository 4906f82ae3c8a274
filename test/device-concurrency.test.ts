import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, KeyedLock, limit, withRetries } from '../src/device/index.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

void test('limit(n) runs at most n works at once, in arrival order, and survives failures', async () => {
  const run = limit(2);
  let active = 0;
  let peak = 0;
  const order: number[] = [];
  const gates = Array.from({ length: 5 }, () => deferred());
  const works = gates.map((gate, i) =>
    run(async () => {
      active++;
      peak = Math.max(peak, active);
      order.push(i);
      await gate.promise;
      active--;
      if (i === 1) throw new Error('boom');
      return i;
    }),
  );
  assert.equal(run.active, 2);
  assert.equal(run.pending, 3);
  for (const gate of gates) gate.resolve();
  const results = await Promise.allSettled(works);
  assert.equal(peak, 2);
  assert.deepEqual(order, [0, 1, 2, 3, 4]);
  assert.equal(results[1]?.status, 'rejected');
  assert.deepEqual(results.filter((r) => r.status === 'fulfilled').map((r) => r.value), [0, 2, 3, 4]);
  assert.equal(run.active, 0);
  assert.throws(() => limit(0), RangeError);
});

void test('KeyedLock: same key one at a time, other keys in parallel', async () => {
  const lock = new KeyedLock();
  const log: string[] = [];
  const gate = deferred();
  const a1 = lock.run('sw1', async () => {
    log.push('a1 start');
    await gate.promise;
    log.push('a1 end');
  });
  const a2 = lock.run('sw1', () => {
    log.push('a2');
    return Promise.resolve();
  });
  const b = lock.run('sw2', () => {
    log.push('b');
    return Promise.resolve();
  });
  await b;
  assert.ok(lock.isLocked('sw1'));
  assert.deepEqual(log, ['a1 start', 'b']);
  gate.resolve();
  await Promise.all([a1, a2]);
  assert.deepEqual(log, ['a1 start', 'b', 'a1 end', 'a2']);
  assert.ok(!lock.isLocked('sw1'));
  await assert.rejects(lock.run('sw1', () => Promise.reject(new Error('x'))));
  assert.ok(!lock.isLocked('sw1'));
});

void test('backoff grows exponentially within [half, full] of base·2ⁿ and is capped', () => {
  const low = { baseMs: 100, maxMs: 1000, random: () => 0 };
  const high = { baseMs: 100, maxMs: 1000, random: () => 1 };
  assert.deepEqual([0, 1, 2, 3, 4].map((n) => backoffDelay(n, low)), [50, 100, 200, 400, 500]);
  assert.deepEqual([0, 1, 2, 3, 4].map((n) => backoffDelay(n, high)), [100, 200, 400, 800, 1000]);
});

void test('withRetries retries only retryable errors, at most `retries` times', async () => {
  let calls = 0;
  await assert.rejects(
    withRetries(() => {
      calls++;
      return Promise.reject(new Error('flaky'));
    }, { retries: 2, backoff: { baseMs: 1, maxMs: 2 }, retryable: () => true }),
    /flaky/,
  );
  assert.equal(calls, 3);
  calls = 0;
  await assert.rejects(
    withRetries(() => {
      calls++;
      return Promise.reject(new Error('fatal'));
    }, { retries: 5, backoff: { baseMs: 1, maxMs: 2 }, retryable: () => false }),
  );
  assert.equal(calls, 1);
  calls = 0;
  const value = await withRetries(() => (++calls < 3 ? Promise.reject(new Error('again')) : Promise.resolve('ok')), {
    retries: 5, backoff: { baseMs: 1, maxMs: 2 }, retryable: () => true,
  });
  assert.equal(value, 'ok');
});
