import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkSites, CredentialError, loadInventory, parseSite, profileForModel, resolveCredentials, SiteFileError,
} from '../src/inventory/index.js';
import { siteProblemsOf } from './support/site-problems.js';

const VALID = `name: hq
subnets: [10.77.0.0/24]
credentials: { username: admin, passwordEnv: ONRAMP_TEST_PASSWORD }
factoryCredentials: { username: admin, passwordEnv: ONRAMP_TEST_FACTORY }
ssh: { port: 2222, timeoutMs: 5000, retries: 1, hostKeys: pin }
policy: { onDrift: remediate, recheckAfter: 30m }
vars: { domain: example.net }
devices:
  - { hostname: FS-S5850-CORE1, model: fs-s5850, ip: 10.77.0.10 }
portmap:
  - { uplink: { device: FS-S5850-CORE1, port: eth-0-12 }, hostname: FS-S3900-ACC1, model: fs-s3900, vars: { mgmtIp: 10.77.0.21 } }
  - { mac: "BE-B5-DE-01-12-A1", hostname: FS-S3900-ACC2, model: fs-s3900 }
`;

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'onramp-inv-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void test('a valid site file parses with defaults filled in', () => {
  const site = parseSite('/sites/hq/site.yaml', VALID);
  assert.equal(site.name, 'hq');
  assert.equal(site.ssh.port, 2222);
  assert.equal(site.ssh.legacyAlgorithms, false);
  assert.equal(site.policy.onDrift, 'remediate');
  assert.equal(site.policy.recheckAfterMs, 30 * 60_000);
  assert.equal(site.devices[0]?.profile, 'fs-s5850');
  assert.equal(site.portmap[1]?.mac, 'be:b5:de:01:12:a1');
  assert.deepEqual(site.portmap[0]?.uplink, { device: 'FS-S5850-CORE1', port: 'eth-0-12' });
});

void test('a device may lease any address (ip: dhcp) and have its MAC given; hostKeys: tofu-on-move', () => {
  const site = parseSite('/sites/hq/site.yaml', VALID
    .replace('hostKeys: pin', 'hostKeys: tofu-on-move')
    .replace('model: fs-s5850, ip: 10.77.0.10', 'model: fs-s5850, ip: dhcp, mac: 00AA.BB00.0001'));
  assert.equal(site.ssh.hostKeys, 'tofu-on-move');
  const [core] = site.devices;
  assert.ok(core !== undefined);
  assert.equal(core.ipFromDhcp, true);
  assert.equal(core.ip, undefined);
  assert.equal(core.mac, '00:aa:bb:00:00:01');
  const lines = siteProblemsOf(VALID.replace('model: fs-s5850, ip: 10.77.0.10', 'model: fs-s5850, ip: 10.77.0.10, mac: "nope"'));
  assert.ok(lines.some((line) => /site\.yaml:9: devices\[0\]\.mac: "nope" is not a MAC address/.test(line)), lines.join('\n'));
});

void test('YAML syntax errors name file and line', () => {
  const lines = siteProblemsOf('name: hq\nsubnets: [10.0.0.0/8\ncredentials: x\n');
  assert.match(lines[0] ?? '', /^\/sites\/hq\/site\.yaml:\d+: YAML: /);
});

void test('each validation error names file:line: path', () => {
  const text = VALID
    .replace('subnets: [10.77.0.0/24]', 'subnets: [10.77.0.0/33]')
    .replace('hostKeys: pin', 'hostKeys: sometimes')
    .replace('recheckAfter: 30m', 'recheckAfter: soon')
    .replace('model: fs-s5850, ip: 10.77.0.10', 'model: fs-s5850, ip: 10.77.0.999, colour: red')
    .replace('mac: "BE-B5-DE-01-12-A1"', 'mac: "not-a-mac"');
  const lines = siteProblemsOf(text);
  const expect = [
    /site\.yaml:2: subnets\[0\]: prefix length 33 is over 32/,
    /site\.yaml:5: ssh\.hostKeys: expected one of: pin, tofu-on-move, off/,
    /site\.yaml:6: policy\.recheckAfter: expected a duration/,
    /site\.yaml:9: devices\[0\]\.colour: unknown key/,
    /site\.yaml:9: devices\[0\]\.ip: 10\.77\.0\.999 is not an IPv4 address/,
    /site\.yaml:12: portmap\[1\]\.mac: "not-a-mac" is not a MAC address/,
  ];
  for (const pattern of expect) assert.ok(lines.some((line) => pattern.test(line)), `${pattern} not in:\n${lines.join('\n')}`);
});

