import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { digestBytes } from '../src/firmware/index.js';
import { Lab, labImage, type LabSwitchSpec } from '../src/lab/index.js';
import { Events } from '../src/log/index.js';
import { createOnboarder, readStatus, type Onboarder } from '../src/onboard/index.js';
import { StateStore } from '../src/state/index.js';
import { onramp } from './agent-cli.js';
import { memoryLogger, tempDir, waitFor, writeTree, type LogRecord } from './onboard-fakes.js';

// Firmware at first boot, end to end over SSH on the lab: the site names 1.7.6 for fs-s3900; the lab's factory S3900s run 1.7.3.
const PASSWORD = 'fw-e2e-pw';
process.env.ONRAMP_FW_PASSWORD = PASSWORD;
const ROOT = join(import.meta.dirname, '..');
const WANTED = '1.7.6';
const IMAGE = labImage('fs-s3900', WANTED, 256 * 1024);
const SHA = digestBytes(IMAGE).sha256;
const OTHER_IMAGE = labImage('fs-s3900', '1.7.9');
const RELOAD_MS = 1500;

const factory = (hostname: string, mac: string, address: string, extra: Partial<LabSwitchSpec> = {}): LabSwitchSpec => ({
  hostname, personality: 'fs-s3900', mac, address, username: 'admin', password: PASSWORD, ...extra,
});
const switches: LabSwitchSpec[] = [
  factory('UPGRADE', 'be:b5:de:0f:00:01', '127.77.41.10'),
  factory('CURRENT', 'be:b5:de:0f:00:02', '127.77.41.11', { version: WANTED }),
  factory('BADHASH', 'be:b5:de:0f:00:03', '127.77.42.10'),
  // Its reload takes longer than its site waits.
  factory('NORETURN', 'be:b5:de:0f:00:04', '127.77.43.10', { reloadMs: 6000 }),
  factory('TAMPERED', 'be:b5:de:0f:00:06', '127.77.44.10'),
  // Still reloading when onramp is told to stop.
  factory('STOPPED', 'be:b5:de:0f:00:07', '127.77.45.10', { reloadMs: 60_000 }),
  // A known switch of the model, still on the old version.
  factory('FS-S3900-OLD', 'be:b5:de:0f:00:05', '127.77.41.20'),
];

let lab: Lab;
let onboarder: Onboarder;
let records: LogRecord[];
let state: StateStore;
let stateDir: string;
let mirror: Server;
let mirrorPort = 0;
let tampering: Server;
let tamperingPort = 0;
let cleanup: () => Promise<void>;
const booted = new Map<string, () => void>();

function site(name: string, subnet: string, firmware: string, entries: [string, string][], devices = ''): string {
  return `name: ${name}
subnets: [${subnet}]
credentials: { username: admin, passwordEnv: ONRAMP_FW_PASSWORD }
factoryCredentials: { username: admin, passwordEnv: ONRAMP_FW_PASSWORD }
ssh: { port: ${lab.port}, timeoutMs: 4000, retries: 0, hostKeys: pin }
vars: { location: lab, mgmtVlan: 77, mgmtMask: 255.255.255.0, vlans: [{ id: 77, name: mgmt }] }
firmware:
  fs-s3900: ${firmware}
${devices}portmap:
${entries.map(([mac, hostname], i) => `  - { mac: "${mac}", hostname: ${hostname}, model: fs-s3900, vars: { mgmtIp: 10.77.0.${String(30 + i)}, uplinkPort: 1/25 } }`).join('\n')}
`;
}

function events(event: string, device?: string): LogRecord[] {
  return records.filter((r) => r.event === event && (device === undefined || r.device === device));
}

