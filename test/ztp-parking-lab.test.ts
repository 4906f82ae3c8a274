import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeviceSession, getProfile, HostKeyStore, isDeviceError } from '../src/device/index.js';
import { Lab, type LabSwitch, type LabSwitchSpec } from '../src/lab/index.js';
import { Events, silentLogger } from '../src/log/index.js';
import { createOnboarder, readStatus, type DeviceConnector, type Onboarder } from '../src/onboard/index.js';
import { assignCommand } from '../src/onboard/assign-command.js';
import type { DeviceStatus } from '../src/onboard/status.js';
import { StateStore } from '../src/state/index.js';
import { memoryLogger, tempDir, waitFor, writeTree, type LogRecord } from './onboard-fakes.js';

// Zero touch for switches the port map does not simply name, end to end over SSH on the lab: an unknown
// switch parked then assigned and provisioned, a model mismatch parked, a serial match provisioned, and a
// lease outside the allowed ranges never touched. Factory and site passwords differ, and the lab honours
// what a pushed config does to logins, so every step shows which login it took.
const FACTORY = 'factory-pw-17';
const SITE = 'site-pw-17';
process.env.ONRAMP_ZTP_SITE = SITE;
process.env.ONRAMP_ZTP_FACTORY = FACTORY;

const ROOT = join(import.meta.dirname, '..');
const CORE1 = await readFile(join(ROOT, 'baselines/hq/FS-S5850-CORE1.cfg'), 'utf8');

const MACS = { unknown: '02:17:00:00:00:01', mismatch: '02:17:00:00:00:02', serial: '02:17:00:00:00:03' };
/** The lab's serial numbers are the MAC's last three bytes in decimal, FS style. */
const SERIAL = `CG0000N${String(parseInt('000003', 16)).padStart(8, '0')}`;

const switches: LabSwitchSpec[] = [
  { hostname: 'FS-S5850-CORE1', personality: 'fs-s5850', mac: '02:17:00:00:00:10', username: 'admin', password: SITE, runningConfig: CORE1 },
  {
    hostname: 'Switch', personality: 'fs-s3900', mac: MACS.unknown, username: 'admin', password: FACTORY,
    uplink: { device: 'FS-S5850-CORE1', port: 'eth-0-20', localPort: 'ethernet 1/25' },
  },
  { hostname: 'Switch-M', personality: 'fs-s3900', mac: MACS.mismatch, username: 'admin', password: FACTORY },
  { hostname: 'Switch-S', personality: 'fs-s3900', mac: MACS.serial, username: 'admin', password: FACTORY },
];

const lab: { current?: Lab } = {};
let onboarder: Onboarder;
let records: LogRecord[];
let state: StateStore;
let dir: string;
let cleanup: () => Promise<void>;
/** Every login onramp attempted, by address: which password it offered. */
const logins: { host: string; password: string }[] = [];
/** Stand-ins at addresses no lab switch holds: count the TCP connections made to them. */
const counters: { server: Server; connections: number }[] = [];

function labSwitch(name: string): LabSwitch {
  const found = lab.current?.get(name);
  assert.ok(found !== undefined);
  return found;
}

function siteYaml(port: number): string {
  return `name: hq
subnets: [127.77.0.0/24]
credentials: { username: admin, passwordEnv: ONRAMP_ZTP_SITE }
factoryCredentials: { username: admin, passwordEnv: ONRAMP_ZTP_FACTORY }
ssh: { port: ${String(port)}, timeoutMs: 3000, retries: 0, hostKeys: pin }
policy: { onDrift: report, recheckAfter: 1h }
onboard: { allowedRanges: [127.77.0.0/25] }
vars:
  location: hq
  mgmtVlan: 77
  mgmtMask: 255.255.255.0
  vlans: [{ id: 10, name: users }, { id: 77, name: mgmt }]
devices:
  - { hostname: FS-S5850-CORE1, model: fs-s5850, ip: ${labSwitch('FS-S5850-CORE1').address}, baseline: CORE1.cfg }
portmap:
  - { uplink: { device: FS-S5850-CORE1, port: eth-0-30 }, hostname: FS-S3900-ACC9, model: fs-s3900, vars: { mgmtIp: 10.77.0.29, uplinkPort: 1/25 } }
  - { mac: "${MACS.mismatch}", hostname: FS-S5850-ACC8, model: fs-s5850, vars: { mgmtIp: 10.77.0.28, uplinkPort: eth-0-49 } }
  - { serial: "${SERIAL}", hostname: FS-S3900-ACC7, model: fs-s3900, vars: { mgmtIp: 10.77.0.27, uplinkPort: 1/25 } }
`;
}

async function countingServer(host: string, port: number): Promise<{ server: Server; connections: number }> {
  const counter = { server: createServer((socket) => {
    counter.connections++;
    socket.destroy();
  }), connections: 0 };
  await new Promise<void>((resolve, reject) => {
    counter.server.once('error', reject);
    counter.server.listen({ host, port }, () => { resolve(); });
  });
  counters.push(counter);
  return counter;
}

