import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Lab, type LabSwitchSpec } from '../src/lab/index.js';
import { Events } from '../src/log/index.js';
import { createOnboarder, readStatus, type Onboarder } from '../src/onboard/index.js';
import { StateStore } from '../src/state/index.js';
import { memoryLogger, tempDir, writeTree, type LogRecord } from './onboard-fakes.js';

// End to end over real SSH: the shipped templates and example baselines against the lab's switches.
const PASSWORD = 'lab-secret-pw';
process.env.ONRAMP_HQ_PASSWORD = PASSWORD;
process.env.ONRAMP_FACTORY_PASSWORD = PASSWORD;

const ROOT = join(import.meta.dirname, '..');
const CORE1 = await readFile(join(ROOT, 'baselines/hq/FS-S5850-CORE1.cfg'), 'utf8');
const SRV = await readFile(join(ROOT, 'baselines/hq/FS-S5850-SRV.cfg'), 'utf8');
const REJ = CORE1.replaceAll('FS-S5850-CORE1', 'FS-S5850-REJ');
const DOWN = CORE1.replaceAll('FS-S5850-CORE1', 'FS-S5850-DOWN');
const MID = CORE1.replaceAll('FS-S5850-CORE1', 'FS-S5850-MID');
// Drifted in three places; the switch refuses the third fix, so two are applied before the rejection.
const MID_RUNNING = MID.replace('snmp-server location hq core room', 'snmp-server location old room')
  .replace(' description FS-S5850-SRV', ' description old-srv').replace(' description FS-S3900-ACC3', ' description old-acc3');

const switches: LabSwitchSpec[] = [
  { hostname: 'FS-S5850-CORE1', personality: 'fs-s5850', mac: '00:aa:bb:00:00:01', username: 'admin', password: PASSWORD, runningConfig: CORE1 },
  {
    hostname: 'FS-S5850-SRV', personality: 'fs-s5850', mac: '00:aa:bb:00:00:02', username: 'admin', password: PASSWORD,
    runningConfig: SRV.replace(' description server-b', ' description old-server').replace('interface vlan77', 'interface eth-0-7\n shutdown\n!\ninterface vlan77'),
  },
  {
    hostname: 'FS-S5850-REJ', personality: 'fs-s5850', mac: '00:aa:bb:00:00:03', username: 'admin', password: PASSWORD,
    runningConfig: REJ.replace('snmp-server location hq core room', 'snmp-server location somewhere else'), faults: ['reject-config'],
  },
  {
    hostname: 'FS-S5850-MID', personality: 'fs-s5850', mac: '00:aa:bb:00:00:05', username: 'admin', password: PASSWORD,
    runningConfig: MID_RUNNING, faults: ['reject-config'], rejectPattern: '^description FS-S3900-ACC3',
  },
  { hostname: 'FS-S5850-DOWN', personality: 'fs-s5850', mac: '00:aa:bb:00:00:04', username: 'admin', password: PASSWORD, runningConfig: DOWN, faults: ['refuse'] },
  { hostname: 'Switch', personality: 'fs-s3900', mac: 'be:b5:de:01:12:a1', username: 'admin', password: PASSWORD },
  {
    hostname: 'Switch-2', personality: 'fs-s3900', mac: 'be:b5:de:01:12:b2', username: 'admin', password: PASSWORD,
    uplink: { device: 'FS-S5850-CORE1', port: 'eth-0-12', localPort: 'ethernet 1/25' },
  },
];

let lab: Lab;
let onboarder: Onboarder;
let records: LogRecord[];
let logText: () => string;
let state: StateStore;
let cleanup: () => Promise<void>;

function ip(hostname: string): string {
  return lab.get(hostname).address;
}

