import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BackupStore } from '../src/onboard/index.js';
import { StateStore } from '../src/state/index.js';
import { tempDir } from './onboard-fakes.js';

void test('a backup is stored only when the config changed since the last one', async (t) => {
  const { dir, remove } = await tempDir('onramp-backups-');
  t.after(remove);
  const backups = new BackupStore(new StateStore(join(dir, 'state')));
  const at = Date.parse('2026-11-23T10:00:00Z');
  const first = await backups.save('CORE1', 'hostname CORE1\n', at);
  assert.equal(first?.id, '20261123T100000Z');
  assert.equal(await backups.save('CORE1', 'hostname CORE1\n', at + 1000), undefined);
  const second = await backups.save('CORE1', 'hostname CORE1\nsnmp-server location x\n', at);
  assert.equal(second?.id, '20261123T100000Z-2');
  assert.deepEqual((await backups.list('CORE1')).map((version) => version.id), ['20261123T100000Z', '20261123T100000Z-2']);
  assert.equal(await backups.read('CORE1', '20261123T100000Z'), 'hostname CORE1\n');
  await assert.rejects(backups.save('../etc', 'x', at), /unsafe name/);
});
