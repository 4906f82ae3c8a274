import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Events } from '../src/log/index.js';
import { MAX_UNKNOWN_DEVICES, readStatus, StatusBook } from '../src/onboard/index.js';
import { StateStore } from '../src/state/index.js';
import { tempDir } from './onboard-fakes.js';

// A DHCP client chooses the hostname its lease reports: a LAN host sending lease after lease under
// made-up names must not grow state/status.json without end. The newest names stay visible.
void test('status: names in no inventory are kept up to a bound, the oldest dropped; known devices always stay', async (t) => {
  const { dir, remove } = await tempDir('onramp-status-');
  t.after(remove);
  const state = new StateStore(join(dir, 'state'));
  const book = new StatusBook(state, { maxUnknown: 3 });
  await book.load();
  const at = (second: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();
  await book.record({ device: 'CORE1', site: 'hq', lastEvent: Events.checkOk, action: 'check', result: 'ok', time: at(0) });
  for (let n = 1; n <= 6; n++) {
    await book.record({ device: `made-up-${String(n)}`, lastEvent: Events.unknownDevice, action: 'report', result: 'skipped', time: at(n), ip: '10.77.0.200' });
  }
  const expected = ['CORE1', 'made-up-4', 'made-up-5', 'made-up-6'];
  assert.deepEqual(book.all().map((status) => status.device).sort(), expected);
  assert.deepEqual((await readStatus(state)).map((status) => status.device).sort(), expected, 'on disk too');
  assert.equal(MAX_UNKNOWN_DEVICES, 1000);
});