before(async () => {
  const made = await tempDir('onramp-ztp-lab-');
  dir = made.dir;
  cleanup = made.remove;
  lab.current = await Lab.start({ switches, keyDir: join(dir, 'keys') });
  await writeTree(dir, { 'sites/hq/site.yaml': siteYaml(lab.current.port), 'sites/hq/CORE1.cfg': CORE1 });
  const memory = memoryLogger();
  records = memory.records;
  state = new StateStore(join(dir, 'state'));
  const hostKeys = new HostKeyStore(state, join(dir, 'sites'));
  const ssh: DeviceConnector = { open: (target) => DeviceSession.open(target, { hostKeys, logger: silentLogger() }) };
  const connector: DeviceConnector = {
    open: (target) => {
      logins.push({ host: target.host, password: target.password });
      return ssh.open(target);
    },
  };
  onboarder = await createOnboarder({ sitesDir: join(dir, 'sites'), templatesDir: join(ROOT, 'templates'), state, logger: memory.logger, connector });
});

after(async () => {
  await onboarder.close();
  await lab.current?.stop();
  for (const { server } of counters) await new Promise((resolve) => server.close(resolve));
  await cleanup();
});

function events(event: string, device?: string): LogRecord[] {
  return records.filter((record) => record.event === event && (device === undefined || record.device === device));
}

async function status(device: string): Promise<DeviceStatus | undefined> {
  return (await readStatus(state)).find((entry) => entry.device === device);
}

/** Whether the lab switch takes this password now. */
async function accepts(sw: LabSwitch, password: string): Promise<boolean> {
  try {
    const session = await DeviceSession.open(
      { host: sw.address, port: sw.port, username: 'admin', password, profile: getProfile('fs-s3900'), timeoutMs: 3000, retries: 0, hostKeyPolicy: 'off' },
      { hostKeys: new HostKeyStore(new StateStore(join(dir, 'probe'))), logger: silentLogger() },
    );
    await session.close();
    return true;
  } catch (err) {
    if (isDeviceError(err, 'auth')) return false;
    throw err;
  }
}

void test('an unknown factory switch is parked: management only, site login, what was seen in status', async () => {
  const sw = labSwitch('Switch');
  onboarder.onboard(sw.address, MACS.unknown, 'Switch');
  await onboarder.idle();
  assert.equal(events(Events.identityUnknown, `Switch ${MACS.unknown}`).length, 1);
  const [parked] = events(Events.parked, `Switch ${MACS.unknown}`);
  assert.equal(parked?.result, 'parked');
  assert.equal(parked.reason, 'unknown');

  // The parking config, saved: its own name, every copper access port shut, the uplink left up.
  assert.equal(sw.hostname(), 'parked-021700000001');
  assert.equal(sw.saves(), 1);
  const running = sw.runningConfig();
  for (const port of [1, 12, 24]) assert.match(running, new RegExp(`^interface ethernet 1/${String(port)}\\n shutdown$`, 'm'));
  assert.doesNotMatch(running, /^interface ethernet 1\/25\n shutdown$/m);
  assert.ok(!(await accepts(sw, FACTORY)), 'the factory login no longer works');
  assert.ok(await accepts(sw, SITE), 'the site login does');

  const entry = await status(`Switch ${MACS.unknown}`);
  assert.equal(entry?.result, 'parked');
  assert.equal(entry.action, 'park');
  assert.equal(entry.lastEvent, Events.parked);
  assert.equal(entry.parked?.mac, MACS.unknown);
  assert.match(entry.parked.serial ?? '', /^CG0000N\d{8}$/);
  assert.equal(entry.parked.model, 'S3900-24T4S');
  assert.equal(entry.parked.uplink, 'FS-S5850-CORE1 eth-0-20');
  assert.deepEqual(entry.parked.lldp, ['FS-S5850-CORE1 eth-0-20 (local Eth 1/25)']);
  assert.equal(entry.facts?.version, '1.7.3');
  assert.equal(entry.plan?.outcome, 'pushed');
  assert.ok(!JSON.stringify(entry).includes(SITE), 'no password in status');

  // A renewal of the parked switch, under its new name, starts nothing.
  const before = logins.length;
  onboarder.onboard(sw.address, MACS.unknown, 'parked-021700000001');
  await onboarder.idle();
  assert.equal(logins.length, before);
});

