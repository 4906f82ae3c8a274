import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { intendedProblems } from '../src/config/index.js';
import { getProfile } from '../src/device/index.js';
import { checkSites, loadInventory, SiteFileError } from '../src/inventory/index.js';
import { onrampAsync } from './agent-cli.js';

const SITE = `name: hq
subnets: [10.77.0.0/24]
credentials: { username: admin, passwordEnv: ONRAMP_TEST_PASSWORD }
devices:
  - { hostname: CORE1, model: fs-s5850, ip: 10.77.0.10 }
  - { hostname: CORE2, model: fs-s5850, ip: 10.77.0.11 }
`;
const GOOD = 'version 7.2.2\n!\nhostname CORE1\n!\nusername admin privilege 4 password 8 $1$x$y\n!\ninterface vlan77\n ip address 10.77.0.10 255.255.255.0\n!\nend\n';

async function withSite(files: Record<string, string>, body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'onramp-baselines-'));
  try {
    await mkdir(join(dir, 'hq'));
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, 'hq', name), text);
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const syntax = getProfile('fs-s5850').tree;

void test('a golden config passes when it sets the device\'s hostname and keeps the login user', () => {
  assert.deepEqual(intendedProblems(GOOD, syntax, { hostname: 'core1', loginUser: 'admin' }), []);
});

void test('the issue\'s broken baseline (no hostname, no username admin) is two problems; an unrendered marker names its line', () => {
  const broken = 'version 7.2.2\n!\nsnmp-server location {{location}}\n!\ninterface eth-0-1\n shutdown\n!\nend\n';
  assert.deepEqual(intendedProblems(broken, syntax, { hostname: 'CORE1', loginUser: 'admin' }), [
    { line: 3, message: 'unrendered template marker ({{ or }}); a baseline is plain config' },
    { message: 'no hostname line (expected hostname CORE1)' },
    { message: 'no username admin line: onramp logs in as admin, and pushing this would remove the account' },
  ]);
  assert.deepEqual(intendedProblems('!\nend\n', syntax, { hostname: 'CORE1' }), [{ message: 'no configuration lines' }]);
  assert.deepEqual(intendedProblems('hostname CORE1\nusername administrator x\n', syntax, { hostname: 'CORE1', loginUser: 'admin' }).length, 1);
});

void test('baselines are validated when the sites load: every problem names the baseline file and line', async () => {
  await withSite({
    'site.yaml': SITE,
    'CORE1.cfg': GOOD.replace('hostname CORE1', 'hostname CORE9'),
    'CORE2.cfg': GOOD.replace('hostname CORE1', 'hostname CORE2').replace('10.77.0.10', '10.77.0.11').replace('username admin', 'username ops').replace('privilege 4', 'privilege 4 {{x}}'),
  }, async (dir) => {
    await assert.rejects(loadInventory(dir, join(dir, 'templates')), (err: unknown) => {
      assert.ok(err instanceof SiteFileError);
      const lines = err.message.split('\n');
      assert.deepEqual(lines, [
        `${join(dir, 'hq', 'CORE1.cfg')}:3: baseline of CORE1: hostname CORE9, but the device is CORE1`,
        `${join(dir, 'hq', 'CORE2.cfg')}:5: baseline of CORE2: unrendered template marker ({{ or }}); a baseline is plain config`,
        `${join(dir, 'hq', 'CORE2.cfg')}: baseline of CORE2: no username admin line: onramp logs in as admin, and pushing this would remove the account`,
      ]);
      return true;
    });
    const report = await checkSites(dir, join(dir, 'templates'));
    assert.equal(report.errors.length, 3, 'sites check reports them too');
  });
});

