import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Events } from '../src/log/index.js';
import { createOnboarder, readStatus, VerifiedIdentities, type Onboarder } from '../src/onboard/index.js';
import { StateStore } from '../src/state/index.js';
import { FakeNetwork, FakeSwitch, memoryLogger, tempDir, waitFor, writeTree, type LogRecord } from './onboard-fakes.js';

process.env.ONRAMP_T_SITE = 'sitepw';
process.env.ONRAMP_T_FACTORY = 'factorypw';

const TEMPLATE = `version 7.2.2
!
hostname {{hostname}}
!
username {{credentials.username}} privilege 4 password {{credentials.password}}
!
interface vlan1
 ip address {{mgmtIp}} {{mask}}
!
end
`;

const CORE1 = `version 7.2.2
!
hostname CORE1
!
username admin privilege 4 password sitepw
!
interface eth-0-1
 description uplink
!
end
`;

function intendedFor(hostname: string, ip: string): string {
  return TEMPLATE.replace('{{hostname}}', hostname).replace('{{credentials.username}}', 'admin')
    .replace('{{credentials.password}}', 'sitepw').replace('{{mgmtIp}}', ip).replace('{{mask}}', '255.255.255.0');
}

const FACTORY_CONFIG = 'Building configuration...\nversion 7.2.2\n!\nhostname Switch\n!\nusername admin privilege 4 password factorypw\n!\nend\n';

function siteYaml(policy: string, siteConcurrency: number): string {
  return `name: hq
subnets: [10.77.0.0/24]
credentials: { username: admin, passwordEnv: ONRAMP_T_SITE }
factoryCredentials: { username: admin, passwordEnv: ONRAMP_T_FACTORY }
ssh: { port: 22, timeoutMs: 1000, retries: 0 }
policy: { onDrift: ${policy}, recheckAfter: 1h }
concurrency: ${siteConcurrency}
vars: { mask: 255.255.255.0 }
devices:
  - { hostname: CORE1, model: fs-s5850, ip: 10.77.0.10 }
  - { hostname: CORE2, model: fs-s5850, ip: 10.77.0.11, vars: { mgmtIp: 10.77.0.11 } }
  - { hostname: CORE3, model: fs-s5850, ip: 10.77.0.12, vars: { mgmtIp: 10.77.0.12 } }
  - { hostname: CORE4, model: fs-s5850, ip: 10.77.0.13, vars: { mgmtIp: 10.77.0.13 } }
portmap:
  - { mac: "be:b5:de:01:12:a1", hostname: ACC-MAC, model: fs-s5850, vars: { mgmtIp: 10.77.0.21 } }
  - { circuitId: "eth-0-13", hostname: ACC-CIRCUIT, model: fs-s5850, vars: { mgmtIp: 10.77.0.22 } }
  - { uplink: { device: CORE1, port: eth-0-12 }, hostname: ACC-LLDP, model: fs-s5850, vars: { mgmtIp: 10.77.0.23 } }
  - { uplink: { device: CORE2, port: eth-0-5 }, hostname: ACC-TABLE, model: fs-s5850, vars: { mgmtIp: 10.77.0.24 } }
  - { uplink: { device: CORE2, port: eth-0-6 }, hostname: ACC-TABLE2, model: fs-s5850, vars: { mgmtIp: 10.77.0.25 } }
`;
}

interface World {
  onboarder: Onboarder;
  net: FakeNetwork;
  records: LogRecord[];
  logText: () => string;
  state: StateStore;
  clock: { now: number };
  core1: FakeSwitch;
  core2: FakeSwitch;
}

