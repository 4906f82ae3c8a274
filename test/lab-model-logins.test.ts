import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DeviceSession, getProfile, HostKeyStore, isDeviceError } from '../src/device/index.js';
import { Lab, type LabSwitch, type Personality } from '../src/lab/index.js';
import { silentLogger } from '../src/log/index.js';
import { StateStore } from '../src/state/index.js';

// A lab switch checks logins against its running config, so a pushed login takes over from the factory one
// and the two can be told apart (the device side of it, written apart from the planner).
const dir = mkdtempSync(join(tmpdir(), 'onramp-lab-logins-'));
const FACTORY = 'factory-pw';
const SITE = 'site-pw-2';
const lab: { current?: Lab } = {};

/** Each family's line setting admin's password in clear, as the shipped templates type it. */
const pushed: Record<Personality, string> = {
  'fs-s5850': `username admin privilege 4 password ${SITE}`,
  'fs-s3900': `username admin password 0 ${SITE}`,
  'fs-s3900-r': `username admin password 0 ${SITE}`,
  'cisco-ios': `username admin privilege 15 secret 0 ${SITE}`,
};
const personalities = Object.keys(pushed) as Personality[];

before(async () => {
  lab.current = await Lab.start({
    keyDir: join(dir, 'keys'),
    switches: [
      ...personalities.map((personality, i) => ({
        hostname: `L-${String(i)}`, personality, mac: `64:9d:99:06:00:0${String(i + 1)}`, username: 'admin', password: FACTORY, enableSecret: 'en',
      })),
      // Built from a config whose line says another password: until that line changes, the spec's password is the one.
      {
        hostname: 'L-GIVEN', personality: 'fs-s5850' as const, mac: '64:9d:99:06:00:10', username: 'admin', password: FACTORY,
        runningConfig: 'hostname L-GIVEN\n!\nusername admin privilege 4 password written-in-config\n!\nend\n',
      },
    ],
  });
});

after(async () => {
  await lab.current?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function open(sw: LabSwitch, password: string): Promise<DeviceSession> {
  return DeviceSession.open(
    {
      host: sw.address, port: sw.port, username: 'admin', password, enableSecret: 'en', profile: getProfile(sw.spec.personality),
      timeoutMs: 5000, retries: 0, hostKeyPolicy: 'pin', identity: { kind: 'device', name: sw.spec.hostname },
    },
    { hostKeys: new HostKeyStore(new StateStore(join(dir, 'state'))), logger: silentLogger() },
  );
}

async function refused(sw: LabSwitch, password: string): Promise<boolean> {
  try {
    await (await open(sw, password)).close();
    return false;
  } catch (err) {
    if (isDeviceError(err, 'auth')) return true;
    throw err;
  }
}

for (const [i, personality] of personalities.entries()) {
  void test(`${personality}: after a pushed login the new password works and the factory one is refused`, async () => {
    const sw = lab.current?.get(`L-${String(i)}`);
    assert.ok(sw !== undefined);
    assert.ok(await refused(sw, SITE), 'the site password is not accepted before the push');
    const session = await open(sw, FACTORY);
    try {
      await session.configure([pushed[personality]]);
    } finally {
      await session.close();
    }
    assert.ok(await refused(sw, FACTORY), 'the factory password is refused once the config says another');
    const site = await open(sw, SITE);
    await site.close();
    assert.ok(sw.runningConfig().includes(pushed[personality]));
  });
}

void test('a removed user cannot log in at all, whatever the password', async () => {
  const sw = lab.current?.get('L-0');
  assert.ok(sw !== undefined);
  const session = await open(sw, SITE);
  try {
    // A second account first, so that removing admin's line is a plain config change.
    await session.configure(['username ops privilege 4 password ops-pw', 'no username admin']);
  } finally {
    await session.close();
  }
  assert.ok(await refused(sw, SITE));
  assert.ok(await refused(sw, FACTORY));
});

void test('a switch built from a given config keeps the spec password until its username line changes', async () => {
  const sw = lab.current?.get('L-GIVEN');
  assert.ok(sw !== undefined);
  assert.ok(await refused(sw, 'written-in-config'));
  const session = await open(sw, FACTORY);
  try {
    await session.configure(['username admin privilege 4 password written-in-config']);
  } finally {
    await session.close();
  }
  // Typed again by hand, the line is the same text: it still stands for the factory password.
  assert.ok(!(await refused(sw, FACTORY)));
});
