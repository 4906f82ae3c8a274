import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostkeysCommand } from '../src/device/commands.js';
import { HostKeyStore } from '../src/device/index.js';
import { StateStore } from '../src/state/index.js';

void test('onramp hostkeys list / accept / forget', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-hostkeys-cmd-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const store = new HostKeyStore(new StateStore(dir));
  await store.pin('127.77.0.5', 2222, Buffer.from('k1'));
  await store.pin('127.77.0.6', 22, Buffer.from('k2'));
  let out = '';
  let err = '';
  const io = { out: (s: string) => { out += s; }, err: (s: string) => { err += s; } };
  assert.equal(await hostkeysCommand('list', undefined, { state: dir }, io), 0);
  assert.match(out, /^127\.77\.0\.5:2222 {2}SHA256:\S+ {2}pinned \S+\n127\.77\.0\.6:22 /);
  assert.equal(await hostkeysCommand('accept', '127.77.0.5', { state: dir }, io), 0);
  assert.match(out, /forgot 1 pinned key\(s\) for 127\.77\.0\.5;/);
  assert.equal(await store.check('127.77.0.5', 2222, Buffer.from('other')), 'new');
  assert.equal(await hostkeysCommand('forget', '127.77.0.6:22', { state: dir }, io), 0);
  assert.equal(await hostkeysCommand('accept', '127.77.0.6', { state: dir }, io), 2);
  assert.match(err, /no pinned key for 127\.77\.0\.6/);
  assert.equal(await hostkeysCommand('accept', '../etc/passwd', { state: dir }, io), 2);
  assert.equal(await hostkeysCommand('accept', 'h:70000', { state: dir }, io), 2);
  assert.equal(await hostkeysCommand('rotate', 'h', { state: dir }, io), 2);
  assert.match(err, /unknown action "rotate"/);
});