async function world(t: TestContext, options: { policy?: string; concurrency?: number; siteConcurrency?: number } = {}): Promise<World> {
  const { dir, remove } = await tempDir('onramp-onboard-');
  t.after(remove);
  await writeTree(dir, {
    'sites/hq/site.yaml': siteYaml(options.policy ?? 'report', options.siteConcurrency ?? 8),
    'sites/hq/CORE1.cfg': CORE1,
    'templates/fs-s5850.hbs': TEMPLATE,
  });
  const net = new FakeNetwork();
  const core1 = net.add('10.77.0.10', new FakeSwitch('CORE1', 'sitepw', `Building configuration...\n${CORE1}`));
  const core2 = net.add('10.77.0.11', new FakeSwitch('CORE2', 'sitepw', intendedFor('CORE2', '10.77.0.11')));
  net.add('10.77.0.12', new FakeSwitch('CORE3', 'sitepw', intendedFor('CORE3', '10.77.0.12')));
  net.add('10.77.0.13', new FakeSwitch('CORE4', 'sitepw', intendedFor('CORE4', '10.77.0.13')));
  const { logger, records, text } = memoryLogger();
  const state = new StateStore(join(dir, 'state'));
  const clock = { now: Date.parse('2026-11-23T10:00:00Z') };
  const onboarder = await createOnboarder({
    sitesDir: join(dir, 'sites'), templatesDir: join(dir, 'templates'), state, logger, connector: net,
    concurrency: options.concurrency ?? 8, now: () => clock.now,
  });
  return { onboarder, net, records, logText: text, state, clock, core1, core2 };
}

function events(records: LogRecord[], event: string): LogRecord[] {
  return records.filter((record) => record.event === event);
}

function factory(net: FakeNetwork, ip: string, becomes: string, mgmtIp: string): FakeSwitch {
  const device = net.add(ip, new FakeSwitch('Switch', 'factorypw', FACTORY_CONFIG));
  device.afterPush = intendedFor(becomes, mgmtIp);
  return device;
}

void test('a known device matching its baseline logs Configuration OK', async (t) => {
  const w = await world(t);
  w.onboarder.onboard('10.77.0.10', 'aa:aa:aa:00:00:10', 'core1');
  assert.equal(w.net.opened.length, 0, 'work is deferred, not done inside the sink call');
  await w.onboarder.idle();
  const [ok] = events(w.records, Events.checkOk);
  assert.equal(ok?.msg, 'Configuration OK');
  assert.equal(ok.device, 'CORE1');
  assert.equal(ok.result, 'ok');
  assert.equal(w.net.opened[0]?.password, 'sitepw');
  const [status] = await readStatus(w.state);
  assert.equal(status?.result, 'ok');
  assert.equal(status.lastEvent, Events.checkOk);
});

void test('drift is reported with a masked unified diff and counts, nothing pushed under policy report', async (t) => {
  const w = await world(t);
  w.core1.running = w.core1.running.replace(' description uplink', ' description changed').replace('password sitepw', 'password other');
  assert.equal(await w.onboarder.checkHost('CORE1'), 1);
  const [drift] = events(w.records, Events.checkDrift);
  assert.equal(drift?.added, 2);
  assert.equal(drift.removed, 2);
  assert.match(String(drift.diff), /^\+ description changed$/m);
  assert.match(String(drift.diff), /^\+username admin privilege 4 password <secret hidden>$/m);
  assert.ok(!w.logText().includes('sitepw') && !w.logText().includes('password other'), 'no secret in the log');
  assert.equal(w.core1.pushes.length, 0);
  assert.equal(w.core1.saves, 0);
});

void test('drift is remediated when the site says so: backup, push in block context, save, verify', async (t) => {
  const w = await world(t, { policy: 'remediate' });
  w.core1.running = w.core1.running.replace(' description uplink', ' description changed');
  w.core1.afterPush = `Building configuration...\n${CORE1}`;
  w.onboarder.onboard('10.77.0.10', 'aa:aa:aa:00:00:10', 'CORE1');
  await w.onboarder.idle();
  assert.deepEqual(w.core1.pushes, [['interface eth-0-1', 'description uplink', 'exit']]);
  assert.equal(w.core1.saves, 1);
  assert.equal(events(w.records, Events.backupSaved)[0]?.result, 'ok');
  assert.equal(events(w.records, Events.provisionDone)[0]?.result, 'remediated');
  assert.equal((await readStatus(w.state))[0]?.result, 'remediated');
});

