import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Events } from '../src/log/index.js';
import { BackupStore, type DeviceStatus } from '../src/onboard/index.js';
import { devicesCommand } from '../src/onboard/devices-command.js';
import { CORE1, CORE1_MAC, identityWorld, SITE_PASSWORD, SPOOF, type IdentityWorld } from './support/identity-world.js';

// Issue 14 item 1: a DHCPACK naming a known switch, from an address and MAC
// that are not its own, must not get the site password, a pin, a backup, a
// status change or a push.

const quietIo = (): { out: string[]; err: string[]; io: { out: (text: string) => void; err: (text: string) => void } } => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (text) => out.push(text), err: (text) => err.push(text) } };
};

/** CORE1 checked once at its own address, so it has a pin, a verified MAC and a status. */
async function seen(world: IdentityWorld): Promise<void> {
  await world.lease(world.core1Address, CORE1_MAC);
  const status = await world.status();
  assert.equal(status?.ip, world.core1Address);
  assert.ok(status.result === 'ok' || status.result === 'drift', `first check: ${JSON.stringify(status)}`);
}

async function assertNothingHappened(world: IdentityWorld, before: Snapshot, refused: { ip: string; mac: string }): Promise<void> {
  assert.equal(world.trap.connections, 0, 'no SSH connection to the spoofed address');
  assert.deepEqual(world.trap.offered, []);
  assert.deepEqual(await world.pins(), before.pins, 'nothing pinned');
  const status = await world.status();
  assert.deepEqual({ ...status, refusedLease: undefined }, { ...before.status, refusedLease: undefined }, 'status not moved');
  assert.deepEqual([status?.refusedLease?.ip, status?.refusedLease?.mac], [refused.ip, refused.mac], 'the refused lease is noted beside it');
  assert.equal((await new BackupStore(world.state).list(CORE1)).length, before.history, 'no history filed');
  assert.equal(world.lab.get(CORE1).commandLog().length, before.commands, 'nothing sent to the real CORE1 either');
  assert.equal(world.events(Events.provisionStart).length, 0);
}

interface Snapshot {
  pins: string[];
  status: DeviceStatus | undefined;
  history: number;
  commands: number;
}

async function snapshot(world: IdentityWorld): Promise<Snapshot> {
  return {
    pins: await world.pins(), status: await world.status(), history: (await new BackupStore(world.state).list(CORE1)).length,
    commands: world.lab.get(CORE1).commandLog().length,
  };
}

for (const onDrift of ['report', 'remediate'] as const) {
  void test(`${onDrift}: a spoofed lease of CORE1 at another address is device.identity.mismatch; a new MAC changes nothing`, async (t) => {
    const world = await identityWorld(t, { onDrift });
    await seen(world);
    const before = await snapshot(world);

    await world.lease(SPOOF.ip, SPOOF.mac);
    const [mismatch] = world.events(Events.identityMismatch);
    assert.equal(mismatch?.device, CORE1);
    assert.equal(mismatch.ip, SPOOF.ip);
    assert.equal(mismatch.result, 'skipped');
    assert.equal(mismatch.command, `onramp devices move ${CORE1} --to ${SPOOF.ip} --sites ${world.sitesDir} --state ${world.state.root}`);
    assert.match(mismatch.msg, new RegExp(`address ${SPOOF.ip.replaceAll('.', '\\.')} is not ${CORE1}'s`));
    await assertNothingHappened(world, before, SPOOF);

    // Again with other MACs: at the spoofed address, and at CORE1's own address inside the recheck window.
    await world.lease(SPOOF.ip, '11:22:33:44:55:70');
    await world.lease(world.core1Address, '11:22:33:44:55:71');
    assert.equal(world.events(Events.identityMismatch).length, 3);
    assert.match(world.events(Events.identityMismatch)[2]?.msg ?? '', /not the one FS-S5850-CORE1 was last verified with \(00:aa:bb:00:00:01\)/);
    await assertNothingHappened(world, before, { ip: world.core1Address, mac: '11:22:33:44:55:71' });
    assert.ok(!JSON.stringify(world.records).includes(SITE_PASSWORD));
  });
}

