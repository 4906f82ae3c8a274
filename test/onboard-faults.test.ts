import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HostKeyStore, type DeviceTarget } from '../src/device/index.js';
import { DEFAULT_JOB_TIMEOUT_MS, parseSite, SiteFileError } from '../src/inventory/index.js';
import { Lab, type LabFault, type LabSwitchSpec } from '../src/lab/index.js';
import { Events } from '../src/log/index.js';
import { createOnboarder, sshConnector, type DeviceConnector, type Onboarder, type SessionLike } from '../src/onboard/index.js';
import { StateStore } from '../src/state/index.js';
import { FakeNetwork, FakeSwitch, memoryLogger, tempDir, waitFor, writeTree, type LogRecord } from './onboard-fakes.js';

// Every lab fault end to end through the onboarder, as `onramp check --remediate` meets it:
// the exit code, the event, and that the switch saved nothing when the job failed.
const PASSWORD = 'fault-lab-pw';
process.env.ONRAMP_FAULTS_PASSWORD = PASSWORD;

const ROOT = join(import.meta.dirname, '..');
const TEMPLATES = join(ROOT, 'templates');
const GOLDEN = await readFile(join(ROOT, 'baselines/hq/FS-S5850-CORE1.cfg'), 'utf8');
const LOCATION = 'snmp-server location hq core room';
const SLOW_MS = 150;

function golden(hostname: string): string {
  return GOLDEN.replaceAll('FS-S5850-CORE1', hostname);
}

/** Drift whose fix is one snmp-server line: what the reject-config fault refuses. */
function drifted(hostname: string): string {
  return golden(hostname).replace(LOCATION, 'snmp-server location somewhere else');
}

type SiteName = 'hq' | 'legacy' | 'slowjob';
const SUBNETS: Record<SiteName, string> = { hq: '127.77.3', legacy: '127.77.4', slowjob: '127.77.5' };

interface Member {
  hostname: string;
  site: SiteName;
  faults: LabFault[];
  inSync?: boolean;
}

const MEMBERS: Member[] = [
  { hostname: 'F-REFUSE', site: 'hq', faults: ['refuse'] },
  { hostname: 'F-WRONGPW', site: 'hq', faults: ['wrong-password'] },
  { hostname: 'F-DISCONNECT', site: 'hq', faults: ['disconnect-on-show-run'] },
  { hostname: 'F-REJECT', site: 'hq', faults: ['reject-config'] },
  { hostname: 'F-HOSTKEY', site: 'hq', faults: [] },
  { hostname: 'F-SLOW', site: 'hq', faults: ['slow'] },
  { hostname: 'F-PAGING', site: 'hq', faults: ['paging-stuck'] },
  { hostname: 'F-BANNER', site: 'hq', faults: ['banner'] },
  { hostname: 'F-LEGACY-OFF', site: 'hq', faults: ['legacy-algorithms'] },
  { hostname: 'F-LEGACY', site: 'legacy', faults: ['legacy-algorithms'] },
  { hostname: 'F-SLOWJOB', site: 'slowjob', faults: ['slow'] },
  ...[1, 2, 3, 4].map((n): Member => ({ hostname: `F-CONC${n}`, site: 'hq', faults: ['slow'], inSync: true })),
];

function specs(): LabSwitchSpec[] {
  const counts: Record<SiteName, number> = { hq: 0, legacy: 0, slowjob: 0 };
  return MEMBERS.map((member, index) => ({
    hostname: member.hostname,
    personality: 'fs-s5850',
    mac: `00:fa:17:00:00:${(index + 1).toString(16).padStart(2, '0')}`,
    username: 'admin',
    password: PASSWORD,
    address: `${SUBNETS[member.site]}.${++counts[member.site]}`,
    runningConfig: member.inSync === true ? golden(member.hostname) : drifted(member.hostname),
    faults: member.faults,
  }));
}