void test('a rejected line stops the push, is reported, and nothing is saved', async (t) => {
  const w = await world(t);
  w.core1.running = w.core1.running.replace(' description uplink', ' description changed');
  w.core1.reject = 'description uplink';
  assert.equal(await w.onboarder.checkHost('CORE1', { remediate: true }), 3);
  const [failed] = events(w.records, Events.provisionFailed);
  assert.equal(failed?.command, 'description uplink');
  assert.match(String(failed.deviceMessage), /Invalid input/);
  assert.equal(w.core1.saves, 0);
});

void test('an unreachable device is reported and gives exit 3; an unknown host gives exit 2', async (t) => {
  const w = await world(t);
  w.core1.unreachable = true;
  assert.equal(await w.onboarder.checkHost('10.77.0.10'), 3);
  assert.equal(events(w.records, Events.unreachable)[0]?.result, 'unreachable');
  assert.equal(await w.onboarder.checkHost('NOPE'), 2);
  assert.equal(await w.onboarder.checkHost('CORE2'), 0);
});

void test('an unknown hostname is reported, nothing connected', async (t) => {
  const w = await world(t);
  w.onboarder.onboard('10.77.0.50', 'aa:aa:aa:00:00:50', 'PRINTER-1');
  await w.onboarder.idle();
  assert.equal(events(w.records, Events.unknownDevice)[0]?.device, 'PRINTER-1');
  assert.equal(w.net.opened.length, 0);
});

void test('factory switch by MAC: provisioned with factory credentials, verified with site credentials, then known', async (t) => {
  const w = await world(t);
  const sw = factory(w.net, '10.77.0.100', 'ACC-MAC', '10.77.0.21');
  w.onboarder.onboard('10.77.0.100', 'BE:B5:DE:01:12:A1', 'Switch');
  await w.onboarder.idle();
  assert.equal(events(w.records, Events.identityFound)[0]?.source, 'mac');
  assert.deepEqual(w.net.opened.map((target) => target.password), ['factorypw', 'sitepw']);
  assert.ok(sw.pushes[0]?.includes('hostname ACC-MAC'));
  assert.equal(sw.saves, 1);
  const [done] = events(w.records, Events.provisionDone);
  assert.equal(done?.device, 'ACC-MAC');
  assert.equal(done.result, 'provisioned');
  assert.ok(!w.logText().includes('sitepw'), 'the pushed password is not logged');

  // Its next DHCPACK is an ordinary drift check, suppressed inside the window.
  w.onboarder.onboard('10.77.0.100', 'be:b5:de:01:12:a1', 'ACC-MAC');
  await w.onboarder.idle();
  assert.equal(events(w.records, Events.dhcpSuppressed).length, 1);
  w.clock.now += 2 * 3_600_000;
  w.onboarder.onboard('10.77.0.100', 'be:b5:de:01:12:a1', 'ACC-MAC');
  await w.onboarder.idle();
  assert.equal(events(w.records, Events.checkOk)[0]?.device, 'ACC-MAC');
});

void test('factory switch by option-82 circuit id', async (t) => {
  const w = await world(t);
  const sw = factory(w.net, '10.77.0.101', 'ACC-CIRCUIT', '10.77.0.22');
  w.onboarder.onboardLease({ server: 'isc', ip: '10.77.0.101', mac: '00:11:22:33:44:55', host: 'Switch', circuitId: 'eth-0-13' });
  await w.onboarder.idle();
  assert.equal(events(w.records, Events.identityFound)[0]?.source, 'circuit-id');
  assert.equal(sw.hostname, 'ACC-CIRCUIT');
});

void test('factory switch by LLDP neighbours read from the new switch', async (t) => {
  const w = await world(t);
  const sw = factory(w.net, '10.77.0.102', 'ACC-LLDP', '10.77.0.23');
  sw.lldp = [{ localPort: 'eth-0-49', systemName: 'core1.example.net', portId: 'eth-0-12' }];
  w.onboarder.onboard('10.77.0.102', '00:11:22:33:44:66', 'switch');
  await w.onboarder.idle();
  assert.equal(events(w.records, Events.identityFound)[0]?.source, 'lldp');
  assert.equal(sw.hostname, 'ACC-LLDP');
  assert.equal(events(w.records, Events.provisionDone)[0]?.device, 'ACC-LLDP');
});

