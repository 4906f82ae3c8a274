import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReloadableSink, type ClosableSink } from '../src/agent/reloadable-sink.js';
import { LeaseTimes } from '../src/agent/lease-log.js';
import type { LeaseDetails } from '../src/engine/index.js';

class FakeOnboarder implements ClosableSink {
  readonly calls: string[] = [];
  closed = false;
  private finish: (() => void) | undefined;
  private readonly work: Promise<void>;

  constructor(busy = false) {
    this.work = busy ? new Promise((resolve) => (this.finish = resolve)) : Promise.resolve();
  }

  onboard(ip: string, mac: string, hostname: string, lease?: LeaseDetails): void {
    this.calls.push(`onboard ${ip} ${mac} ${hostname}${lease === undefined ? '' : ` ${JSON.stringify(lease)}`}`);
  }
  check(host: string): void {
    this.calls.push(`check ${host}`);
  }
  provision(ip: string, name: string): void {
    this.calls.push(`provision ${ip} ${name}`);
  }
  backup(host: string): void {
    this.calls.push(`backup ${host}`);
  }
  /** Device work in flight ends here. */
  finishWork(): void {
    this.finish?.();
  }
  async stop(): Promise<void> {
    await this.work;
  }
  async close(): Promise<void> {
    await this.work;
    this.closed = true;
  }
}

void test('a reload lets the old onboarder finish first; actions fired meanwhile go, in order, to the new one', async () => {
  const old = new FakeOnboarder(true);
  const fresh = new FakeOnboarder();
  const sink = new ReloadableSink<FakeOnboarder>(old);
  sink.onboard('10.0.0.1', 'aa:aa:aa:aa:aa:01', 'SW1');
  assert.deepEqual(old.calls, ['onboard 10.0.0.1 aa:aa:aa:aa:aa:01 SW1']);

  let createdAfterClose: boolean | undefined;
  const replacing = sink.replace(() => {
    createdAfterClose = old.closed;
    return Promise.resolve(fresh);
  });
  sink.check('SW2');
  sink.backup('SW3');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(old.calls.length, 1, 'the old onboarder gets nothing new while it finishes');
  assert.deepEqual(fresh.calls, [], 'the new one does not exist yet');
  assert.equal(sink.onboarder, old);

  old.finishWork();
  await replacing;
  assert.equal(createdAfterClose, true, 'the two never run side by side');
  assert.deepEqual(fresh.calls, ['check SW2', 'backup SW3']);
  sink.provision('10.0.0.4', 'SW4');
  assert.deepEqual(fresh.calls, ['check SW2', 'backup SW3', 'provision 10.0.0.4 SW4']);
  assert.equal(sink.onboarder, fresh);
});

void test('rules without native actions after a reload: no onboarder, and a failed creation does not keep actions held', async () => {
  const old = new FakeOnboarder();
  const sink = new ReloadableSink<FakeOnboarder>(old);
  await sink.replace(() => Promise.resolve(undefined));
  assert.equal(old.closed, true);
  assert.equal(sink.onboarder, undefined);
  sink.check('SW1');
  assert.deepEqual(old.calls, []);

  await assert.rejects(sink.replace(() => Promise.reject(new Error('site.yaml:3: broken'))), /broken/);
  const next = new FakeOnboarder();
  await sink.replace(() => Promise.resolve(next));
  sink.check('SW2');
  assert.deepEqual(next.calls, ['check SW2'], 'the sink forwards again after a failed replacement');
});

void test('option 82 ids and the lease line\'s time reach the onboarder through the reloadable sink', () => {
  const onboarder = new FakeOnboarder();
  const times = new LeaseTimes(new ReloadableSink<FakeOnboarder>(onboarder));
  const time = new Date('2026-12-02T20:00:00Z');
  times.during({ server: 'isc', ip: '10.0.0.9', mac: 'aa:aa:aa:aa:aa:09', time }, () => {
    times.onboard('10.0.0.9', 'AA:AA:AA:AA:AA:09', 'Switch', { circuitId: 'ge-0/0/9' });
    // Another lease fired from this line (a rule's own fields) is not given this line's time.
    times.onboard('10.0.0.8', 'aa:aa:aa:aa:aa:08', 'Switch');
  });
  times.onboard('10.0.0.9', 'aa:aa:aa:aa:aa:09', 'Switch');
  assert.deepEqual(onboarder.calls, [
    `onboard 10.0.0.9 AA:AA:AA:AA:AA:09 Switch {"circuitId":"ge-0/0/9","leaseTime":${String(time.getTime())}}`,
    'onboard 10.0.0.8 aa:aa:aa:aa:aa:08 Switch',
    'onboard 10.0.0.9 aa:aa:aa:aa:aa:09 Switch',
  ]);
});