void test('devices move lets the lease through to the host-key check: the attacker\'s key is refused, no password offered', async (t) => {
  const world = await identityWorld(t);
  await seen(world);
  const before = await snapshot(world);
  const { io, out } = quietIo();
  assert.equal(await devicesCommand('move', CORE1, { ...world.cli, to: SPOOF.ip }, io), 0);
  assert.match(out.join(''), /its host key must still be SHA256:/);

  await world.lease(SPOOF.ip, SPOOF.mac);
  assert.equal(world.events(Events.identityMismatch).length, 0);
  assert.equal(world.trap.connections, 1, 'let through: onramp connected');
  assert.deepEqual(world.trap.offered, [], 'but offered nothing');
  const [changed] = world.events(Events.hostkeyChanged);
  assert.equal(changed?.fingerprint, world.trap.fingerprint);
  assert.equal(changed.command, `onramp hostkeys accept ${CORE1} --fingerprint ${world.trap.fingerprint} --sites ${world.sitesDir} --state ${world.state.root}`);
  assert.deepEqual(await world.pins(), before.pins, 'the pin is untouched');
  const status = await world.status();
  assert.deepEqual([status?.ip, status?.result], [world.core1Address, before.status?.result], 'an impostor does not change what CORE1\'s status says');
  assert.deepEqual(status?.refusedLease?.reasons, [`host key ${world.trap.fingerprint} at ${SPOOF.ip} refused`]);
});

void test('devices move to where CORE1 really went: checked there with its own key, from its new MAC', async (t) => {
  const world = await identityWorld(t);
  await seen(world);
  const moved = await world.startSwitch('127.77.0.51');
  await world.lease('127.77.0.51', '00:aa:bb:00:00:99');
  assert.equal(world.events(Events.identityMismatch).length, 1, 'refused until the move is confirmed');
  assert.equal(moved.get(CORE1).commandLog().length, 0);

  assert.equal(await devicesCommand('move', CORE1, { ...world.cli, to: '127.77.0.51' }, quietIo().io), 0);
  await world.lease('127.77.0.51', '00:aa:bb:00:00:99');
  assert.equal(world.events(Events.checkOk).length, 2, 'checked at its new address');
  assert.ok(moved.get(CORE1).commandLog().length > 0);
  assert.equal((await world.status())?.ip, '127.77.0.51');
  // Verified there now: its old address is another device's business.
  await world.lease(world.core1Address, CORE1_MAC);
  assert.equal(world.events(Events.identityMismatch).length, 2);
});

void test('devices move: an unknown device, a bad address or one outside the site is bad input', async (t) => {
  const world = await identityWorld(t);
  const { io, err } = quietIo();
  assert.equal(await devicesCommand('move', 'NOPE', { ...world.cli, to: SPOOF.ip }, io), 2);
  assert.equal(await devicesCommand('move', CORE1, { ...world.cli, to: '127.77.0.999' }, io), 2);
  assert.equal(await devicesCommand('move', CORE1, { ...world.cli, to: '10.9.9.9' }, io), 2);
  assert.equal(await devicesCommand('rename', CORE1, { ...world.cli, to: SPOOF.ip }, io), 2);
  assert.match(err.join(''), /"NOPE" is not a device of any site[^]*needs an IPv4 address[^]*10\.9\.9\.9 is in none of site hq's subnets \(127\.77\.0\.0\/16\)[^]*unknown action "rename"/);
});

void test('ip: dhcp lets a lease from any address and MAC through, and the host key still has to match', async (t) => {
  const world = await identityWorld(t, { ip: 'dhcp' });
  await seen(world);
  const before = await snapshot(world);
  await world.lease(SPOOF.ip, SPOOF.mac);
  assert.equal(world.events(Events.identityMismatch).length, 0);
  assert.equal(world.trap.connections, 1);
  assert.deepEqual(world.trap.offered, [], 'no password for a key that is not CORE1\'s');
  assert.equal(world.events(Events.hostkeyChanged).length, 1);
  assert.deepEqual(await world.pins(), before.pins);
  const status = await world.status();
  assert.deepEqual([status?.ip, status?.result, status?.refusedLease?.ip], [world.core1Address, before.status?.result, SPOOF.ip]);
  assert.equal((await new BackupStore(world.state).list(CORE1)).length, before.history);

  // CORE1 itself on another address: its own key, so it is checked there.
  const moved = await world.startSwitch('127.77.0.52');
  await world.lease('127.77.0.52', CORE1_MAC);
  assert.equal(world.events(Events.checkOk).length, 2);
  assert.ok(moved.get(CORE1).commandLog().length > 0);
  assert.deepEqual(await world.pins(), before.pins, 'the same pin, kept on the move');
});