function siteYaml(): string {
  const device = (name: string, baseline: string): string =>
    `  - { hostname: ${name}, model: fs-s5850, ip: ${ip(name)}, baseline: ${baseline}, vars: { mgmtIp: 10.77.0.10, uplinkPort: eth-0-1 } }\n`;
  return `name: hq
subnets: [127.77.0.0/16]
credentials: { username: admin, passwordEnv: ONRAMP_HQ_PASSWORD }
factoryCredentials: { username: admin, passwordEnv: ONRAMP_FACTORY_PASSWORD }
ssh: { port: ${lab.port}, timeoutMs: 5000, retries: 0, hostKeys: pin }
policy: { onDrift: report, recheckAfter: 1h }
vars:
  location: hq
  mgmtVlan: 77
  mgmtMask: 255.255.255.0
  vlans: [{ id: 10, name: users }, { id: 77, name: mgmt }]
devices:
${device('FS-S5850-CORE1', 'FS-S5850-CORE1.cfg')}${device('FS-S5850-SRV', 'FS-S5850-SRV.cfg')}${device('FS-S5850-REJ', 'REJ.cfg')}${device('FS-S5850-MID', 'MID.cfg')}${device('FS-S5850-DOWN', 'DOWN.cfg')}portmap:
  - { uplink: { device: FS-S5850-CORE1, port: eth-0-12 }, hostname: FS-S3900-ACC1, model: fs-s3900, vars: { mgmtIp: 10.77.0.21, uplinkPort: 1/25 } }
  - { mac: "be:b5:de:01:12:a1", hostname: FS-S3900-ACC2, model: fs-s3900, vars: { mgmtIp: 10.77.0.22, uplinkPort: 1/25 } }
`;
}

before(async () => {
  const { dir, remove } = await tempDir('onramp-onboard-lab-');
  cleanup = remove;
  lab = await Lab.start({ switches, keyDir: join(dir, 'keys') });
  await writeTree(dir, {
    'sites/hq/site.yaml': siteYaml(),
    'sites/hq/FS-S5850-CORE1.cfg': CORE1,
    'sites/hq/FS-S5850-SRV.cfg': SRV,
    'sites/hq/REJ.cfg': REJ,
    'sites/hq/MID.cfg': MID,
    'sites/hq/DOWN.cfg': DOWN,
  });
  const memory = memoryLogger();
  records = memory.records;
  logText = memory.text;
  state = new StateStore(join(dir, 'state'));
  onboarder = await createOnboarder({ sitesDir: join(dir, 'sites'), templatesDir: join(ROOT, 'templates'), state, logger: memory.logger });
});

after(async () => {
  await onboarder.close();
  await lab.stop();
  await cleanup();
});

function last(event: string, device: string): LogRecord | undefined {
  return records.filter((record) => record.event === event && record.device === device).at(-1);
}

void test('lab: a switch equal to its golden config is Configuration OK', async () => {
  assert.equal(await onboarder.checkHost('FS-S5850-CORE1'), 0);
  assert.equal(last(Events.checkOk, 'FS-S5850-CORE1')?.msg, 'Configuration OK');
});

void test('lab: drift is reported, then remediated in place, saved and verified', async () => {
  const srv = lab.get('FS-S5850-SRV');
  assert.equal(await onboarder.checkHost('FS-S5850-SRV'), 1);
  const drift = last(Events.checkDrift, 'FS-S5850-SRV');
  assert.match(String(drift?.diff), /^\+ description old-server$/m);
  assert.equal(srv.saves(), 0);

  // check --remediate --dry-run: the same plan, typed nowhere.
  const before = srv.runningConfig();
  const planned = await onboarder.planHost('FS-S5850-SRV');
  assert.equal(planned.exitCode, 1);
  assert.deepEqual(planned.lines, ['interface eth-0-2', 'description server-b', 'exit']);
  assert.equal(srv.runningConfig(), before);
  assert.ok(!srv.commandLog().includes('description server-b'), 'nothing was typed');

  assert.equal(await onboarder.checkHost('FS-S5850-SRV', { remediate: true }), 0);
  assert.equal(last(Events.provisionDone, 'FS-S5850-SRV')?.result, 'remediated');
  assert.equal(srv.saves(), 1);
  // A port the baseline does not mention is left as it is: emptying it would bring a retired port up.
  assert.ok(!srv.commandLog().includes('no shutdown'), 'the unmentioned port is not touched');
  assert.match(srv.runningConfig(), /^interface eth-0-7\n shutdown$/m);
  assert.equal(await onboarder.checkHost('FS-S5850-SRV'), 0);
  const [backup] = await state.readJson<{ id: string }[]>(['backups', 'FS-S5850-SRV', 'index.json'], []);
  assert.ok(backup !== undefined, 'the running config was backed up before the push');
});

