import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprint, HostKeyStore } from '../src/device/index.js';
import { StateStore } from '../src/state/index.js';

const KEY_A = Buffer.from('key-a-blob');
const KEY_B = Buffer.from('key-b-blob');

void test('host keys: new, pinned, match, changed, accepted; pins survive a new store on the same state', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-hostkeys-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const state = new StateStore(dir);
  const store = new HostKeyStore(state);
  assert.equal(await store.check('10.0.0.1', 22, KEY_A), 'new');
  await store.pin('10.0.0.1', 22, KEY_A);
  assert.equal(await store.check('10.0.0.1', 22, KEY_A), 'match');
  assert.equal(await store.check('10.0.0.1', 22, KEY_B), 'changed');
  assert.equal(await store.check('10.0.0.1', 2222, KEY_B), 'new');
  assert.equal(await new HostKeyStore(state).check('10.0.0.1', 22, KEY_A), 'match');
  assert.equal(statSync(state.path('hostkeys.json')).mode & 0o777, 0o600);
  await store.pin('10.0.0.1', 2222, KEY_B);
  await store.pin('10.0.0.10', 22, KEY_B);
  assert.equal(await store.accept('10.0.0.1'), 2);
  assert.equal(await store.check('10.0.0.1', 22, KEY_B), 'new');
  assert.equal(await store.check('10.0.0.10', 22, KEY_B), 'match');
  const [entry] = await store.list();
  assert.equal(entry?.fingerprint, fingerprint(KEY_B));
  assert.match(fingerprint(KEY_A), /^SHA256:[A-Za-z0-9+/]+$/);
});

void test('host keys: concurrent pins are all kept', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-hostkeys-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const store = new HostKeyStore(new StateStore(dir));
  await Promise.all(Array.from({ length: 20 }, (_, i) => store.pin(`10.0.1.${i}`, 22, KEY_A)));
  assert.equal((await store.list()).length, 20);
});
