import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Events } from '../src/log/index.js';
import { createOnboarder, readStatus, VerifiedIdentities } from '../src/onboard/index.js';
import { StateStore } from '../src/state/index.js';
import { FakeNetwork, FakeSwitch, memoryLogger, tempDir, writeTree } from './onboard-fakes.js';

// The jobs a stop writes to state/queue.json are taken again at the next start. The file is no proof:
// each job goes through the checks it went through when it first came, and one that names no device,
// or an address that is not the device's, is passed over with nothing sent.
process.env.ONRAMP_Q_SITE = 'sitepw';
process.env.ONRAMP_Q_FACTORY = 'factorypw';

const CONFIG = (hostname: string): string => `hostname ${hostname}\n!\nusername admin privilege 4 password sitepw\n!\nend\n`;
const SITE = `name: hq
subnets: [10.77.0.0/24]
credentials: { username: admin, passwordEnv: ONRAMP_Q_SITE }
factoryCredentials: { username: admin, passwordEnv: ONRAMP_Q_FACTORY }
ssh: { port: 22, timeoutMs: 1000, retries: 0 }
policy: { onDrift: report, recheckAfter: 1h }
devices:
  - { hostname: CORE1, model: fs-s5850, ip: 10.77.0.10, mac: "00:aa:bb:00:00:10", baseline: CORE1.cfg }
  - { hostname: CORE2, model: fs-s5850, ip: 10.77.0.11, baseline: CORE2.cfg }
  - { hostname: CORE3, model: fs-s5850, ip: 10.77.0.12, baseline: CORE3.cfg }
portmap:
  - { mac: "be:b5:de:01:12:a1", hostname: ACC1, model: fs-s5850, vars: { mgmtIp: 10.77.0.21 } }
`;

async function resumeWith(t: TestContext, jobs: unknown[]): Promise<{ net: FakeNetwork; records: ReturnType<typeof memoryLogger>['records']; state: StateStore; dir: string }> {
  const { dir, remove } = await tempDir('onramp-queue-');
  t.after(remove);
  await writeTree(dir, {
    'sites/hq/site.yaml': SITE,
    'sites/hq/CORE1.cfg': CONFIG('CORE1'),
    'sites/hq/CORE2.cfg': CONFIG('CORE2'),
    'sites/hq/CORE3.cfg': CONFIG('CORE3'),
    'templates/fs-s5850.hbs': CONFIG('{{hostname}}'),
    'state/queue.json': JSON.stringify({ jobs }),
  });
  const net = new FakeNetwork();
  for (const [ip, name] of [['10.77.0.10', 'CORE1'], ['10.77.0.11', 'CORE2'], ['10.77.0.12', 'CORE3']] as const) {
    net.add(ip, new FakeSwitch(name, 'sitepw', CONFIG(name)));
  }
  // Whatever an edited queue points at answers with the site password's account, and records the login.
  net.add('10.77.0.66', new FakeSwitch('CORE1', 'sitepw', CONFIG('CORE1')));
  net.add('192.0.2.5', new FakeSwitch('Switch', 'factorypw', CONFIG('Switch')));
  const { logger, records } = memoryLogger();
  const state = new StateStore(join(dir, 'state'));
  const onboarder = await createOnboarder({ sitesDir: join(dir, 'sites'), templatesDir: join(dir, 'templates'), state, logger, connector: net });
  await onboarder.resumeQueued();
  await onboarder.idle();
  return { net, records, state, dir };
}

void test('queue.json: a job is checked again as when it first came; an edited entry sends nothing anywhere', async (t) => {
  const { net, records, state, dir } = await resumeWith(t, [
    // A lease of CORE1 from an address and MAC that are not CORE1's: judged by the identity gate again.
    { kind: 'check', device: 'CORE1', ip: '10.77.0.66', mac: '66:66:66:66:66:66' },
    // No such device: no job, and no status entry made up for it.
    { kind: 'check', device: 'EVIL', ip: '10.77.0.66', mac: '66:66:66:66:66:66' },
    // A backup of CORE2 at an address that is not CORE2's.
    { kind: 'backup', device: 'CORE2', execution: 7, ip: '10.77.0.66' },
    // Provisioning at an address outside the site's subnets.
    { kind: 'provision', ip: '192.0.2.5', name: 'ACC1' },
    // Not jobs onramp writes: a name that would be a path, an address without the lease's MAC, a made-up execution id.
    { kind: 'check', device: '../../etc/cron.d/x' },
    { kind: 'check', device: 'CORE2', ip: '10.77.0.66' },
    { kind: 'backup', device: 'CORE2', execution: -1 },
    // A job as a stop writes it: done.
    { kind: 'check', device: 'CORE3' },
  ]);
  assert.deepEqual(net.opened.map((target) => target.host), ['10.77.0.12'], 'only the well-formed job of a known device at its address logged in');
  const mismatch = records.filter((record) => record.event === Events.identityMismatch);
  assert.deepEqual(mismatch.map((record) => `${String(record.device)} ${String(record.ip)}`).sort(), ['ACC1 192.0.2.5', 'CORE1 10.77.0.66']);
  const resumed = records.filter((record) => record.event === Events.jobsResumed);
  assert.equal(resumed.find((record) => record.invalid !== undefined)?.invalid, 3);
  assert.deepEqual(resumed.filter((record) => record.result === 'skipped').map((record) => record.reason), [
    'EVIL is not in the inventory',
    '10.77.0.66 is not where CORE2 is configured or was last seen',
  ]);
  const statuses = await readStatus(state);
  assert.deepEqual(statuses.map((status) => status.device).sort(), ['CORE1', 'CORE3'], 'CORE1 only notes the refused lease; nothing for EVIL');
  assert.equal(statuses.find((status) => status.device === 'CORE1')?.result, 'skipped');
  assert.equal(statuses.find((status) => status.device === 'CORE3')?.result, 'ok');
  assert.deepEqual((await readdir(dir)).sort(), ['sites', 'state', 'templates'], 'nothing written outside the state folder');
  assert.equal(await state.readText(['queue.json']), undefined, 'the queue was taken');
});

void test('queue.json: a queued lease check of a device verified elsewhere since is refused, as the fresh lease would be now', async (t) => {
  const { dir, remove } = await tempDir('onramp-queue-');
  t.after(remove);
  const state = new StateStore(join(dir, 'state'));
  await new VerifiedIdentities(state).verified('CORE2', '10.77.0.11', '00:aa:bb:00:00:11', Date.now());
  await writeTree(dir, { 'state/queue.json': JSON.stringify({ jobs: [{ kind: 'check', device: 'CORE2', ip: '10.77.0.11', mac: '66:66:66:66:66:66' }] }) });
  await writeTree(dir, { 'sites/hq/site.yaml': SITE, ...Object.fromEntries(['CORE1', 'CORE2', 'CORE3'].map((name) => [`sites/hq/${name}.cfg`, CONFIG(name)])), 'templates/fs-s5850.hbs': CONFIG('{{hostname}}') });
  const net = new FakeNetwork();
  net.add('10.77.0.11', new FakeSwitch('CORE2', 'sitepw', CONFIG('CORE2')));
  const { logger, records } = memoryLogger();
  const onboarder = await createOnboarder({ sitesDir: join(dir, 'sites'), templatesDir: join(dir, 'templates'), state, logger, connector: net });
  await onboarder.resumeQueued();
  await onboarder.idle();
  assert.deepEqual(net.opened, []);
  assert.match(String(records.find((record) => record.event === Events.identityMismatch)?.msg), /MAC 66:66:66:66:66:66 is not the one CORE2 was last verified with/);
});