function siteYaml(site: SiteName, port: number, ssh: string): string {
  const devices = MEMBERS.filter((member) => member.site === site).map((member) =>
    `  - { hostname: ${member.hostname}, model: fs-s5850, ip: ${lab.get(member.hostname).address}, baseline: ${member.hostname}.cfg, vars: { mgmtIp: 10.77.0.10, uplinkPort: eth-0-1 } }\n`);
  return `name: ${site}
subnets: [${SUBNETS[site]}.0/24]
credentials: { username: admin, passwordEnv: ONRAMP_FAULTS_PASSWORD }
ssh: { port: ${port}, timeoutMs: 2000, retries: 0, hostKeys: pin${ssh} }
policy: { onDrift: remediate, recheckAfter: 1h }
vars: { location: hq, mgmtVlan: 77, mgmtMask: 255.255.255.0, vlans: [{ id: 10, name: users }, { id: 77, name: mgmt }] }
devices:
${devices.join('')}`;
}

/** Counts SSH sessions from the connection attempt to the close, per address and in all. */
class SessionCounter implements DeviceConnector {
  readonly attempts = new Map<string, number>();
  private readonly live = new Map<string, number>();
  private liveTotal = 0;
  maxLive = 0;
  maxLivePerHost = 0;

  constructor(private readonly inner: DeviceConnector) {}

  liveAt(host: string): number {
    return this.live.get(host) ?? 0;
  }

  resetPeaks(): void {
    this.maxLive = this.liveTotal;
    this.maxLivePerHost = Math.max(0, ...this.live.values());
  }

  async open(target: DeviceTarget): Promise<SessionLike> {
    this.attempts.set(target.host, (this.attempts.get(target.host) ?? 0) + 1);
    this.bump(target.host, 1);
    let session: SessionLike;
    try {
      session = await this.inner.open(target);
    } catch (err) {
      this.bump(target.host, -1);
      throw err;
    }
    let closed = false;
    return {
      hostname: () => session.hostname(),
      run: (command) => session.run(command),
      dialogue: (command, answers, timeoutMs) => session.dialogue(command, answers, timeoutMs),
      runningConfig: () => session.runningConfig(),
      configure: (lines) => session.configure(lines),
      save: () => session.save(),
      lldpNeighbors: () => session.lldpNeighbors(),
      macTable: () => session.macTable(),
      close: async () => {
        try {
          await session.close();
        } finally {
          if (!closed) this.bump(target.host, -1);
          closed = true;
        }
      },
    };
  }

  private bump(host: string, by: number): void {
    const now = this.liveAt(host) + by;
    this.live.set(host, now);
    this.liveTotal += by;
    this.maxLive = Math.max(this.maxLive, this.liveTotal);
    this.maxLivePerHost = Math.max(this.maxLivePerHost, now);
  }
}

let lab: Lab;
let onboarder: Onboarder;
let records: LogRecord[];
let logText: () => string;
let state: StateStore;
let sessions: SessionCounter;
let cleanup: () => Promise<void>;

before(async () => {
  const { dir, remove } = await tempDir('onramp-onboard-faults-');
  cleanup = remove;
  lab = await Lab.start({ switches: specs(), keyDir: join(dir, 'keys'), slowMs: SLOW_MS });
  const files: Record<string, string> = {
    'sites/hq/site.yaml': siteYaml('hq', lab.port, ''),
    'sites/legacy/site.yaml': siteYaml('legacy', lab.port, ', legacyAlgorithms: true'),
    'sites/slowjob/site.yaml': siteYaml('slowjob', lab.port, ', jobTimeoutMs: 100'),
  };
  for (const member of MEMBERS) files[`sites/${member.site}/${member.hostname}.cfg`] = golden(member.hostname);
  await writeTree(dir, files);
  const memory = memoryLogger();
  records = memory.records;
  logText = memory.text;
  state = new StateStore(join(dir, 'state'));
  sessions = new SessionCounter(sshConnector({ hostKeys: new HostKeyStore(state, join(dir, 'sites')), logger: memory.logger }));
  onboarder = await createOnboarder({
    sitesDir: join(dir, 'sites'), templatesDir: TEMPLATES, state, logger: memory.logger, connector: sessions, concurrency: 2,
  });
});

after(async () => {
  await onboarder.close();
  await lab.stop();
  await cleanup();
});

function eventsOf(event: string, device: string): LogRecord[] {
  return records.filter((record) => record.event === event && record.device === device);
}

