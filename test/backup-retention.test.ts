import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BackupStore } from '../src/onboard/index.js';
import { StateStore } from '../src/state/index.js';
import { tempDir } from './onboard-fakes.js';

void test('backup retention: versions beyond keep are pruned oldest first; the rest still read and diff', async (t) => {
  const { dir, remove } = await tempDir('onramp-backup-retention-');
  t.after(remove);
  const state = new StateStore(join(dir, 'state'));
  const backups = new BackupStore(state, 3);
  const at = Date.parse('2026-11-23T10:00:00Z');
  const ids: string[] = [];
  for (let n = 1; n <= 5; n++) {
    const version = await backups.save('CORE1', `hostname CORE1\nsnmp-server location room-${String(n)}\n`, at + n * 1000);
    assert.ok(version !== undefined);
    ids.push(version.id);
  }
  assert.deepEqual((await backups.list('CORE1')).map((version) => version.id), ids.slice(2));
  assert.equal(await backups.read('CORE1', ids[0] ?? ''), undefined, 'the oldest file is gone');
  assert.equal(await backups.read('CORE1', ids[1] ?? ''), undefined);
  assert.equal(await backups.read('CORE1', ids[4] ?? ''), 'hostname CORE1\nsnmp-server location room-5\n');
  assert.throws(() => new BackupStore(state, 0), /backups.keep must be a positive integer/);
});
