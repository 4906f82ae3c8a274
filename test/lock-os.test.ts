import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describeHolder, lock, LockAbortedError, LockBusyError, tryLock } from '../src/lock/index.js';
import { ROOT } from './agent-cli.js';

// Keys of their own per run, so that tests running side by side never meet.
const key = (name: string): string => `${name}-${String(process.pid)}-${String(Date.now())}`;

void test('a lock is held once; the second asker learns who holds it and for what, and takes it once let go', async () => {
  const k = key('one');
  const first = await tryLock('test', k, 'check FS-S5850-CORE1');
  assert.ok('release' in first);
  const second = await tryLock('test', k, 'backup FS-S5850-CORE1');
  assert.ok('holder' in second);
  assert.deepEqual([second.holder?.pid, second.holder?.what], [process.pid, 'check FS-S5850-CORE1']);
  await assert.rejects(lock('test', k, 'backup', { waitMs: 0 }), (err: unknown) =>
    err instanceof LockBusyError && /held by onramp \S+ \(pid \d+\), check FS-S5850-CORE1 since /.test(err.message));
  await first.release();
  const third = await tryLock('test', k, 'backup');
  assert.ok('release' in third);
  await third.release();
});

void test('a waiter is woken by the release, not by a clock; a stop ends its wait', async () => {
  const k = key('wait');
  const held = await tryLock('test', k, 'push');
  assert.ok('release' in held);
  const busy: unknown[] = [];
  let toldBusy: () => void = () => undefined;
  const told = new Promise<void>((resolve) => { toldBusy = resolve; });
  const waiting = lock('test', k, 'check', { waitMs: 30_000, onBusy: (holder) => { busy.push(holder?.what); toldBusy(); } });
  await told;
  const started = Date.now();
  await held.release();
  const taken = await waiting;
  assert.ok(Date.now() - started < 5000, 'taken as soon as the holder let go');
  assert.deepEqual(busy, ['push']);
  const stop = new AbortController();
  const stopped = lock('test', k, 'backup', { waitMs: 30_000, signal: stop.signal });
  stop.abort();
  await assert.rejects(stopped, LockAbortedError);
  await taken.release();
});

void test('a lock dies with its holder: a process killed outright frees it at once', async () => {
  const k = key('kill');
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', `
    const { tryLock } = await import(${JSON.stringify(join(ROOT, 'src/lock/index.ts'))});
    const held = await tryLock('test', ${JSON.stringify(k)}, 'provision ACC1');
    process.stdout.write('release' in held ? 'held\\n' : 'busy\\n');
    setInterval(() => undefined, 1000);
  `], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ONRAMP_AGENT: 'dhcp1' } });
  const [first] = (await once(child.stdout, 'data')) as [Buffer];
  assert.equal(first.toString(), 'held\n');
  const seen = await tryLock('test', k, 'check');
  assert.ok('holder' in seen);
  assert.deepEqual([seen.holder?.pid, seen.holder?.agent, seen.holder?.what], [child.pid, 'dhcp1', 'provision ACC1']);
  const waiting = lock('test', k, 'check', { waitMs: 30_000 });
  child.kill('SIGKILL');
  const taken = await waiting;
  await taken.release();
});

void test('a process squatting on a lock name that does not answer is named as not onramp, within a bound', async () => {
  const k = key('squat');
  // The name as os-lock.ts makes it: a local process can work it out, and take it first.
  const squatter = createServer(() => undefined).listen(`\0onramp/test/${createHash('sha256').update(k).digest('hex').slice(0, 40)}`);
  await once(squatter, 'listening');
  const seen = await tryLock('test', k, 'check');
  assert.ok('holder' in seen);
  assert.equal(describeHolder(seen.holder), 'a process that is not onramp');
  await new Promise((resolve) => squatter.close(resolve));
  const taken = await tryLock('test', k, 'check');
  assert.ok('release' in taken);
  await taken.release();
});
