import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackupStore, GitBackupStore, type VersionStore } from '../src/backups/index.js';
import { StateStore } from '../src/state/index.js';

// The rollback of a push is kept beside the backup taken just before it, in whichever store the
// backups go to, for an operator to read (`onramp history HOST --rollback ID`) and type again.

function scratch(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-rollback-'));
  t.after(() => { rmSync(dir, { recursive: true, force: true }); });
  return dir;
}

const ROLLBACK = ['router bgp 65000', ' address-family ipv4', ' no network 10.99.1.0 mask 255.255.255.0', ' exit-address-family', ' exit', 'username admin secret 5 <removed>'];

const STORES: Record<string, (dir: string, keep: number) => VersionStore> = {
  file: (dir, keep) => new BackupStore(new StateStore(dir), keep),
  git: (dir) => new GitBackupStore(dir),
};

for (const [name, open] of Object.entries(STORES)) {
  void test(`${name} store: a rollback is kept beside its version, read back line for line, and replaced by a later push from the same version`, async (t) => {
    const store = open(scratch(t), 50);
    const version = await store.save('CORE1', 'hostname CORE1\n', Date.parse('2026-01-01T00:00:00Z'), { kind: 'remediation' });
    assert.ok(version !== undefined);
    assert.equal(await store.readRollback('CORE1', version.id), undefined, 'none until a push keeps one');
    await store.saveRollback('CORE1', version.id, ROLLBACK);
    assert.deepEqual(await store.readRollback('CORE1', version.id), ROLLBACK);
    await store.saveRollback('CORE1', version.id, ['no snmp-server contact noc']);
    assert.deepEqual(await store.readRollback('CORE1', version.id), ['no snmp-server contact noc']);
    assert.deepEqual(await store.readRollback('CORE2', version.id), undefined, 'another device has none');
  });

  void test(`${name} store: a rollback needs a version of that device to stand beside; odd names read nothing`, async (t) => {
    const store = open(scratch(t), 50);
    await assert.rejects(store.saveRollback('CORE1', '20260101T000000Z', ROLLBACK), /CORE1 has no backup version 20260101T000000Z/);
    assert.equal(await store.readRollback('CORE1', '../../etc/passwd'), undefined);
    await assert.rejects(store.saveRollback('../x', 'abc1234', ROLLBACK));
  });
}

void test('file store: a pruned version takes its rollback with it', async (t) => {
  const dir = scratch(t);
  const store = new BackupStore(new StateStore(dir), 2);
  const first = await store.save('CORE1', 'hostname CORE1\n! 1\n', Date.parse('2026-01-01T00:00:00Z'));
  assert.ok(first !== undefined);
  await store.saveRollback('CORE1', first.id, ROLLBACK);
  await store.save('CORE1', 'hostname CORE1\n! 2\n', Date.parse('2026-01-02T00:00:00Z'));
  await store.save('CORE1', 'hostname CORE1\n! 3\n', Date.parse('2026-01-03T00:00:00Z'));
  assert.equal(await store.readRollback('CORE1', first.id), undefined);
  assert.deepEqual(readdirSync(join(dir, 'backups', 'CORE1')).filter((file) => file.startsWith(first.id)), []);
});