void test('inline secrets are refused wherever they appear', () => {
  const lines = siteProblemsOf(VALID
    .replace('passwordEnv: ONRAMP_TEST_PASSWORD', 'password: hunter2')
    .replace('vars: { domain: example.net }', 'vars:\n  domain: example.net\n  secret: s3cret'));
  assert.ok(lines.some((line) => /:3: credentials\.password: inline secrets are not allowed/.test(line)), lines.join('\n'));
  assert.ok(lines.some((line) => /:9: vars\.secret: inline secrets are not allowed/.test(line)), lines.join('\n'));
  assert.ok(!lines.join('\n').includes('hunter2'));
});

void test('missing keys, duplicate hostnames, unknown uplinks and unmatched port map entries are reported', () => {
  const lines = siteProblemsOf(`name: hq
subnets: [10.77.0.0/24]
credentials: { username: admin }
factoryCredentials: { username: admin, passwordEnv: F }
devices:
  - { hostname: CORE1, model: fs-s5850 }
  - { hostname: core1, model: fs-s5850 }
  - { model: fs-s3900 }
portmap:
  - { uplink: { device: NOPE, port: eth-0-1 }, hostname: ACC1, model: fs-s3900 }
  - { hostname: ACC2, model: fs-s3900 }
  - { mac: "aa:bb:cc:dd:ee:ff", hostname: "../etc", model: fs-s3900 }
`);
  const expect = [
    /:3: credentials: missing passwordEnv or passwordFile/,
    /:7: devices\[1\]\.hostname: core1 is already defined at .*:6/,
    /:8: devices\[2\]\.hostname: missing/,
    /:10: portmap\[0\]\.uplink\.device: NOPE is not a device of this site/,
    /:11: portmap\[1\]: needs at least one of uplink, mac, serial, circuitId, remoteId/,
    /:12: portmap\[2\]\.hostname: "\.\.\/etc" is not a valid hostname/,
  ];
  for (const pattern of expect) assert.ok(lines.some((line) => pattern.test(line)), `${pattern} not in:\n${lines.join('\n')}`);
});

void test('a duplicate MAC or serial is named at its own line when an invalid entry comes before it', () => {
  const lines = siteProblemsOf(`name: hq
subnets: [10.77.0.0/24]
credentials: { username: admin, passwordEnv: P }
factoryCredentials: { username: admin, passwordEnv: F }
portmap:
  - { mac: "aa:bb:cc:00:00:01", serial: SN1, hostname: ACC1, model: fs-s3900 }
  - { mac: "aa:bb:cc:00:00:09", hostname: "bad name", model: fs-s3900 }
  - { mac: "aa:bb:cc:00:00:02", hostname: ACC2, model: fs-s3900 }
  - { mac: "aa:bb:cc:00:00:01", serial: sn1, hostname: ACC3, model: fs-s3900 }
  - { serial: "SN 2", hostname: ACC4, model: fs-s3900 }
`);
  const expect = [
    /site\.yaml:9: portmap\[3\]\.mac: MAC aa:bb:cc:00:00:01 is already mapped to ACC1 at \/sites\/hq\/site\.yaml:6$/,
    /site\.yaml:9: portmap\[3\]\.serial: serial sn1 is already mapped to ACC1 at \/sites\/hq\/site\.yaml:6$/,
    /site\.yaml:10: portmap\[4\]\.serial: "SN 2" is not a serial number/,
  ];
  for (const pattern of expect) assert.ok(lines.some((line) => pattern.test(line)), `${pattern} not in:\n${lines.join('\n')}`);
});

void test('a named baseline must exist next to site.yaml', async () => {
  await withDir(async (dir) => {
    await mkdir(join(dir, 'hq'));
    await writeFile(join(dir, 'hq', 'site.yaml'), VALID.replace('ip: 10.77.0.10', 'ip: 10.77.0.10, baseline: CORE1.cfg'));
    await assert.rejects(loadInventory(dir, join(dir, 'templates')), (err: unknown) => {
      assert.ok(err instanceof SiteFileError);
      assert.match(err.message, /site\.yaml:9: devices\[0\]\.baseline: baseline file .*CORE1\.cfg does not exist/);
      assert.equal(err.line, 9);
      return true;
    });
  });
});