void test('onramp assign checks what it is given, and the parked switch is then provisioned with the site login', async () => {
  const sw = labSwitch('Switch');
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (text: string) => out.push(text), err: (text: string) => err.push(text) };
  const options = { sites: join(dir, 'sites'), templates: join(ROOT, 'templates'), state: join(dir, 'state') };
  assert.equal(await assignCommand(MACS.unknown, { ...options, as: 'NO-SUCH' }, io), 2);
  assert.match(err.join(''), /NO-SUCH is neither a port map entry nor a device of site hq/);
  assert.equal(await assignCommand('02:17:00:00:00:99', { ...options, as: 'FS-S3900-ACC9' }, io), 2);
  assert.match(err.join(''), /no parked switch has MAC 02:17:00:00:00:99/);
  assert.equal(await assignCommand(MACS.unknown, { ...options, as: 'FS-S5850-ACC8' }, io), 2);
  assert.match(err.join(''), /FS-S5850-ACC8 cannot be this switch: the switch reports S3900-24T4S \(fs-s3900\), not a fs-s5850/);
  assert.equal(await assignCommand(MACS.unknown, { ...options, as: 'FS-S5850-CORE1' }, io), 2);
  assert.match(err.join(''), /FS-S5850-CORE1 (?:is already a live switch|cannot be this switch)/);
  assert.equal(await assignCommand('not/a serial!', { ...options, as: 'FS-S3900-ACC9' }, io), 2);

  const serial = (await status(`Switch ${MACS.unknown}`))?.parked?.serial ?? '';
  assert.equal(await assignCommand(serial.toLowerCase(), { ...options, as: 'fs-s3900-acc9' }, io), 0, err.join(''));
  assert.match(out.join(''), /02:17:00:00:00:01 is to be FS-S3900-ACC9/);

  const before = logins.length;
  await onboarder.takeAssignments();
  await onboarder.idle();
  const [assigned] = events(Events.assigned, `Switch ${MACS.unknown}`);
  assert.equal(assigned?.hostname, 'FS-S3900-ACC9');
  const done = events(Events.provisionDone, 'FS-S3900-ACC9');
  assert.equal(done[0]?.result, 'provisioned');
  assert.ok(logins.slice(before).every((login) => login.password === SITE), 'only the site login is offered to a parked switch');
  assert.equal(sw.hostname(), 'FS-S3900-ACC9');
  // What parking shut is open again; the template's uplink is configured.
  assert.doesNotMatch(sw.runningConfig(), /^interface ethernet 1\/1\n shutdown$/m);
  assert.match(sw.runningConfig(), /^interface ethernet 1\/25\n description uplink$/m);
  assert.equal((await status('FS-S3900-ACC9'))?.result, 'provisioned');
  assert.equal((await status(`Switch ${MACS.unknown}`))?.message, 'became FS-S3900-ACC9');
  assert.deepEqual(await state.readJson(['assignments.json'], {}), {}, 'the assignment is done');
  // Known now: its next lease is a drift check, and it is in line with its template.
  assert.equal(await onboarder.checkHost('FS-S3900-ACC9'), 0);
});

void test('a switch whose model is not its port map entry\'s is parked, never given that template', async () => {
  const sw = labSwitch('Switch-M');
  onboarder.onboard(sw.address, MACS.mismatch, 'Switch');
  await onboarder.idle();
  const [mismatch] = events(Events.identityModelMismatch, `Switch ${MACS.mismatch}`);
  assert.equal(mismatch?.hostname, 'FS-S5850-ACC8');
  assert.equal(mismatch.reportedModel, 'S3900-24T4S');
  assert.equal(events(Events.provisionDone, 'FS-S5850-ACC8').length, 0);
  assert.equal(sw.hostname(), 'parked-021700000002');
  assert.ok(!sw.commandLog().some((line) => line.includes('FS-S5850-ACC8')), 'nothing of the entry\'s config was typed');
  const entry = await status(`Switch ${MACS.mismatch}`);
  assert.equal(entry?.result, 'parked');
  assert.equal(entry.parked?.reason, 'model-mismatch');
  assert.deepEqual(entry.parked.candidates, ['FS-S5850-ACC8']);
});

void test('a port map entry matched by serial number is provisioned', async () => {
  const sw = labSwitch('Switch-S');
  onboarder.onboard(sw.address, MACS.serial, 'Switch');
  await onboarder.idle();
  const [found] = events(Events.identityFound, `Switch ${MACS.serial}`);
  assert.equal(found?.source, 'serial');
  assert.equal(found.hostname, 'FS-S3900-ACC7');
  assert.equal(sw.hostname(), 'FS-S3900-ACC7');
  assert.ok(await accepts(sw, SITE));
  assert.ok(!(await accepts(sw, FACTORY)));
  const entry = await status('FS-S3900-ACC7');
  assert.equal(entry?.result, 'provisioned');
  assert.equal(entry.facts?.serial, SERIAL);
  assert.equal(entry.facts.model, 'S3900-24T4S');
});

void test('a factory switch leasing outside onboard.allowedRanges is reported and never connected to', async () => {
  const port = lab.current?.port ?? 0;
  const outside = await countingServer('127.77.0.200', port);
  const inside = await countingServer('127.77.0.100', port);
  onboarder.onboard('127.77.0.200', '02:17:00:00:00:20', 'Switch');
  await onboarder.idle();
  const [refused] = events(Events.outsideRange, 'Switch 02:17:00:00:00:20');
  assert.equal(refused?.result, 'skipped');
  assert.equal(refused.allowedRanges, '127.77.0.0/25');
  assert.equal(outside.connections, 0, 'no connection at all');
  assert.equal((await status('Switch 02:17:00:00:00:20'))?.lastEvent, Events.outsideRange);
  // The stand-in does count: a lease inside the ranges is connected to.
  onboarder.onboard('127.77.0.100', '02:17:00:00:00:21', 'Switch');
  await onboarder.idle();
  await waitFor(() => inside.connections > 0, 5000, 'a connection inside the ranges');
});
