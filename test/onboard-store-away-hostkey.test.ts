import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab } from '../src/lab/index.js';
import { Events } from '../src/log/index.js';
import { createOnboarder, type ClaimedJob, type JobClaims } from '../src/onboard/index.js';
import { isUnreachable } from '../src/postgres/index.js';
import { StateStore, type Book, type BookEdit, type SharedStore } from '../src/state/index.js';
import { memoryLogger, tempDir } from './onboard-fakes.js';
import { writeLabSite } from './support/lab-site.js';

// A shared database that goes away between a job's start and the SSH handshake's host-key check (which reads
// the pins there): the job is deferred, to be done again once the store is back, and is no failure of the
// switch. The pin store's error was taken for a protocol fault of the device and logged as device.check.failed.
const PASSWORD = 'store-away-pw';
process.env.ONRAMP_HQ_PASSWORD = PASSWORD;
const ROOT = join(import.meta.dirname, '..');
const DEVICE = 'FS-S5850-AWAY1';

function refused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', errno: -111, syscall: 'connect' });
}

/** The state directory as a shared store whose host-key book cannot be reached while `away`. */
class HostKeysAway implements SharedStore {
  away = true;
  readonly url = 'postgres://onramp@db.invalid/onramp';
  constructor(private readonly inner: StateStore) {}
  get root(): string {
    return this.inner.root;
  }
  where<T>(book: Book<T>): string {
    return this.inner.where(book);
  }
  get<T>(book: Book<T>, key: string): Promise<T | undefined> {
    return this.reach(book.name, () => this.inner.get(book, key));
  }
  all<T>(book: Book<T>): Promise<Record<string, T>> {
    return this.reach(book.name, () => this.inner.all(book));
  }
  edit<T, R>(book: Book<T>, work: (edit: BookEdit<T>) => Promise<R> | R): Promise<R> {
    return this.reach(book.name, () => this.inner.edit(book, work));
  }
  private reach<R>(book: string, read: () => Promise<R>): Promise<R> {
    return this.away && book === 'hostkeys' ? Promise.reject(refused()) : read();
  }
}

/** A queue that grants every claim, and cannot be reached (alive) while the store is away. */
function claimsOf(store: HostKeysAway): JobClaims {
  return {
    sweepEveryMs: 60_000,
    claim: (work) => Promise.resolve({ id: '1', work, done: () => Promise.resolve(), release: () => Promise.resolve() } satisfies ClaimedJob),
    takeOver: () => Promise.resolve([]),
    unfinished: () => Promise.resolve([]),
    alive: () => (store.away ? Promise.reject(refused()) : Promise.resolve()),
    unreachable: isUnreachable,
  };
}

void test('the shared store away during the host-key check: the check is deferred, not failed', async (t) => {
  const { dir, remove } = await tempDir('onramp-store-away-');
  t.after(remove);
  const lab = await Lab.start({
    keyDir: join(dir, 'keys'),
    switches: [{ hostname: DEVICE, personality: 'fs-s5850', mac: '02:aa:00:00:00:01', username: 'admin', password: PASSWORD, runningConfig: readFileSync(join(ROOT, 'baselines/hq/FS-S5850-CORE1.cfg'), 'utf8').replaceAll('FS-S5850-CORE1', DEVICE) }],
  });
  t.after(() => lab.stop());
  const sw = lab.get(DEVICE);
  const sitesDir = await writeLabSite(dir, lab, { [DEVICE]: sw.runningConfig() });
  const state = new StateStore(join(dir, 'state'));
  const store = new HostKeysAway(state);
  const { logger, records } = memoryLogger();
  const onboarder = await createOnboarder({ sitesDir, templatesDir: join(ROOT, 'templates'), state, store, claims: claimsOf(store), logger });
  t.after(() => onboarder.close());

  await onboarder.checkHost(DEVICE);
  const failed = records.filter((record) => record.event === Events.checkFailed);
  assert.deepEqual(failed.map((record) => record.msg), [], 'no failure of the switch');
  const deferred = records.find((record) => record.event === Events.jobDeferred);
  assert.equal(deferred?.kind, 'store-unreachable', 'deferred until the store is back');
  assert.equal(sw.logins(), 0, 'no password offered: the key was never accepted');
  assert.ok(records.some((record) => record.event === Events.storeUnreachable), 'the outage is noticed');
});
