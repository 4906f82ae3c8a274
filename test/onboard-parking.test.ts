import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Events } from '../src/log/index.js';
import { assignCommand } from '../src/onboard/assign-command.js';
import { createOnboarder, readStatus, type Onboarder } from '../src/onboard/index.js';
import { StateStore } from '../src/state/index.js';
import { onramp } from './agent-cli.js';
import { FakeNetwork, FakeSwitch, memoryLogger, tempDir, writeTree, type LogRecord } from './onboard-fakes.js';

// Parking decided and carried out through the onboarder, on fake switches: the site's choice between parking
// and reporting, and an assignment carried out at the parked switch's next lease, with the site login.
process.env.ONRAMP_P_SITE = 'sitepw';
process.env.ONRAMP_P_FACTORY = 'factorypw';

const TEMPLATE = 'version 7.2.2\n!\nhostname {{hostname}}\n!\nusername {{credentials.username}} privilege 4 password {{credentials.password}}\n!\ninterface vlan1\n ip address {{mgmtIp}} 255.255.255.0\n!\nend\n';
const PARKING = 'version 7.2.2\n!\nhostname {{hostname}}\n!\nusername {{credentials.username}} privilege 4 password {{credentials.password}}\n!\ninterface eth-0-1\n shutdown\n!\nend\n';
const FACTORY = 'Building configuration...\nversion 7.2.2\n!\nhostname Switch\n!\nusername admin privilege 4 password factorypw\n!\nend\n';
const SHOW_VERSION = 'FSOS Software, S5850, Version 7.2.2\nHardware Type is 48S6Q\nSystem serial number is CG0000000000N0777\n';
const MAC = '02:19:00:00:00:01';
const PARKED = 'parked-021900000001';

function render(template: string, hostname: string, extra: Record<string, string> = {}): string {
  let text = template.replace('{{hostname}}', hostname).replace('{{credentials.username}}', 'admin').replace('{{credentials.password}}', 'sitepw');
  for (const [key, value] of Object.entries(extra)) text = text.replace(`{{${key}}}`, value);
  return text;
}

async function world(t: TestContext, policy = ''): Promise<{ onboarder: Onboarder; net: FakeNetwork; records: LogRecord[]; state: StateStore; dir: string; sw: FakeSwitch }> {
  const { dir, remove } = await tempDir('onramp-parking-');
  t.after(remove);
  await writeTree(dir, {
    'sites/hq/site.yaml': `name: hq
subnets: [10.77.0.0/24]
credentials: { username: admin, passwordEnv: ONRAMP_P_SITE }
factoryCredentials: { username: admin, passwordEnv: ONRAMP_P_FACTORY }
ssh: { port: 22, timeoutMs: 1000, retries: 0 }
${policy}portmap:
  - { mac: "02:19:00:00:00:99", hostname: ACC-ELSEWHERE, model: fs-s5850, vars: { mgmtIp: 10.77.0.99 } }
  - { circuitId: "eth-0-40", hostname: ACC-NEW, model: fs-s5850-48s6q, vars: { mgmtIp: 10.77.0.41 } }
`,
    'templates/fs-s5850-48s6q.hbs': TEMPLATE,
    'templates/fs-s5850.hbs': TEMPLATE,
    'templates/parking-fs-s5850.hbs': PARKING,
  });
  const net = new FakeNetwork();
  const sw = net.add('10.77.0.150', new FakeSwitch('Switch', 'factorypw', FACTORY));
  sw.replies.set('show version', SHOW_VERSION);
  const { logger, records } = memoryLogger();
  const state = new StateStore(join(dir, 'state'));
  const onboarder = await createOnboarder({ sitesDir: join(dir, 'sites'), templatesDir: join(dir, 'templates'), state, logger, connector: net });
  t.after(() => onboarder.close());
  return { onboarder, net, records, state, dir, sw };
}

void test('policy.unknown: report leaves an unknown switch as it came: identity reported, nothing pushed', async (t) => {
  const w = await world(t, 'policy: { unknown: report }\n');
  w.onboarder.onboard('10.77.0.150', MAC, 'Switch');
  await w.onboarder.idle();
  assert.equal(w.records.filter((r) => r.event === Events.identityUnknown).length, 1);
  assert.equal(w.records.filter((r) => r.event === Events.parked).length, 0);
  assert.equal(w.sw.pushes.length, 0);
  const [status] = await readStatus(w.state);
  assert.equal(status?.result, 'failed');
  assert.equal(status.lastEvent, Events.identityUnknown);
  assert.equal(status.facts?.serial, 'CG0000000000N0777', 'what it said about itself is kept all the same');
});

