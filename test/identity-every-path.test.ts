import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { HostKeyStore } from '../src/device/index.js';
import { Events } from '../src/log/index.js';
import { devicesCommand } from '../src/onboard/devices-command.js';
import { onrampAsync, ROOT } from './agent-cli.js';
import { CORE1, CORE1_MAC, FACTORY_MAC, identityWorld, SITE_PASSWORD, SPOOF } from './support/identity-world.js';

// Every path that logs in checks the host key first: pointed at a server whose
// key is not the pinned one, none of them offers a password.

const io = { out: (): void => undefined, err: (): void => undefined };

void test('check, backup, provision and provision --factory: the key is refused before any password', async (t) => {
  const world = await identityWorld(t, { portmap: true });
  assert.equal(await world.onboarder.checkHost(CORE1), 0, 'pinned at its own address');
  assert.equal(await devicesCommand('move', CORE1, { ...world.cli, to: SPOOF.ip }, io), 0);

  assert.equal(await world.onboarder.checkHost(CORE1), 3);
  assert.equal(await world.onboarder.checkHost(CORE1, { remediate: true }), 3);
  assert.equal(await world.onboarder.backupHost(CORE1), 3);
  assert.equal((await world.onboarder.provisionHost(SPOOF.ip, CORE1)).exitCode, 3);
  assert.equal((await world.onboarder.provisionHost(SPOOF.ip, CORE1, { factory: true })).exitCode, 3);
  assert.equal(world.trap.connections, 5);
  assert.deepEqual(world.trap.offered, []);
  assert.equal(world.events(Events.hostkeyChanged).length, 5);
});

void test('a factory switch whose MAC has a pin: another key at its lease is refused, factory password kept', async (t) => {
  const world = await identityWorld(t, { portmap: true });
  await new HostKeyStore(world.state).accept({ kind: 'factory', mac: FACTORY_MAC }, 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  await world.lease(SPOOF.ip, FACTORY_MAC, 'Switch');
  assert.equal(world.events(Events.identityFound).length, 1, 'identified from the port map');
  assert.equal(world.trap.connections, 1);
  assert.deepEqual(world.trap.offered, []);
  const [changed] = world.events(Events.hostkeyChanged);
  assert.match(String(changed?.command), new RegExp(`^onramp hostkeys accept ${FACTORY_MAC} --fingerprint ${world.trap.fingerprint.replaceAll('+', '\\+')} `));
});

void test('the appliance: onramp run on a DHCP log with the spoofed lease offers no password and moves nothing', async (t) => {
  const world = await identityWorld(t);
  const log = join(world.state.root, '..', 'dhcpd.log');
  const events = join(world.state.root, '..', 'onramp.log');
  const state = join(world.state.root, '..', 'appliance-state');
  writeFileSync(log, [
    `Dec  2 20:00:01 dhcp1 dhcpd[812]: DHCPACK on ${world.core1Address} to ${CORE1_MAC} (${CORE1}) via eth1`,
    `Dec  2 20:00:02 dhcp1 dhcpd[812]: DHCPACK on ${SPOOF.ip} to ${SPOOF.mac} (${CORE1}) via eth1`,
    `Dec  2 20:00:03 dhcp1 dhcpd[812]: DHCPACK on ${SPOOF.ip} to 11:22:33:44:55:70 (${CORE1}) via eth1`,
    '',
  ].join('\n'));
  const run = await onrampAsync(['run', `--conf=${join(ROOT, 'rules', 'dhcp.rules')}`, `--input=${log}`, '--notail', '--fromstart',
    `--sites=${world.sitesDir}`, `--templates=${join(ROOT, 'templates')}`, `--state=${state}`, `--log=${events}`]);
  assert.equal(run.code, 0, run.stderr);
  const records = readFileSync(events, 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as { event?: string; ip?: string });
  assert.equal(records.filter((record) => record.event === Events.checkOk).length, 1, 'CORE1 itself was checked');
  assert.equal(records.filter((record) => record.event === Events.identityMismatch).length, 2);
  assert.equal(world.trap.connections, 0);
  assert.deepEqual(world.trap.offered, []);
  const status = JSON.parse(readFileSync(join(state, 'status.json'), 'utf8')) as Record<string, { ip?: string }>;
  assert.equal(status['fs-s5850-core1']?.ip, world.core1Address);
  assert.ok(!readFileSync(events, 'utf8').includes(SITE_PASSWORD));
  const shown = await onrampAsync(['status', `--state=${state}`]);
  assert.match(shown.stdout, new RegExp(`^${CORE1} +hq ${world.core1Address.replaceAll('.', '\\.')} +check +ok .*  lease refused: 127\\.77\\.0\\.50 from 11:22:33:44:55:70 at \\S+$`, 'm'));
});
