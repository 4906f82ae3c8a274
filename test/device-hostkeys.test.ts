import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { fingerprint, HostKeyStore, type HostKeyOwner } from '../src/device/index.js';
import { StateStore } from '../src/state/index.js';
import { tempDir } from './onboard-fakes.js';

const KEY_A = Buffer.from('key-a-blob');
const KEY_B = Buffer.from('key-b-blob');
const CORE1: HostKeyOwner = { kind: 'device', name: 'FS-S5850-CORE1' };

async function store(t: { after: (fn: () => Promise<void>) => void }): Promise<{ store: HostKeyStore; state: StateStore }> {
  const { dir, remove } = await tempDir('onramp-hostkeys-');
  t.after(remove);
  const state = new StateStore(dir);
  return { store: new HostKeyStore(state), state };
}

const at = (host: string, key: Buffer, tofuOnMove = false): { host: string; port: number; key: Buffer; tofuOnMove: boolean } => ({ host, port: 22, key, tofuOnMove });

void test('host keys are the device\'s, not the address\'s: kept on a new address, refused when different anywhere', async (t) => {
  const { store: keys, state } = await store(t);
  assert.deepEqual(await keys.verify({ owner: CORE1, ...at('10.0.0.1', KEY_A) }), { kind: 'pinned', source: 'first-use', fingerprint: fingerprint(KEY_A) });
  assert.deepEqual(await keys.verify({ owner: CORE1, ...at('10.0.0.1', KEY_A) }), { kind: 'match' });
  assert.deepEqual(await keys.verify({ owner: CORE1, ...at('10.0.0.50', KEY_A) }), { kind: 'match' }, 'same key on a new address');
  const refused = await keys.verify({ owner: CORE1, ...at('10.0.0.50', KEY_B) });
  assert.deepEqual(refused, {
    kind: 'refused', fingerprint: fingerprint(KEY_B), pinned: fingerprint(KEY_A), acceptCommand: `onramp hostkeys accept FS-S5850-CORE1 --fingerprint ${fingerprint(KEY_B)} --state ${state.root}`,
  });
  // Another device on CORE1's old address is a different identity: its own first key.
  assert.equal((await keys.verify({ owner: { kind: 'device', name: 'FS-S5850-SRV' }, ...at('10.0.0.1', KEY_B) })).kind, 'pinned');
  assert.equal(await new HostKeyStore(state).pinned({ kind: 'device', name: 'fs-s5850-core1' }), fingerprint(KEY_A), 'names match case-insensitively');
  assert.equal(statSync(state.path('hostkeys.json')).mode & 0o777, 0o600);
});

void test('accept --fingerprint pins exactly that key: any other is refused, the named one matches', async (t) => {
  const { store: keys } = await store(t);
  await keys.verify({ owner: CORE1, ...at('10.0.0.1', KEY_A) });
  await keys.accept(CORE1, fingerprint(KEY_B));
  assert.equal((await keys.verify({ owner: CORE1, ...at('10.0.0.1', KEY_A) })).kind, 'refused', 'the old key is no longer it');
  assert.equal((await keys.verify({ owner: CORE1, ...at('10.0.0.1', Buffer.from('a third')) })).kind, 'refused');
  assert.equal((await keys.verify({ owner: CORE1, ...at('10.0.0.9', Buffer.from('a third'), true) })).kind, 'refused', 'not replaced on a move before it is seen');
  assert.deepEqual(await keys.verify({ owner: CORE1, ...at('10.0.0.1', KEY_B) }), { kind: 'match' });
  await assert.rejects(keys.accept(CORE1, 'SHA256:short'), /not a SHA256 fingerprint/);
});