function present<T>(value: T | undefined, what: string): T {
  assert.ok(value !== undefined, `no ${what}`);
  return value;
}

function last(event: string, device: string): LogRecord {
  return present(eventsOf(event, device).at(-1), `${event} for ${device}`);
}

/** Every event that ended a job for `device`, in order. */
function endings(device: string): string[] {
  const ending: readonly string[] = [
    Events.checkOk, Events.checkDrift, Events.checkFailed, Events.provisionDone, Events.provisionFailed, Events.unreachable, Events.hostkeyChanged,
  ];
  return records.filter((record) => record.device === device && ending.includes(record.event ?? '') && record.result !== undefined).map((record) => String(record.event));
}

function assertNothingSaved(hostname: string): void {
  const sw = lab.get(hostname);
  assert.equal(sw.saves(), 0, `${hostname} saved its config`);
  assert.equal(sw.startupConfig(), '', `${hostname} has a new startup config`);
  assert.ok(!sw.commandLog().includes('write'), `${hostname} was sent a save`);
}

function assertRemediated(hostname: string): void {
  const sw = lab.get(hostname);
  assert.equal(last(Events.provisionDone, hostname).result, 'remediated');
  assert.equal(sw.saves(), 1);
  assert.ok(sw.startupConfig().includes(LOCATION), 'the fixed line is in the saved config');
  assert.ok(sw.runningConfig().includes(LOCATION));
}

interface Failure {
  hostname: string;
  fault: LabFault;
  event: string;
  result: string;
  kind?: string;
  message: RegExp;
  /** Events that end a step of the job, in order; the last is `event`. */
  endings: string[];
}

const FAILURES: Failure[] = [
  {
    hostname: 'F-REFUSE', fault: 'refuse', event: Events.unreachable, result: 'unreachable', kind: 'unreachable',
    message: /unreachable after 1 attempt/, endings: [Events.unreachable],
  },
  {
    hostname: 'F-WRONGPW', fault: 'wrong-password', event: Events.checkFailed, result: 'failed', kind: 'auth',
    message: /authentication failed for user "admin"/, endings: [Events.checkFailed],
  },
  {
    hostname: 'F-DISCONNECT', fault: 'disconnect-on-show-run', event: Events.unreachable, result: 'unreachable', kind: 'closed',
    message: /closed the session while waiting for the reply to "show running-config"/, endings: [Events.unreachable],
  },
  {
    hostname: 'F-REJECT', fault: 'reject-config', event: Events.provisionFailed, result: 'failed',
    message: /push rejected at "snmp-server location hq core room": % Invalid input/, endings: [Events.checkDrift, Events.provisionFailed],
  },
];

for (const failure of FAILURES) {
  void test(`${failure.fault}: exit 3, ${failure.event}, nothing saved`, async () => {
    assert.equal(await onboarder.checkHost(failure.hostname, { remediate: true }), 3);
    const event = last(failure.event, failure.hostname);
    assert.equal(event.result, failure.result);
    if (failure.kind !== undefined) assert.equal(event.kind, failure.kind);
    assert.match(event.msg, failure.message);
    assert.deepEqual(endings(failure.hostname), failure.endings);
    assert.equal(eventsOf(Events.provisionDone, failure.hostname).length, 0);
    assert.equal(onboarder.status.get(failure.hostname)?.result, failure.result);
    assertNothingSaved(failure.hostname);
  });
}

void test('reject-config: the failing line and the device message are in the event; config mode was left', () => {
  const failed = last(Events.provisionFailed, 'F-REJECT');
  assert.equal(failed.command, LOCATION);
  assert.match(String(failed.deviceMessage), /% Invalid input/);
  assert.equal(failed.saved, false);
  const log = lab.get('F-REJECT').commandLog();
  assert.ok(log.lastIndexOf('end') > log.lastIndexOf(LOCATION), 'config mode left after the rejected line');
});

void test('wrong-password: not reported as an unreachable device', () => {
  assert.equal(eventsOf(Events.unreachable, 'F-WRONGPW').length, 0);
});

