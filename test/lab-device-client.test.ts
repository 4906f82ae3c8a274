import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DeviceSession, getProfile, HostKeyStore } from '../src/device/index.js';
import { Lab, type Personality } from '../src/lab/index.js';
import { silentLogger } from '../src/log/index.js';
import { StateStore } from '../src/state/index.js';

/** The device client and the lab meet in the middle: each personality driven by its own profile. */
const dir = mkdtempSync(join(tmpdir(), 'onramp-lab-client-'));
const login = { username: 'admin', password: 'client-pw' };
let lab: Lab;

const cases: { hostname: string; personality: Personality; localPort: string; iface: string; uplinkPort: string }[] = [
  { hostname: 'X-S5850', personality: 'fs-s5850', localPort: 'eth-0-49', iface: 'interface eth-0-2', uplinkPort: 'eth-0-1' },
  { hostname: 'X-S3900', personality: 'fs-s3900', localPort: 'ethernet 1/25', iface: 'interface ethernet 1/2', uplinkPort: 'eth-0-2' },
  { hostname: 'X-S3900R', personality: 'fs-s3900-r', localPort: 'TGigaEthernet0/1', iface: 'interface GigaEthernet0/2', uplinkPort: 'eth-0-3' },
  { hostname: 'X-IOS', personality: 'cisco-ios', localPort: 'GigabitEthernet1/0/49', iface: 'interface GigabitEthernet1/0/2', uplinkPort: 'eth-0-4' },
];

before(async () => {
  lab = await Lab.start({
    keyDir: join(dir, 'keys'),
    switches: [
      { hostname: 'X-CORE', personality: 'fs-s5850', mac: '64:9d:99:03:00:00', ...login },
      ...cases.map((c, i) => ({
        hostname: c.hostname,
        personality: c.personality,
        mac: `64:9d:99:03:00:0${i + 1}`,
        ...login,
        enableSecret: 'client-en',
        uplink: { device: 'X-CORE', port: c.uplinkPort, localPort: c.localPort },
      })),
    ],
  });
});

after(async () => {
  await lab.stop();
  rmSync(dir, { recursive: true, force: true });
});

for (const c of cases) {
  void test(`${c.personality}: fetch, configure, save, LLDP and MAC through the device client`, async () => {
    const sw = lab.get(c.hostname);
    const session = await DeviceSession.open(
      {
        host: sw.address,
        port: sw.port,
        ...login,
        enableSecret: 'client-en',
        profile: getProfile(c.personality),
        timeoutMs: 5000,
        retries: 0,
        hostKeyPolicy: 'pin',
        identity: { kind: 'device', name: c.hostname },
      },
      { hostKeys: new HostKeyStore(new StateStore(join(dir, `state-${c.personality}`))), logger: silentLogger() },
    );
    try {
      const config = await session.runningConfig();
      assert.ok(config.includes(`hostname ${c.hostname}`), config);
      await session.configure([`hostname ${c.hostname}-2`, c.iface, ' description from-client', 'snmp-server location lab-rack']);
      assert.equal(sw.hostname(), `${c.hostname}-2`);
      assert.match(sw.runningConfig(), /\n description from-client\n/);
      await session.save();
      assert.equal(sw.saves(), 1);
      const neighbours = await session.lldpNeighbors();
      const [uplink, ...others] = neighbours;
      assert.deepEqual(others, []);
      assert.equal(uplink?.systemName, 'X-CORE');
      assert.equal(uplink.portId, c.uplinkPort);
      const macs = await session.macTable();
      assert.ok(macs.some((m) => m.mac === '64:9d:99:03:00:00'), JSON.stringify(macs));
      await assert.rejects(session.configure(['frobnicate now']), { kind: 'rejected' });
      assert.equal(sw.saves(), 1);
    } finally {
      await session.close();
    }
  });
}

void test('the uplink switch sees every access switch by its new name', async () => {
  const core = lab.get('X-CORE');
  const session = await DeviceSession.open(
    { host: core.address, port: core.port, ...login, profile: getProfile('fs-s5850'), timeoutMs: 5000, retries: 0, hostKeyPolicy: 'off' },
    { hostKeys: new HostKeyStore(new StateStore(join(dir, 'state-core'))), logger: silentLogger() },
  );
  try {
    const names = (await session.lldpNeighbors()).map((n) => n.systemName).sort();
    assert.deepEqual(names, cases.map((c) => `${c.hostname}-2`).sort());
  } finally {
    await session.close();
  }
});