before(async () => {
  const { dir, remove } = await tempDir('onramp-fw-e2e-');
  cleanup = remove;
  // A mirror whose image is not the one the site names: a wrong file, or a tampered one.
  mirror = createServer((_req, res) => { res.end(OTHER_IMAGE); });
  await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
  const address = mirror.address();
  mirrorPort = typeof address === 'object' && address !== null ? address.port : 0;
  // A mirror that hands onramp the right image and the switch a damaged one: caught by the switch as it writes it.
  let served = 0;
  tampering = createServer((_req, res) => {
    const bytes = Buffer.from(IMAGE);
    if (served++ > 0) bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    res.end(bytes);
  });
  await new Promise<void>((resolve) => tampering.listen(0, '127.0.0.1', resolve));
  const tamperingAddress = tampering.address();
  tamperingPort = typeof tamperingAddress === 'object' && tamperingAddress !== null ? tamperingAddress.port : 0;
  lab = await Lab.start({
    switches, keyDir: join(dir, 'keys'), reloadMs: RELOAD_MS,
    // The switch's fresh DHCPACK after its reload, as the DHCP server would log it.
    onBoot: (sw) => {
      onboarder.onboard(sw.address, sw.spec.mac, 'Switch');
      booted.get(sw.spec.hostname)?.();
    },
  });
  await writeTree(dir, {
    'sites/a/site.yaml': site('a', '127.77.41.0/24', `{ version: ${WANTED}, image: s3900-${WANTED}.bix, sha256: ${SHA} }`, [['be:b5:de:0f:00:01', 'ACC-UPGRADED'], ['be:b5:de:0f:00:02', 'ACC-CURRENT']],
      `devices:\n  - { hostname: FS-S3900-OLD, model: fs-s3900, ip: 127.77.41.20, baseline: FS-S3900-OLD.cfg }\n`),
    'sites/a/FS-S3900-OLD.cfg': lab.get('FS-S3900-OLD').runningConfig(),
    'sites/b/site.yaml': site('b', '127.77.42.0/24', `{ version: ${WANTED}, image: "http://127.0.0.1:${String(mirrorPort)}/s3900-${WANTED}.bix", sha256: ${SHA} }`, [['be:b5:de:0f:00:03', 'ACC-BADHASH']]),
    'sites/d/site.yaml': site('d', '127.77.44.0/24', `{ version: ${WANTED}, image: "http://127.0.0.1:${String(tamperingPort)}/s3900-${WANTED}.bix", sha256: ${SHA} }`, [['be:b5:de:0f:00:06', 'ACC-TAMPERED']]),
    'sites/e/site.yaml': site('e', '127.77.45.0/24', `{ version: ${WANTED}, image: s3900-${WANTED}.bix, sha256: ${SHA}, returnTimeout: 5m }`, [['be:b5:de:0f:00:07', 'ACC-STOPPED']]),
    'sites/c/site.yaml': site('c', '127.77.43.0/24', `{ version: ${WANTED}, image: s3900-${WANTED}.bix, sha256: ${SHA}, returnTimeout: 3s }`, [['be:b5:de:0f:00:04', 'ACC-NORETURN']]),
  });
  await writeFile(join(dir, 'sites/a/s3900-1.7.6.bix'), IMAGE);
  await writeFile(join(dir, 'sites/c/s3900-1.7.6.bix'), IMAGE);
  await writeFile(join(dir, 'sites/e/s3900-1.7.6.bix'), IMAGE);
  const memory = memoryLogger();
  records = memory.records;
  stateDir = join(dir, 'state');
  state = new StateStore(stateDir);
  onboarder = await createOnboarder({
    sitesDir: join(dir, 'sites'), templatesDir: join(ROOT, 'templates'), state, logger: memory.logger, firmwareHttp: { host: '127.0.0.1', port: 0 },
  });
});

after(async () => {
  await onboarder.close();
  await lab.stop();
  await new Promise<void>((resolve) => mirror.close(() => { resolve(); }));
  await new Promise<void>((resolve) => tampering.close(() => { resolve(); }));
  await cleanup();
});