void test('hostkey-changed: pinned on the first check, a changed key refused with nothing sent, accepted by its fingerprint, then remediated', async () => {
  const sw = lab.get('F-HOSTKEY');
  assert.equal(await onboarder.checkHost('F-HOSTKEY'), 1, 'first check reports the drift and pins the key');
  const pinnedFor = async (): Promise<string[]> => (await new HostKeyStore(state).list()).filter((pin) => pin.owner === 'F-HOSTKEY').map((pin) => pin.fingerprint);
  assert.deepEqual(await pinnedFor(), [sw.hostKeyFingerprint()]);

  sw.setFaults(['hostkey-changed']);
  await sw.settled();
  const commandsBefore = sw.commandLog().length;
  assert.equal(await onboarder.checkHost('F-HOSTKEY', { remediate: true }), 3);
  const changed = last(Events.hostkeyChanged, 'F-HOSTKEY');
  assert.equal(changed.result, 'failed');
  assert.equal(changed.pinned, sw.hostKeyFingerprint());
  const seen = String(changed.fingerprint);
  assert.notEqual(seen, sw.hostKeyFingerprint());
  const command = `onramp hostkeys accept F-HOSTKEY --fingerprint ${seen} --sites ${join(state.root, '..', 'sites')} --state ${state.root}`;
  assert.equal(changed.command, command);
  assert.ok(changed.msg.includes(command), changed.msg);
  assert.equal(sw.commandLog().length, commandsBefore, 'nothing was sent to the switch');
  assertNothingSaved('F-HOSTKEY');
  assert.equal(onboarder.status.get('F-HOSTKEY')?.lastEvent, Events.hostkeyChanged);
  assert.deepEqual(await pinnedFor(), [sw.hostKeyFingerprint()], 'the old pin stands');

  // What the command in the event does.
  await new HostKeyStore(state).accept({ kind: 'device', name: 'F-HOSTKEY' }, seen);
  assert.equal(await onboarder.checkHost('F-HOSTKEY', { remediate: true }), 0);
  assertRemediated('F-HOSTKEY');
  assert.deepEqual(await pinnedFor(), [seen], 'the changed key is pinned now');
});

for (const [hostname, fault] of [['F-SLOW', 'slow'], ['F-PAGING', 'paging-stuck'], ['F-BANNER', 'banner']] as const) {
  void test(`${fault}: remediated, saved once, then Configuration OK`, async () => {
    const started = Date.now();
    assert.equal(await onboarder.checkHost(hostname, { remediate: true }), 0);
    const elapsed = Date.now() - started;
    assertRemediated(hostname);
    assert.equal(await onboarder.checkHost(hostname), 0);
    assert.equal(last(Events.checkOk, hostname).msg, 'Configuration OK');
    if (fault === 'slow') assert.ok(elapsed >= SLOW_MS * 6, `the switch was slow (${elapsed} ms)`);
    if (fault === 'paging-stuck') {
      assert.ok(lab.get(hostname).commandLog().includes('terminal length 0'), 'paging was asked off and stayed on');
    }
  });
}

void test('legacy-algorithms: without ssh.legacyAlgorithms the connection fails, and the message says legacy algorithms are needed', async () => {
  assert.equal(await onboarder.checkHost('F-LEGACY-OFF', { remediate: true }), 3);
  const failed = last(Events.checkFailed, 'F-LEGACY-OFF');
  assert.equal(failed.kind, 'protocol');
  assert.equal(failed.result, 'failed');
  assert.match(failed.msg, /no matching key exchange algorithm \(the site may need legacy algorithms enabled\)/);
  assert.equal(eventsOf(Events.unreachable, 'F-LEGACY-OFF').length, 0);
  assert.equal(lab.get('F-LEGACY-OFF').commandLog().length, 0, 'no login');
  assertNothingSaved('F-LEGACY-OFF');
});

void test('legacy-algorithms: with ssh.legacyAlgorithms: true in the site the switch is remediated', async () => {
  assert.equal(await onboarder.checkHost('F-LEGACY', { remediate: true }), 0);
  assertRemediated('F-LEGACY');
});