void test('the management address: a baseline that gives the subnet of the device\'s ip: another address, or shuts the interface carrying it, is refused at load with its line', async () => {
  const copied = GOOD.replace('hostname CORE1', 'hostname CORE2');
  const shut = GOOD.replace(' ip address 10.77.0.10 255.255.255.0\n', ' ip address 10.77.0.10 255.255.255.0\n shutdown\n');
  await withSite({ 'site.yaml': SITE, 'CORE1.cfg': shut, 'CORE2.cfg': copied }, async (dir) => {
    await assert.rejects(loadInventory(dir, join(dir, 'templates')), (err: unknown) => {
      assert.ok(err instanceof SiteFileError);
      assert.deepEqual(err.message.split('\n'), [
        `${join(dir, 'hq', 'CORE1.cfg')}:8: baseline of CORE1: interface vlan77 carries 10.77.0.10, the address onramp reaches the device at (its ip: in the site), and is shut down`,
        `${join(dir, 'hq', 'CORE2.cfg')}:8: baseline of CORE2: interface vlan77 has ip address 10.77.0.10 255.255.255.0: the address onramp reaches the device at (10.77.0.11, its ip: in the site) is in that subnet but set nowhere; pushing this would change it`,
      ]);
      return true;
    });
  });
  // Where the config cannot tell (reached through NAT or another port, an address from DHCP, the device's ip: dhcp),
  // or the site lets plans move the management address, it loads.
  const elsewhere = GOOD.replace('10.77.0.10 255.255.255.0', '192.168.5.1 255.255.255.0').replace('hostname CORE1', 'hostname CORE2');
  const fromDhcp = GOOD.replace(' ip address 10.77.0.10 255.255.255.0', ' ip address dhcp');
  for (const [site, core1, core2] of [
    [SITE, fromDhcp, elsewhere],
    [SITE.replace('devices:', 'policy: { allow: [mgmt-address] }\ndevices:'), shut, copied],
    [SITE.replace('ip: 10.77.0.10 }', 'ip: dhcp }').replace('ip: 10.77.0.11 }', 'ip: dhcp }'), shut, copied],
  ] as const) {
    await withSite({ 'site.yaml': site, 'CORE1.cfg': core1, 'CORE2.cfg': core2 }, async (dir) => {
      const inventory = await loadInventory(dir, join(dir, 'templates'));
      assert.equal(inventory.devices().length, 2);
    });
  }
  // The address on the interface, as a /len or a mask, with or without a secondary beside it: nothing to say.
  assert.deepEqual(intendedProblems('hostname CORE1\ninterface vlan77\n ip address 10.77.0.10/24\n ip address 10.78.0.1/24 secondary\n', syntax, { hostname: 'CORE1', mgmtAddress: '10.77.0.10' }), []);
});

void test('a site that allows login-user may keep a baseline without the login user; intended: template ignores the file', async () => {
  const noUser = GOOD.replace(/^username .*\n/m, '');
  await withSite({ 'site.yaml': SITE.replace('devices:', 'policy: { allow: [login-user] }\ndevices:'), 'CORE1.cfg': noUser }, async (dir) => {
    const inventory = await loadInventory(dir, join(dir, 'templates'));
    const core1 = inventory.findDevice('CORE1');
    assert.ok(core1 !== undefined);
    assert.equal(inventory.baselineText(core1.device), noUser);
  });
  await withSite({ 'site.yaml': SITE.replace('ip: 10.77.0.10 }', 'ip: 10.77.0.10, intended: template }'), 'CORE1.cfg': 'not a config {{x}}' }, async (dir) => {
    const inventory = await loadInventory(dir, join(dir, 'templates'));
    const core1 = inventory.findDevice('CORE1');
    assert.ok(core1 !== undefined);
    assert.equal(core1.device.intended, 'template');
    assert.equal(inventory.baselineText(core1.device), undefined);
  });
});

void test('compiled CLI: a broken baseline stops onramp run at start-up (exit 2) with its file:line, before any input is read', async () => {
  await withSite({ 'site.yaml': SITE, 'CORE1.cfg': GOOD.replace('hostname CORE1', 'hostname CORE9') }, async (dir) => {
    const rules = join(dir, 'check.rules');
    const input = join(dir, 'dhcpd.log');
    await writeFile(rules, 'type=Single\nptype=RegExp\npattern=^check (\\S+)\ndesc=check $1\naction=check $1\n');
    await writeFile(input, 'check CORE1\n');
    const ran = await onrampAsync(['run', `--conf=${rules}`, `--input=${input}`, '--notail', `--sites=${dir}`, `--state=${join(dir, 'state')}`]);
    assert.equal(ran.code, 2, ran.stderr);
    assert.ok(ran.stderr.includes(`${join(dir, 'hq', 'CORE1.cfg')}:3: baseline of CORE1: hostname CORE9, but the device is CORE1`), ran.stderr);
  });
});