void test('inventory finds sites by subnet and devices case-insensitively; a <hostname>.cfg is the default baseline', async () => {
  await withDir(async (dir) => {
    await mkdir(join(dir, 'hq'));
    await writeFile(join(dir, 'hq', 'site.yaml'), VALID);
    await writeFile(join(dir, 'hq', 'FS-S5850-CORE1.cfg'), 'hostname FS-S5850-CORE1\nusername admin privilege 4\n');
    const inventory = await loadInventory(dir, join(dir, 'templates'));
    assert.equal(inventory.siteForIp('10.77.0.200')?.name, 'hq');
    assert.equal(inventory.siteForIp('10.78.0.1'), undefined);
    const found = inventory.findDevice('fs-s5850-core1');
    assert.equal(found?.device.hostname, 'FS-S5850-CORE1');
    assert.equal(inventory.baselineText(found.device), 'hostname FS-S5850-CORE1\nusername admin privilege 4\n');
    assert.equal(inventory.findDevice('FS-S3900-ACC1'), undefined);
    assert.equal(inventory.findPortmapEntry('fs-s3900-acc1')?.entry.model, 'fs-s3900');
  });
});

void test('model names map to profiles', () => {
  assert.equal(profileForModel('fs-s5850'), 'fs-s5850');
  assert.equal(profileForModel('fs-s3900'), 'fs-s3900');
  assert.equal(profileForModel('fs-s3900-24t4s'), 'fs-s3900');
  assert.equal(profileForModel('fs-s3900-r'), 'fs-s3900-r');
  assert.equal(profileForModel('cisco-ios'), 'cisco-ios');
});

void test('credentials come from the environment or a 0600 file; 0644 is refused', async () => {
  await withDir(async (dir) => {
    const site = parseSite(join(dir, 'site.yaml'), VALID);
    process.env.ONRAMP_TEST_PASSWORD = 'from-env';
    try {
      assert.deepEqual(resolveCredentials(site.credentials, site), { username: 'admin', password: 'from-env' });
    } finally {
      delete process.env.ONRAMP_TEST_PASSWORD;
    }
    assert.throws(() => resolveCredentials(site.credentials, site), /ONRAMP_TEST_PASSWORD is not set/);

    const file = join(dir, 'hq.pass');
    await writeFile(file, 'from-file\n', { mode: 0o600 });
    await chmod(file, 0o600);
    const ref = { username: 'admin', passwordFile: 'hq.pass' };
    assert.deepEqual(resolveCredentials(ref, site), { username: 'admin', password: 'from-file' });
    await chmod(file, 0o644);
    assert.throws(() => resolveCredentials(ref, site), (err: unknown) => {
      assert.ok(err instanceof CredentialError);
      assert.match(err.message, /mode 0644; it must be 0600/);
      assert.ok(!err.message.includes('from-file'));
      return true;
    });
  });
});

void test('sites check renders every template with its vars and lists what is missing', async () => {
  await withDir(async (dir) => {
    await mkdir(join(dir, 'hq'));
    await mkdir(join(dir, 'templates'));
    await writeFile(join(dir, 'hq', 'site.yaml'), VALID);
    await writeFile(join(dir, 'templates', 'fs-s5850.hbs'), 'hostname {{hostname}}\nusername {{credentials.username}} privilege 4\n');
    await writeFile(join(dir, 'templates', 'fs-s3900.hbs'), 'hostname {{hostname}}\nusername {{credentials.username}} privilege 15\ninterface vlan 1\n ip address {{mgmtIp}} 255.255.255.0\n');
    const report = await checkSites(dir, join(dir, 'templates'));
    assert.equal(report.sites, 1);
    assert.equal(report.errors.length, 1, report.errors.join('\n'));
    assert.match(report.errors[0] ?? '', /site\.yaml:12: portmap\[1\] \(FS-S3900-ACC2\): .*fs-s3900\.hbs:4: missing variables: mgmtIp$/);
    assert.ok(report.warnings.some((warning) => warning.includes('ONRAMP_TEST_PASSWORD')));
  });
});

void test('sites check: a template that is a golden config must set the hostname and keep the login user', async () => {
  await withDir(async (dir) => {
    await mkdir(join(dir, 'hq'));
    await mkdir(join(dir, 'templates'));
    await writeFile(join(dir, 'hq', 'site.yaml'), VALID.replace(/\nportmap:[\s\S]*$/, '\n'));
    await writeFile(join(dir, 'templates', 'fs-s5850.hbs'), 'hostname {{site}}\nsnmp-server location {{domain}}\n');
    const report = await checkSites(dir, join(dir, 'templates'));
    assert.deepEqual(report.errors.map((error) => error.replace(/^.*?: devices\[0\] \(FS-S5850-CORE1\): .*?fs-s5850\.hbs /, '')), [
      'renders a config with hostname hq, but the device is FS-S5850-CORE1',
      'renders a config with no username admin line: onramp logs in as admin, and pushing this would remove the account',
    ]);
  });
});