void test('whole-job timeout: a slow switch past ssh.jobTimeoutMs is abandoned, its session closed, nothing saved', { timeout: 10_000 }, async () => {
  const sw = lab.get('F-SLOWJOB');
  const started = Date.now();
  assert.equal(await onboarder.checkHost('F-SLOWJOB', { remediate: true }), 3);
  const elapsed = Date.now() - started;
  // The whole remediation takes some ten slow replies; the job ends long before.
  assert.ok(elapsed < SLOW_MS * 6, `returned after ${elapsed} ms`);
  const ended = records.filter((record) => record.device === 'F-SLOWJOB' && record.kind === 'job-timeout');
  assert.equal(ended.length, 1);
  const timedOut = present(ended[0], 'job-timeout event');
  assert.ok(timedOut.event === Events.checkFailed || timedOut.event === Events.provisionFailed, timedOut.event);
  assert.equal(timedOut.result, 'failed');
  assert.equal(timedOut.timeoutMs, 100);
  assert.match(timedOut.msg, /abandoned after 100 ms \(ssh\.jobTimeoutMs\)/);
  assert.equal(onboarder.status.get('F-SLOWJOB')?.result, 'failed');
  await waitFor(() => sessions.liveAt(sw.address) === 0, 10_000, 'the abandoned session to close');
  assertNothingSaved('F-SLOWJOB');
  assert.ok(!sw.runningConfig().includes(LOCATION), 'nothing was pushed');
});

void test('two DHCPACKs and a check for one device at once: one SSH session, one check', async () => {
  const sw = lab.get('F-CONC1');
  const logins = (): number => sw.commandLog().filter((line) => line === 'terminal length 0').length;
  const loginsBefore = logins();
  sessions.resetPeaks();
  onboarder.onboard(sw.address, sw.spec.mac, 'F-CONC1');
  onboarder.onboard(sw.address, sw.spec.mac, 'F-CONC1');
  onboarder.check('F-CONC1');
  await onboarder.idle();
  assert.equal(sessions.attempts.get(sw.address), 1);
  assert.equal(logins() - loginsBefore, 1, 'the switch saw one login');
  assert.equal(sessions.maxLivePerHost, 1);
  assert.equal(eventsOf(Events.checkOk, 'F-CONC1').length, 1);
  assert.equal(eventsOf(Events.dhcpSuppressed, 'f-conc1').filter((record) => record.reason === 'job already queued or running').length, 2);
});

void test('several devices at once: the global limit (2) bounds the SSH sessions, every device is checked', async () => {
  const names = ['F-CONC1', 'F-CONC2', 'F-CONC3', 'F-CONC4'];
  const okBefore = names.map((name) => eventsOf(Events.checkOk, name).length);
  sessions.resetPeaks();
  for (const name of names) onboarder.check(name);
  await onboarder.idle();
  assert.equal(sessions.maxLive, 2);
  assert.equal(sessions.maxLivePerHost, 1);
  assert.deepEqual(names.map((name, index) => eventsOf(Events.checkOk, name).length - (okBefore[index] ?? 0)), [1, 1, 1, 1]);
});

void test('no password in the debug log of all of the above', () => {
  assert.ok(records.length > 0);
  assert.ok(!logText().includes(PASSWORD));
});

// ---- The whole-job timeout at the exact points where it matters, with in-memory switches ----

const EDGE_SITE = `name: edge
subnets: [10.88.0.0/24]
credentials: { username: admin, passwordEnv: ONRAMP_FAULTS_PASSWORD }
ssh: { port: 22, timeoutMs: 5000, retries: 0, jobTimeoutMs: 100 }
policy: { onDrift: remediate, recheckAfter: 1h }
devices:
  - { hostname: EDGE1, model: fs-s5850, ip: 10.88.0.10, baseline: EDGE1.cfg, vars: { mgmtIp: 10.77.0.10, uplinkPort: eth-0-1 } }
`;

/** A network whose pushes wait for `release()`, as a switch that hangs in config mode. */
class StuckPushNetwork extends FakeNetwork {
  release: () => void = () => undefined;
  private readonly gate = new Promise<void>((resolve) => {
    this.release = resolve;
  });

