import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReloadableSink, type ClosableSink } from '../src/agent/reloadable-sink.js';

class FakeOnboarder implements ClosableSink {
  readonly calls: string[] = [];
  closed = false;
  private finish: (() => void) | undefined;
  private readonly work: Promise<void>;

  constructor(busy = false) {
    this.work = busy ? new Promise((resolve) => (this.finish = resolve)) : Promise.resolve();
  }

  onboard(ip: string, mac: string, hostname: string): void {
    this.calls.push(`onboard ${ip} ${mac} ${hostname}`);
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