void test('a factory switch on another version is upgraded first, comes back with a fresh DHCPACK, is checked, then provisioned', async () => {
  const sw = lab.get('UPGRADE');
  onboarder.onboard(sw.address, sw.spec.mac, 'Switch');
  await onboarder.idle();
  assert.equal(sw.reloads(), 1);
  assert.equal(sw.version(), WANTED);
  assert.deepEqual(sw.flashFiles(), [`s3900-${WANTED}.bix`]);
  const log = sw.commandLog();
  const reload = log.indexOf('reload');
  const firstConfig = log.indexOf('hostname ACC-UPGRADED');
  assert.ok(reload >= 0 && firstConfig > reload, 'the OS was upgraded before the config was pushed');
  assert.equal(sw.hostname(), 'ACC-UPGRADED');
  assert.equal(sw.saves(), 1);
  const started = events(Events.firmwareUpgradeStarted).find((r) => r.mac === sw.spec.mac);
  assert.equal(started?.from, '1.7.3');
  assert.equal(started.to, WANTED);
  const done = events(Events.firmwareUpgradeDone).find((r) => r.mac === sw.spec.mac);
  assert.equal(done?.result, 'ok');
  assert.ok(records.some((r) => typeof r.msg === 'string' && r.msg.startsWith('DHCPACK: the switch is back') && r.mac === sw.spec.mac), 'its next DHCPACK was the sign it was back');
  assert.equal(events(Events.provisionDone, 'ACC-UPGRADED').at(-1)?.result, 'provisioned');
  const status = (await readStatus(state)).find((s) => s.device === 'ACC-UPGRADED');
  assert.deepEqual(status?.firmware, { running: WANTED, wanted: WANTED, compliant: true, upgradedFrom: '1.7.3' });
});

void test('a factory switch already on the version is provisioned without an upgrade', async () => {
  const sw = lab.get('CURRENT');
  onboarder.onboard(sw.address, sw.spec.mac, 'Switch');
  await onboarder.idle();
  assert.equal(sw.reloads(), 0);
  assert.equal(sw.flashFiles().length, 0);
  assert.equal(events(Events.provisionDone, 'ACC-CURRENT').at(-1)?.result, 'provisioned');
  assert.equal(events(Events.firmwareCompliance).find((r) => r.mac === sw.spec.mac)?.result, 'ok');
});