void test('factory switch by the MAC table of an uplink switch', async (t) => {
  const w = await world(t);
  const sw = factory(w.net, '10.77.0.103', 'ACC-TABLE', '10.77.0.24');
  w.core2.macs = [{ mac: '00:11:22:33:44:77', vlan: 1, port: 'eth-0-5' }, { mac: '00:99:99:99:99:99', vlan: 1, port: 'eth-0-6' }];
  w.onboarder.onboard('10.77.0.103', '00:11:22:33:44:77', 'Switch');
  await w.onboarder.idle();
  assert.equal(events(w.records, Events.identityFound)[0]?.source, 'mac-table');
  assert.equal(sw.hostname, 'ACC-TABLE');
});

void test('no match and two matches push nothing', async (t) => {
  const w = await world(t);
  const lost = factory(w.net, '10.77.0.104', 'X', '10.77.0.99');
  w.onboarder.onboard('10.77.0.104', '00:11:22:33:44:88', 'Switch');
  await w.onboarder.idle();
  const [unknown] = events(w.records, Events.identityUnknown);
  assert.ok(Array.isArray(unknown?.seen) && unknown.seen.some((line) => String(line).includes('lldp: no neighbours')));
  assert.equal(lost.pushes.length, 0);

  const torn = factory(w.net, '10.77.0.105', 'X', '10.77.0.99');
  w.core2.macs = [{ mac: '00:11:22:33:44:99', port: 'eth-0-5' }, { mac: '00:11:22:33:44:99', port: 'eth-0-6' }];
  w.onboarder.onboard('10.77.0.105', '00:11:22:33:44:99', 'Switch');
  await w.onboarder.idle();
  const [ambiguous] = events(w.records, Events.identityAmbiguous);
  assert.deepEqual(ambiguous?.candidates, ['ACC-TABLE', 'ACC-TABLE2']);
  assert.equal(torn.pushes.length, 0);
});

void test('a port map entry held by a live different switch is a conflict, not overwritten', async (t) => {
  const w = await world(t);
  await w.onboarder.status.record({
    device: 'ACC-LLDP', site: 'hq', ip: '10.77.0.23', mac: '00:aa:aa:aa:aa:aa', lastEvent: Events.checkOk, action: 'check', result: 'ok', time: new Date().toISOString(),
  });
  const sw = factory(w.net, '10.77.0.106', 'ACC-LLDP', '10.77.0.23');
  sw.lldp = [{ localPort: 'eth-0-49', systemName: 'CORE1', portId: 'eth-0-12' }];
  w.onboarder.onboard('10.77.0.106', '00:11:22:33:44:aa', 'Switch');
  await w.onboarder.idle();
  assert.equal(events(w.records, Events.identityConflict)[0]?.hostname, 'ACC-LLDP');
  assert.equal(sw.pushes.length, 0);
});

void test('a second ACK for a device with a job under way is merged', async (t) => {
  const w = await world(t);
  let release = (): void => undefined;
  w.core1.gate = new Promise((resolve) => { release = resolve; });
  w.onboarder.onboard('10.77.0.10', 'aa:aa:aa:00:00:10', 'CORE1');
  await waitFor(() => w.net.opened.length === 1, 5000, 'the first job to connect');
  w.onboarder.onboard('10.77.0.10', 'aa:aa:aa:00:00:10', 'CORE1');
  w.onboarder.check('CORE1');
  release();
  await w.onboarder.idle();
  assert.equal(w.net.opened.length, 1);
  assert.equal(events(w.records, Events.checkOk).length, 1);
});