  override async open(target: DeviceTarget): Promise<SessionLike> {
    const session = await super.open(target);
    return {
      ...session,
      configure: async (lines) => {
        await this.gate;
        await session.configure(lines);
      },
    };
  }
}

async function edgeWorld(t: TestContext, net: FakeNetwork): Promise<{ onboarder: Onboarder; records: LogRecord[]; edge: FakeSwitch }> {
  const { dir, remove } = await tempDir('onramp-onboard-jobtimeout-');
  t.after(remove);
  await writeTree(dir, { 'sites/edge/site.yaml': EDGE_SITE, 'sites/edge/EDGE1.cfg': golden('EDGE1') });
  const edge = net.add('10.88.0.10', new FakeSwitch('EDGE1', PASSWORD, drifted('EDGE1')));
  edge.afterPush = golden('EDGE1');
  const memory = memoryLogger();
  const created = await createOnboarder({
    sitesDir: join(dir, 'sites'), templatesDir: TEMPLATES, state: new StateStore(join(dir, 'state')), logger: memory.logger, connector: net,
  });
  t.after(() => created.close());
  return { onboarder: created, records: memory.records, edge };
}

void test('whole-job timeout while show running-config hangs: check.failed (job-timeout), session closed at once', { timeout: 10_000 }, async (t) => {
  const net = new FakeNetwork();
  const world = await edgeWorld(t, net);
  let release = (): void => undefined;
  world.edge.gate = new Promise((resolve) => {
    release = resolve;
  });
  t.after(release);
  assert.equal(await world.onboarder.checkHost('EDGE1', { remediate: true }), 3);
  const failed = present(world.records.find((record) => record.event === Events.checkFailed), 'device.check.failed');
  assert.equal(failed.kind, 'job-timeout');
  assert.equal(failed.result, 'failed');
  assert.equal(net.openNow, 0, 'the session is closed');
  assert.equal(world.edge.pushes.length, 0);
  assert.equal(world.edge.saves, 0);
});

void test('whole-job timeout in the middle of a push: provision.failed (job-timeout), never saved even when the push completes later', { timeout: 10_000 }, async (t) => {
  const net = new StuckPushNetwork();
  const world = await edgeWorld(t, net);
  t.after(() => { net.release(); });
  assert.equal(await world.onboarder.checkHost('EDGE1', { remediate: true }), 3);
  const failed = present(world.records.find((record) => record.event === Events.provisionFailed), 'device.provision.failed');
  assert.equal(failed.kind, 'job-timeout');
  assert.equal(failed.result, 'failed');
  assert.equal(world.onboarder.status.get('EDGE1')?.action, 'remediate');
  assert.ok(world.records.some((record) => record.event === Events.backupSaved), 'backed up before the push');
  assert.equal(net.openNow, 0, 'the session is closed');
  net.release();
  await waitFor(() => world.edge.pushes.length === 1, 5000, 'the stuck push to finish on the switch');
  assert.equal(world.edge.saves, 0, 'the late push is not saved');
});

void test('ssh.jobTimeoutMs: five minutes unless set; validated with file:line', () => {
  const site = (ssh: string): string => `name: edge\nsubnets: [10.88.0.0/24]\ncredentials: { username: admin, passwordEnv: ONRAMP_FAULTS_PASSWORD }\nssh: { ${ssh} }\n`;
  assert.equal(DEFAULT_JOB_TIMEOUT_MS, 5 * 60_000);
  assert.equal(parseSite('/sites/edge/site.yaml', site('port: 22')).ssh.jobTimeoutMs, DEFAULT_JOB_TIMEOUT_MS);
  assert.equal(parseSite('/sites/edge/site.yaml', site('jobTimeoutMs: 90000')).ssh.jobTimeoutMs, 90_000);
  for (const bad of ['jobTimeoutMs: 0', 'jobTimeoutMs: 5m', 'jobTimeoutMs: 3600001']) {
    assert.throws(() => parseSite('/sites/edge/site.yaml', site(bad)), (err: unknown) =>
      err instanceof SiteFileError && /site\.yaml:4: ssh\.jobTimeoutMs: expected an integer from 100 to 3600000/.test(err.message));
  }
});