void test('lab: a rejected line stops the push and nothing is saved', async () => {
  const rej = lab.get('FS-S5850-REJ');
  assert.equal(await onboarder.checkHost('FS-S5850-REJ', { remediate: true }), 3);
  const failed = last(Events.provisionFailed, 'FS-S5850-REJ');
  assert.match(String(failed?.command), /^snmp-server location/);
  assert.match(String(failed?.deviceMessage), /Invalid input/);
  assert.equal(rej.saves(), 0);
  assert.equal(rej.startupConfig(), '');
});

void test('lab: a line rejected mid-plan: what was applied is typed back, nothing is saved, both are reported', async () => {
  const mid = lab.get('FS-S5850-MID');
  const before = mid.runningConfig();
  assert.equal(await onboarder.checkHost('FS-S5850-MID', { remediate: true }), 3);
  const failed = last(Events.provisionFailed, 'FS-S5850-MID');
  assert.ok(failed !== undefined);
  assert.equal(failed.command, 'description FS-S3900-ACC3');
  assert.deepEqual(failed.rollback, {
    commands: ['interface eth-0-1', 'description old-srv', 'exit', 'snmp-server location old room'],
    complete: true,
  });
  assert.equal(last(Events.provisionRollback, 'FS-S5850-MID')?.result, 'ok');
  assert.equal(mid.saves(), 0);
  assert.equal(mid.startupConfig(), '');
  assert.equal(mid.runningConfig(), before, 'the running config is back where it was');
});

void test('lab: an unreachable switch gives device.unreachable and exit 3', async () => {
  assert.equal(await onboarder.checkHost('FS-S5850-DOWN'), 3);
  assert.equal(last(Events.unreachable, 'FS-S5850-DOWN')?.result, 'unreachable');
});

void test('lab: a factory switch found by its MAC is provisioned from the fs-s3900 template and verifies clean', async () => {
  const factory = lab.get('Switch');
  onboarder.onboard(factory.address, 'be:b5:de:01:12:a1', 'Switch');
  await onboarder.idle();
  assert.equal(records.find((record) => record.event === Events.identityFound && record.mac === 'be:b5:de:01:12:a1')?.source, 'mac');
  assert.equal(last(Events.provisionDone, 'FS-S3900-ACC2')?.result, 'provisioned');
  assert.equal(factory.hostname(), 'FS-S3900-ACC2');
  assert.equal(factory.saves(), 1);
  // Known now: a later check is an ordinary drift check, and it is clean.
  assert.equal(await onboarder.checkHost('FS-S3900-ACC2'), 0);
  assert.ok(!logText().includes(PASSWORD), 'the password never reaches the log');
});

void test('lab: a factory switch found by LLDP is provisioned as its port map entry', async () => {
  const factory = lab.get('Switch-2');
  onboarder.onboard(factory.address, 'be:b5:de:01:12:b2', 'Switch');
  await onboarder.idle();
  assert.equal(records.find((record) => record.event === Events.identityFound && record.mac === 'be:b5:de:01:12:b2')?.source, 'lldp');
  assert.equal(factory.hostname(), 'FS-S3900-ACC1');
  assert.equal(last(Events.provisionDone, 'FS-S3900-ACC1')?.result, 'provisioned');
  const status = await readStatus(state);
  assert.equal(status.find((entry) => entry.device === 'FS-S3900-ACC1')?.result, 'provisioned');
});
