import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DeviceError, DeviceSession, fingerprint, getProfile, HostKeyStore, type DeviceTarget } from '../src/device/index.js';
import { silentLogger } from '../src/log/index.js';
import { StateStore } from '../src/state/index.js';
import { tempDir } from './onboard-fakes.js';
import { FakeSshServer } from './support/fake-ssh-server.js';

// The SSH client checks the host key during the key exchange, before the
// user-auth service is even asked for: a wrong key means no password leaves.
const PASSWORD = 'Site-Passw0rd-never-offered';
let trap: FakeSshServer;
let stateDir: { dir: string; remove: () => Promise<void> };

before(async () => {
  trap = await FakeSshServer.start({ address: '127.77.0.250' });
  stateDir = await tempDir('onramp-hostkey-first-');
});

after(async () => {
  await trap.stop();
  await stateDir.remove();
});

function target(overrides: Partial<DeviceTarget> = {}): DeviceTarget {
  return {
    host: trap.address, port: trap.port, username: 'admin', password: PASSWORD, profile: getProfile('fs-s5850'),
    timeoutMs: 3000, retries: 0, hostKeyPolicy: 'pin', identity: { kind: 'device', name: 'FS-S5850-CORE1' }, ...overrides,
  };
}

void test('the fake server records the password a client offers when nothing checks its key', async () => {
  const hostKeys = new HostKeyStore(new StateStore(stateDir.dir));
  await assert.rejects(DeviceSession.open(target({ hostKeyPolicy: 'off' }), { hostKeys, logger: silentLogger() }), (err: unknown) =>
    err instanceof DeviceError && err.kind === 'auth');
  assert.ok(trap.secrets().includes(PASSWORD), `offered: ${JSON.stringify(trap.offered.map((o) => o.method))}`);
  trap.offered.length = 0;
});

void test('a key other than the pinned one: refused before any password is offered', async () => {
  const hostKeys = new HostKeyStore(new StateStore(stateDir.dir));
  await hostKeys.accept({ kind: 'device', name: 'FS-S5850-CORE1' }, fingerprint(Buffer.from('the real switch key')));
  const before = trap.connections;
  await assert.rejects(DeviceSession.open(target(), { hostKeys, logger: silentLogger() }), (err: unknown) =>
    err instanceof DeviceError && err.kind === 'hostkey-changed');
  assert.equal(trap.connections, before + 1, 'the client did connect');
  assert.deepEqual(trap.offered, []);
});

void test('no identity to check the key against: not even a connection', async () => {
  const hostKeys = new HostKeyStore(new StateStore(stateDir.dir));
  const before = trap.connections;
  const anonymous = target();
  delete anonymous.identity;
  await assert.rejects(DeviceSession.open(anonymous, { hostKeys, logger: silentLogger() }), /no device identity/);
  assert.equal(trap.connections, before);
  assert.deepEqual(trap.offered, []);
});