void test('an image that is not the one the site names is refused: nothing fetched, nothing booted, the switch parked', async () => {
  const sw = lab.get('BADHASH');
  onboarder.onboard(sw.address, sw.spec.mac, 'Switch');
  await onboarder.idle();
  const failed = events(Events.firmwareUpgradeFailed).find((r) => r.mac === sw.spec.mac);
  assert.match(String(failed?.msg), /has SHA-256 [0-9a-f]{64}, not the/);
  assert.equal(failed?.reason, 'hash-mismatch');
  assert.equal(sw.reloads(), 0);
  assert.equal(sw.bootFile(), undefined);
  assert.deepEqual(sw.flashFiles(), []);
  assert.ok(!sw.commandLog().some((line) => line.startsWith('copy http')), 'the switch was never told to fetch it');
  assert.ok(!sw.commandLog().includes('hostname ACC-BADHASH'), 'its own config was not pushed');
  assert.equal(sw.hostname(), 'parked-beb5de0f0003', 'it took the parking config instead');
  const status = (await readStatus(state)).find((s) => s.mac === sw.spec.mac);
  assert.equal(status?.result, 'parked');
  assert.equal(status.parked?.reason, 'firmware');
  assert.deepEqual(status.parked.candidates, ['ACC-BADHASH']);
  assert.match(String(status.message), /parked \(firmware: OS upgrade to 1\.7\.6 failed: image .* has SHA-256/);
});

void test('an image damaged on its way to the switch is refused by the switch: nothing booted, the switch parked', async () => {
  const sw = lab.get('TAMPERED');
  onboarder.onboard(sw.address, sw.spec.mac, 'Switch');
  await onboarder.idle();
  const failed = events(Events.firmwareUpgradeFailed).find((r) => r.mac === sw.spec.mac);
  assert.equal(failed?.step, 'fetch');
  assert.match(failed.msg, /fetch: Error: image checksum mismatch; the file was not written\.; nothing booted/);
  assert.ok(sw.commandLog().includes('copy http file'), 'the switch fetched it');
  assert.deepEqual(sw.flashFiles(), []);
  assert.equal(sw.bootFile(), undefined);
  assert.equal(sw.reloads(), 0);
  const status = (await readStatus(state)).find((s) => s.mac === sw.spec.mac);
  assert.equal(status?.result, 'parked');
  assert.equal(status.parked?.reason, 'firmware');
});

void test('a switch that does not come back in time is reported, and parked when it is next seen, not upgraded again', async () => {
  const sw = lab.get('NORETURN');
  const back = new Promise<void>((resolve) => booted.set('NORETURN', resolve));
  onboarder.onboard(sw.address, sw.spec.mac, 'Switch');
  await onboarder.idle();
  assert.equal(sw.reloads(), 1);
  assert.equal(sw.isUp(), false);
  const failed = events(Events.firmwareUpgradeFailed).find((r) => r.mac === sw.spec.mac);
  assert.equal(failed?.reason, 'no-return');
  assert.match(failed.msg, /did not come back within 3 s of its reload/);
  assert.equal(events(Events.provisionDone, 'ACC-NORETURN').length, 0);
  const reported = (await readStatus(state)).find((s) => s.mac === sw.spec.mac);
  assert.equal(reported?.result, 'failed');
  assert.match(String(reported.message), /did not come back.*; it is parked when it is next seen/);
  // It boots later and asks DHCP again: that lease parks it.
  await back;
  await onboarder.idle();
  assert.equal(sw.reloads(), 1, 'not upgraded a second time');
  assert.equal(events(Events.firmwareUpgradeStarted).filter((r) => r.mac === sw.spec.mac).length, 1);
  const parked = (await readStatus(state)).find((s) => s.mac === sw.spec.mac);
  assert.equal(parked?.result, 'parked');
  assert.equal(parked.parked?.reason, 'firmware');
  assert.equal(sw.hostname(), 'parked-beb5de0f0004');
});

void test('a known switch\'s check says whether it runs the site\'s version, and never upgrades it', async () => {
  assert.equal(await onboarder.checkHost('ACC-UPGRADED'), 0);
  const upgraded = events(Events.firmwareCompliance, 'ACC-UPGRADED').at(-1);
  assert.equal(upgraded?.result, 'ok');
  const old = lab.get('FS-S3900-OLD');
  // Its config is its baseline: the check is OK, and the version is a line of its own, reported only.
  assert.equal(await onboarder.checkHost('FS-S3900-OLD'), 0);
  const line = events(Events.firmwareCompliance, 'FS-S3900-OLD').at(-1);
  assert.equal(line?.result, 'drift');
  assert.equal(line.version, '1.7.3');
  assert.equal(line.wanted, WANTED);
  assert.match(line.msg, /reported only: a known switch is not upgraded/);
  assert.equal(old.reloads(), 0);
  assert.deepEqual(old.flashFiles(), []);
  const status = (await readStatus(state)).find((s) => s.device === 'FS-S3900-OLD');
  assert.deepEqual(status?.firmware, { running: '1.7.3', wanted: WANTED, compliant: false });
  assert.equal(status.result, 'ok');
  // onramp status says it in words (the shipped bundle, on this state directory).
  const shown = onramp(['status', '--state', stateDir]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /^FS-S3900-OLD .* OS 1\.7\.3, the site names 1\.7\.6/m);
  assert.match(shown.stdout, /^ACC-UPGRADED .* OS 1\.7\.6$/m);
  assert.match(shown.stdout, /^Switch be:b5:de:0f:00:03 .* parked .*parked \(firmware: OS upgrade to 1\.7\.6 failed: image .* seen: candidates ACC-BADHASH$/m);
});

// Last: it stops the onboarder.
void test('a stop while a switch reloads into its new OS ends the wait at once; the job is put off to the next start', async () => {
  const sw = lab.get('STOPPED');
  onboarder.onboard(sw.address, sw.spec.mac, 'Switch');
  await waitFor(() => sw.reloads() === 1, 20_000, 'the reload');
  const stopping = Date.now();
  await onboarder.stop();
  assert.ok(Date.now() - stopping < 10_000, `the stop took ${String(Date.now() - stopping)} ms`);
  assert.ok(events(Events.jobDeferred).some((r) => r.mac === sw.spec.mac), 'the job was put off, not failed');
  assert.equal(events(Events.firmwareUpgradeFailed).filter((r) => r.mac === sw.spec.mac).length, 0);
  await onboarder.close();
  const saved = events(Events.jobsSaved).at(-1)?.jobs as { kind: string; mac?: string }[] | undefined;
  assert.ok(saved?.some((job) => job.kind === 'factory' && job.mac === sw.spec.mac), 'it runs again at the next start');
});