void test('renewals inside the window are suppressed unless the address changed or the device was unreachable', async (t) => {
  const w = await world(t);
  const ack = (ip = '10.77.0.10'): Promise<void> => {
    w.onboarder.onboard(ip, 'aa:aa:aa:00:00:10', 'CORE1');
    return w.onboarder.idle();
  };
  await ack();
  w.clock.now += 30 * 60_000;
  await ack();
  assert.equal(w.net.opened.length, 1, 'suppressed after 30 minutes');
  assert.match(String(events(w.records, Events.dhcpSuppressed)[0]?.reason), /checked 1800s ago/);
  w.clock.now += 31 * 60_000;
  await ack();
  assert.equal(w.net.opened.length, 2, 're-checked after the hour');
  await ack('10.77.0.10');
  assert.equal(w.net.opened.length, 2);
  w.net.add('10.77.0.60', w.core1);
  await ack('10.77.0.60');
  assert.equal(w.net.opened.length, 2, 'a new address is not CORE1 until an operator says so');
  assert.equal(events(w.records, Events.identityMismatch).length, 1);
  await new VerifiedIdentities(w.state).moved('CORE1', '10.77.0.60', w.clock.now);
  await ack('10.77.0.60');
  assert.equal(w.net.opened.length, 3, 'the address it moved to is checked at once');
  w.core1.unreachable = true;
  w.clock.now += 2 * 3_600_000;
  await ack('10.77.0.60');
  await ack('10.77.0.60');
  assert.equal(w.net.opened.length, 5, 'after an unreachable result every renewal is checked');
});

void test('a verified-identity file that cannot be read: the lease is refused, nothing sent', async (t) => {
  const w = await world(t);
  await w.state.writeText(['identities.json'], '{ not json');
  w.onboarder.onboard('10.77.0.10', 'aa:aa:aa:00:00:10', 'CORE1');
  await w.onboarder.idle();
  assert.equal(w.net.opened.length, 0);
  assert.ok(w.records.some((record) => record.msg === 'lease identity could not be judged; nothing sent'));
});

void test('global and per-site limits bound the jobs running at once', async (t) => {
  for (const [concurrency, siteConcurrency, expected] of [[2, 8, 2], [8, 1, 1]] as const) {
    const w = await world(t, { concurrency, siteConcurrency });
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    for (const device of w.net.switches.values()) device.gate = gate;
    for (const [index, name] of ['CORE1', 'CORE2', 'CORE3', 'CORE4'].entries()) w.onboarder.onboard(`10.77.0.1${index}`, `aa:aa:aa:00:00:1${index}`, name);
    await waitFor(() => w.net.openNow === expected, 5000, `${expected} open sessions`);
    release();
    await w.onboarder.idle();
    assert.equal(w.net.maxOpen, expected);
    assert.equal(events(w.records, Events.checkOk).length, 4);
  }
});

void test('provision --dry-run returns the lines with secrets masked, without connecting', async (t) => {
  const w = await world(t);
  const { exitCode, lines } = await w.onboarder.provisionHost('10.77.0.100', 'acc-mac', { dryRun: true });
  assert.equal(exitCode, 0);
  assert.deepEqual(lines, ['hostname ACC-MAC', 'username admin privilege 4 password <secret hidden>', 'interface vlan1', 'ip address 10.77.0.21 255.255.255.0', 'exit']);
  assert.equal(w.net.opened.length, 0);
  assert.equal((await w.onboarder.provisionHost('10.77.0.100', 'nobody', { dryRun: true })).exitCode, 2);
});

void test('hostile lease values go nowhere: no connection, no template, no status file name', async (t) => {
  const w = await world(t);
  for (const hostname of ['Switch;reboot', '$(id)', '`id`', '../../etc/passwd', '{{constructor.constructor}}', 'Switch\nreload', 'x'.repeat(1024)]) {
    w.onboarder.onboard('10.77.0.10', 'be:b5:de:01:12:a1', hostname);
  }
  w.onboarder.onboard('10.77.0.10; reboot', 'be:b5:de:01:12:a1', 'Switch');
  w.onboarder.onboard('10.77.0.10', 'not-a-mac', 'Switch');
  await w.onboarder.idle();
  assert.equal(w.net.opened.length, 0);
  assert.equal(events(w.records, Events.unknownDevice).length, 9);
  assert.deepEqual(await readStatus(w.state), []);
});