void test('parked, then assigned: the next lease provisions it as the entry, with the site login only', async (t) => {
  const w = await world(t);
  w.sw.afterPushes.push(render(PARKING, PARKED));
  w.onboarder.onboard('10.77.0.150', MAC, 'Switch');
  await w.onboarder.idle();
  const parked = (await readStatus(w.state)).find((s) => s.device === `Switch ${MAC}`);
  assert.equal(parked?.result, 'parked', JSON.stringify(w.records.filter((r) => r.level >= 40).map((r) => r.msg)));
  assert.equal(w.sw.password, 'sitepw', 'the parking config set the site login');
  assert.equal(parked.facts?.model, 'S5850-48S6Q');

  // What onramp status prints for it, through the command as an operator runs it.
  const shown = onramp(['status', '--state', join(w.dir, 'state')]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /Switch 02:19:00:00:00:01 .* park +parked .*device\.parked .*model S5850-48S6Q, serial CG0000000000N0777, version 7\.2\.2 {2}seen: no neighbour/);

  // A renewal before any assignment starts nothing.
  const opened = w.net.opened.length;
  w.onboarder.onboard('10.77.0.150', MAC, PARKED);
  await w.onboarder.idle();
  assert.equal(w.net.opened.length, opened);

  const options = { sites: join(w.dir, 'sites'), templates: join(w.dir, 'templates'), state: join(w.dir, 'state') };
  const io = { out: (): void => undefined, err: (text: string): void => { assert.fail(text); } };
  assert.equal(await assignCommand('cg0000000000n0777', { ...options, as: 'ACC-NEW' }, io), 0);
  w.sw.afterPushes.push(render(TEMPLATE, 'ACC-NEW', { mgmtIp: '10.77.0.41' }));
  // No look at the file: the lease alone carries it out.
  w.onboarder.onboard('10.77.0.150', MAC, PARKED);
  await w.onboarder.idle();
  const done = w.records.filter((r) => r.event === Events.provisionDone && r.device === 'ACC-NEW');
  assert.equal(done[0]?.result, 'provisioned', JSON.stringify(w.records.filter((r) => r.level >= 40).map((r) => r.msg)));
  assert.ok(w.net.opened.slice(opened).every((target) => target.password === 'sitepw'), 'only the site login after parking');
  assert.equal(w.sw.hostname, 'ACC-NEW');
  assert.deepEqual(await w.state.readJson(['assignments.json'], {}), {});
  const statuses = await readStatus(w.state);
  assert.equal(statuses.find((s) => s.device === 'ACC-NEW')?.result, 'provisioned');
  assert.equal(statuses.find((s) => s.device === `Switch ${MAC}`)?.message, 'became ACC-NEW');
  // Its assignment done, a second look finds nothing to do.
  const after = w.net.opened.length;
  await w.onboarder.takeAssignments();
  await w.onboarder.idle();
  assert.equal(w.net.opened.length, after);
});

void test('onramp assign refuses a name already held by a live switch, and a name that is no name; nothing is recorded', async (t) => {
  const w = await world(t);
  w.sw.afterPushes.push(render(PARKING, PARKED));
  await w.onboarder.status.record({
    device: 'ACC-NEW', site: 'hq', ip: '10.77.0.41', mac: '02:19:00:00:00:42', lastEvent: Events.checkOk, action: 'check', result: 'ok', time: new Date().toISOString(),
  });
  w.onboarder.onboard('10.77.0.150', MAC, 'Switch');
  await w.onboarder.idle();
  const errors: string[] = [];
  const io = { out: (): void => undefined, err: (text: string): void => { errors.push(text); } };
  const options = { sites: join(w.dir, 'sites'), templates: join(w.dir, 'templates'), state: join(w.dir, 'state') };
  assert.equal(await assignCommand(MAC, { ...options, as: 'ACC-NEW' }, io), 2);
  assert.match(errors.join(''), /ACC-NEW is already a live switch \(02:19:00:00:00:42 at 10\.77\.0\.41\)/);
  assert.equal(await assignCommand(MAC, { ...options, as: 'bad name!' }, io), 2);
  assert.deepEqual(await w.state.readJson(['assignments.json'], {}), {}, 'nothing recorded');
});