void test('tofu-on-move: a new key is pinned where the device moved to, still refused where it was verified', async (t) => {
  const { store: keys } = await store(t);
  await keys.verify({ owner: CORE1, ...at('10.0.0.1', KEY_A) });
  assert.equal((await keys.verify({ owner: CORE1, ...at('10.0.0.1', KEY_B, true) })).kind, 'refused');
  assert.deepEqual(await keys.verify({ owner: CORE1, ...at('10.0.0.50', KEY_B, true) }), { kind: 'pinned', source: 'moved', fingerprint: fingerprint(KEY_B) });
  assert.deepEqual(await keys.verify({ owner: CORE1, ...at('10.0.0.50', KEY_B) }), { kind: 'match' });
});

void test('factory pins are per MAC and become the device\'s once provisioned', async (t) => {
  const { store: keys } = await store(t);
  const factory: HostKeyOwner = { kind: 'factory', mac: 'be:b5:de:01:12:a1' };
  assert.equal((await keys.verify({ owner: factory, ...at('10.0.0.162', KEY_A) })).kind, 'pinned');
  assert.equal((await keys.verify({ owner: factory, ...at('10.0.0.162', KEY_B) })).kind, 'refused');
  await keys.transfer('be:b5:de:01:12:a1', 'FS-S3900-ACC2');
  assert.deepEqual(await keys.verify({ owner: { kind: 'device', name: 'FS-S3900-ACC2' }, ...at('10.0.0.162', KEY_A) }), { kind: 'match' });
  assert.equal(await keys.pinned(factory), undefined);
  assert.deepEqual((await keys.list()).map((pin) => [pin.owner, pin.source]), [['FS-S3900-ACC2', 'provisioned']]);
});

void test('pins of the old address layout: adopted by the first device whose key matches, refuse a different key, ignored by factory switches', async (t) => {
  const { store: keys, state } = await store(t);
  writeFileSync(state.path('hostkeys.json'), JSON.stringify({
    '10.0.0.1:22': { key: KEY_A.toString('base64'), fingerprint: fingerprint(KEY_A), pinnedAt: '2026-01-01T00:00:00.000Z' },
    '10.0.0.2:22': { key: KEY_A.toString('base64'), fingerprint: fingerprint(KEY_A), pinnedAt: '2026-01-01T00:00:00.000Z' },
    '10.0.0.3:22': { key: KEY_A.toString('base64'), fingerprint: fingerprint(KEY_A), pinnedAt: '2026-01-01T00:00:00.000Z' },
  }));
  assert.deepEqual((await keys.list()).map((pin) => pin.owner).sort(), ['address 10.0.0.1:22', 'address 10.0.0.2:22', 'address 10.0.0.3:22']);
  assert.equal((await keys.verify({ owner: CORE1, ...at('10.0.0.1', KEY_A) })).kind, 'pinned');
  assert.equal((await keys.verify({ owner: { kind: 'device', name: 'FS-S5850-SRV' }, ...at('10.0.0.2', KEY_B) })).kind, 'refused');
  assert.equal((await keys.verify({ owner: { kind: 'factory', mac: 'be:b5:de:01:12:a1' }, ...at('10.0.0.3', KEY_B) })).kind, 'pinned');
  const listed = await keys.list();
  assert.deepEqual(listed.map((pin) => [pin.owner, pin.source]).sort(), [
    ['FS-S5850-CORE1', 'migrated'], ['address 10.0.0.2:22', 'address'], ['address 10.0.0.3:22', 'address'], ['factory be:b5:de:01:12:a1', 'first-use'],
  ]);
  assert.equal(await keys.forget('10.0.0.2'), 1);
  assert.equal(await keys.forget('fs-s5850-core1'), 1);
});

void test('host keys: concurrent first pins are all kept', async (t) => {
  const { store: keys } = await store(t);
  await Promise.all(Array.from({ length: 20 }, (_, i) => keys.verify({ owner: { kind: 'device', name: `SW-${String(i)}` }, ...at(`10.0.1.${String(i)}`, KEY_A) })));
  assert.equal((await keys.list()).length, 20);
});
