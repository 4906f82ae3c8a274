import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { Events } from '../src/log/index.js';
import { hostkeysCommand } from '../src/onboard/hostkeys-command.js';
import { FakeSshServer } from './support/fake-ssh-server.js';
import { CORE1, CORE1_MAC, identityWorld, SITE_PASSWORD } from './support/identity-world.js';

// Issue 14 item 3: pins belong to the device, not to its address. (A switch
// keeping its pin on a new address, and a different key there refused, are
// in identity-spoofed-lease.test.ts: "ip: dhcp …".)

const io = { out: (): void => undefined, err: (): void => undefined };
const WRONG = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

void test('a replaced switch on the old address is refused, a wrong fingerprint too, until the shown one is accepted', async (t) => {
  const world = await identityWorld(t);
  assert.equal(await world.onboarder.checkHost(CORE1), 0);
  const [original] = await world.pins();
  // The old CORE1 is gone; another box answers on its address.
  await world.lab.stop();
  const replacement = await FakeSshServer.start({ address: world.core1Address, port: world.lab.port });
  t.after(() => replacement.stop());

  assert.equal(await world.onboarder.checkHost(CORE1), 3);
  const [changed] = world.events(Events.hostkeyChanged);
  const command = `onramp hostkeys accept ${CORE1} --fingerprint ${replacement.fingerprint} --sites ${world.sitesDir} --state ${world.state.root}`;
  assert.equal(changed?.command, command);
  assert.ok(changed.msg.includes(command), changed.msg);
  assert.deepEqual(replacement.offered, [], 'no password for an unknown key');
  assert.deepEqual(await world.pins(), [original]);

  assert.equal(await hostkeysCommand('accept', CORE1, { ...world.cli, fingerprint: WRONG }, io), 0);
  assert.equal(await world.onboarder.checkHost(CORE1), 3, 'a key other than the accepted one is refused');
  assert.deepEqual(replacement.offered, []);

  assert.equal(await hostkeysCommand('accept', CORE1, { ...world.cli, fingerprint: replacement.fingerprint }, io), 0);
  assert.equal(await world.onboarder.checkHost(CORE1), 3, 'this fake refuses every login');
  assert.ok(replacement.secrets().includes(SITE_PASSWORD), 'the accepted key, and only it, gets the login');
  assert.deepEqual(await world.pins(), [`${CORE1} ${replacement.fingerprint}`]);
});

void test('tofu-on-move: a new key is pinned where the device moved to, and still refused where it was verified', async (t) => {
  const world = await identityWorld(t, { ip: 'dhcp', hostKeys: 'tofu-on-move' });
  await world.lease(world.core1Address, CORE1_MAC);
  const [original] = await world.pins();
  // CORE1 re-imaged (a new host key) and on another address.
  const moved = await world.startSwitch('127.77.0.53', join(world.keyDir, 'reimaged'));
  await world.lease('127.77.0.53', CORE1_MAC);
  const pinned = world.events(Events.hostkeyPinned).at(-1);
  assert.equal(pinned?.source, 'moved');
  assert.equal(world.events(Events.checkOk).length, 2);
  const [now] = await world.pins();
  assert.notEqual(now, original);
  assert.equal(now, `${CORE1} ${moved.get(CORE1).hostKeyFingerprint()}`);

  moved.get(CORE1).setFaults(['hostkey-changed']);
  await moved.get(CORE1).settled();
  assert.equal(await world.onboarder.checkHost(CORE1), 3, 'at the address it was verified at, a new key is refused');
  assert.equal(world.events(Events.hostkeyChanged).length, 1);
  assert.deepEqual(await world.pins(), [now]);
});