void test('an assignment the switch does not answer keeps it parked and assigned; its next lease carries it out', async (t) => {
  const w = await world(t);
  w.sw.afterPushes.push(render(PARKING, PARKED));
  w.onboarder.onboard('10.77.0.150', MAC, 'Switch');
  await w.onboarder.idle();
  const options = { sites: join(w.dir, 'sites'), templates: join(w.dir, 'templates'), state: join(w.dir, 'state') };
  const io = { out: (): void => undefined, err: (text: string): void => { assert.fail(text); } };
  assert.equal(await assignCommand(MAC, { ...options, as: 'ACC-NEW' }, io), 0);
  w.sw.unreachable = true;
  await w.onboarder.takeAssignments();
  await w.onboarder.idle();
  const waiting = (await readStatus(w.state)).find((s) => s.device === `Switch ${MAC}`);
  assert.equal(waiting?.result, 'parked');
  assert.match(waiting.message ?? '', /^assigned as ACC-NEW, not provisioned yet: .*connection refused/);
  assert.equal(waiting.parked?.mac, MAC, 'what was seen of it is kept');
  assert.equal(Object.keys(await w.state.readJson(['assignments.json'], {})).length, 1, 'the assignment is kept');
  // Not tried again every second: only a change of the file or a lease brings it back.
  const tried = w.net.opened.length;
  await w.onboarder.takeAssignments();
  await w.onboarder.idle();
  assert.equal(w.net.opened.length, tried);

  w.sw.unreachable = false;
  w.sw.afterPushes.push(render(TEMPLATE, 'ACC-NEW', { mgmtIp: '10.77.0.41' }));
  w.onboarder.onboard('10.77.0.150', MAC, PARKED);
  await w.onboarder.idle();
  assert.equal((await readStatus(w.state)).find((s) => s.device === 'ACC-NEW')?.result, 'provisioned');
  assert.equal(w.sw.hostname, 'ACC-NEW');
});

void test('a site with neither port map nor factory login only reports an unknown factory switch, and never connects to it', async (t) => {
  const { dir, remove } = await tempDir('onramp-parking-bare-');
  t.after(remove);
  await writeTree(dir, {
    'sites/hq/site.yaml': 'name: hq\nsubnets: [10.77.0.0/24]\ncredentials: { username: admin, passwordEnv: ONRAMP_P_SITE }\n',
    'templates/parking-fs-s5850.hbs': PARKING,
  });
  const net = new FakeNetwork();
  net.add('10.77.0.150', new FakeSwitch('Switch', 'factorypw', FACTORY));
  const { logger, records } = memoryLogger();
  const state = new StateStore(join(dir, 'state'));
  const onboarder = await createOnboarder({ sitesDir: join(dir, 'sites'), templatesDir: join(dir, 'templates'), state, logger, connector: net });
  t.after(() => onboarder.close());
  onboarder.onboard('10.77.0.150', MAC, 'Switch');
  await onboarder.idle();
  assert.equal(records.filter((r) => r.event === Events.identityUnknown).length, 1);
  assert.equal(net.opened.length, 0);
  const [status] = await readStatus(state);
  assert.equal(status?.result, 'failed');
  assert.match(status.message ?? '', /no factoryCredentials, so it is not parked/);
});

void test('a factory login whose secret is not set fails the job with the reason, as any bad site input', async (t) => {
  const { dir, remove } = await tempDir('onramp-parking-unset-');
  t.after(remove);
  await writeTree(dir, {
    'sites/hq/site.yaml': `name: hq
subnets: [10.77.0.0/24]
credentials: { username: admin, passwordEnv: ONRAMP_P_SITE }
factoryCredentials: { username: admin, passwordEnv: ONRAMP_P_NOT_SET_ANYWHERE }
portmap:
  - { mac: "${MAC}", hostname: ACC-NEW, model: fs-s5850, vars: { mgmtIp: 10.77.0.41 } }
`,
    'templates/fs-s5850.hbs': TEMPLATE,
  });
  const net = new FakeNetwork();
  net.add('10.77.0.150', new FakeSwitch('Switch', 'factorypw', FACTORY));
  const { logger, records } = memoryLogger();
  const state = new StateStore(join(dir, 'state'));
  const onboarder = await createOnboarder({ sitesDir: join(dir, 'sites'), templatesDir: join(dir, 'templates'), state, logger, connector: net });
  t.after(() => onboarder.close());
  onboarder.onboard('10.77.0.150', MAC, 'Switch');
  await onboarder.idle();
  assert.ok(!records.some((r) => r.msg === 'job failed unexpectedly'));
  assert.equal(net.opened.length, 0);
  const [status] = await readStatus(state);
  assert.equal(status?.result, 'failed');
  assert.match(status.message ?? '', /ONRAMP_P_NOT_SET_ANYWHERE/);
});
