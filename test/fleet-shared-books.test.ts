import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab } from '../src/lab/index.js';
import { assignCommand } from '../src/onboard/assign-command.js';
import { usersCommand } from '../src/console/users-command.js';
import { readOr, remember, ROOT, waitFor } from './agent-cli.js';
import { writeTree } from './onboard-fakes.js';
import { ackLine, fleetDatabase, startAppliance, type FleetLab } from './support/fleet.js';
import { getJson, loginOverHttp } from './support/console-http.js';

// What the operator gives one appliance reaches every appliance on the database (issue 19): a switch parked by
// one appliance is assigned through the database and provisioned by the other, once; a console user added with
// --store logs in to the console of `onramp run --http --store` and of `onramp console --store`, which show
// the work of every appliance.
const FACTORY = 'factory-pw-19';
const SITE = 'site-pw-19';
const OPERATOR = { name: 'alice', password: 'alice-console-pw-19' };
const MAC = '02:19:00:00:00:01';
const CORE1 = readFileSync(join(ROOT, 'baselines/hq/FS-S5850-CORE1.cfg'), 'utf8');

function siteYaml(lab: Lab): string {
  return `name: hq
subnets: [127.77.0.0/24]
credentials: { username: admin, passwordEnv: ONRAMP_BOOKS_SITE }
factoryCredentials: { username: admin, passwordEnv: ONRAMP_BOOKS_FACTORY }
ssh: { port: ${String(lab.port)}, timeoutMs: 3000, retries: 0, hostKeys: pin }
policy: { onDrift: report, recheckAfter: 1h }
vars:
  location: hq
  mgmtVlan: 77
  mgmtMask: 255.255.255.0
  vlans: [{ id: 10, name: users }, { id: 77, name: mgmt }]
devices:
  - { hostname: FS-S5850-CORE1, model: fs-s5850, ip: ${lab.get('FS-S5850-CORE1').address}, baseline: CORE1.cfg }
portmap:
  - { uplink: { device: FS-S5850-CORE1, port: eth-0-30 }, hostname: FS-S3900-ACC9, model: fs-s3900, vars: { mgmtIp: 10.77.0.29, uplinkPort: 1/25 } }
`;
}

interface DeviceAnswer { appliance?: string; state?: string; hostKey?: { fingerprint: string } }

/** GET /api/v1/devices/NAME. */
function device(base: string, cookie: string, name: string): Promise<DeviceAnswer> {
  return getJson<DeviceAnswer>(base, cookie, `/api/v1/devices/${encodeURIComponent(name)}`);
}

void test('a switch parked by one appliance, assigned through the database, is provisioned by the other, once; console users are the database\'s', { timeout: 180_000 }, async (t) => {
  const fleetDb = await fleetDatabase(t, 'shared_books');
  if (fleetDb === undefined) return;
  const { cluster, dir, url } = fleetDb;
  // The commands run here reach the database as the appliances do: its password from the environment.
  Object.assign(process.env, cluster.env(), { ONRAMP_BOOKS_SITE: SITE, ONRAMP_BOOKS_FACTORY: FACTORY, ONRAMP_BOOKS_OPERATOR: OPERATOR.password });
  const lab = await Lab.start({
    keyDir: join(dir, 'keys'),
    switches: [
      { hostname: 'FS-S5850-CORE1', personality: 'fs-s5850', mac: '02:19:00:00:00:10', username: 'admin', password: SITE, runningConfig: CORE1 },
      { hostname: 'Switch', personality: 'fs-s3900', mac: MAC, username: 'admin', password: FACTORY, uplink: { device: 'FS-S5850-CORE1', port: 'eth-0-20', localPort: 'ethernet 1/25' } },
    ],
  });
  const fleet: FleetLab = { lab, sites: join(dir, 'sites'), switches: [lab.get('FS-S5850-CORE1'), lab.get('Switch')], children: [] };
  t.after(async () => {
    for (const child of fleet.children) if (child.exitCode === null) child.kill('SIGKILL');
    await lab.stop();
  });
  await writeTree(dir, { 'sites/hq/site.yaml': siteYaml(lab), 'sites/hq/CORE1.cfg': CORE1 });
  const sw = lab.get('Switch');
  const io = { out: (): void => undefined, err: (text: string): void => { errors.push(text); } };
  const errors: string[] = [];
  const cliState = join(dir, 'cli-state');

  // A console user, added once, in the database.
  assert.equal(await usersCommand('add', OPERATOR.name, { role: 'operator', passwordEnv: 'ONRAMP_BOOKS_OPERATOR', state: cliState, store: url }, { ...io, stdin: () => Promise.resolve('') }), 0, errors.join(''));

  const a = await startAppliance(t, dir, fleet, cluster, url, 'dhcp-a');
  const b = await startAppliance(t, dir, fleet, cluster, url, 'dhcp-b', ['--http', '127.0.0.1:0']);
  a.append([ackLine(sw)]);
  await waitFor('dhcp-a to park the switch', () => a.events('device.parked').length > 0 || a.child.exitCode !== null, 30_000);
  assert.equal(sw.hostname(), 'parked-021900000001');
  // dhcp-a is gone; only dhcp-b, which never saw the switch's lease, is left to carry out the assignment.
  a.child.kill('SIGTERM');
  assert.equal(await a.exited, 0, a.stderr());

  assert.equal(await assignCommand(MAC, { sites: fleet.sites, templates: join(ROOT, 'templates'), state: cliState, store: url, as: 'FS-S3900-ACC9' }, io), 0, errors.join(''));
  await waitFor('dhcp-b to provision the assigned switch', () => b.events('device.provision.done').length > 0 || b.child.exitCode !== null, 30_000);
  const [done] = b.events('device.provision.done');
  assert.equal(done?.device, 'FS-S3900-ACC9');
  assert.equal(done.result, 'provisioned');
  assert.equal(sw.hostname(), 'FS-S3900-ACC9');
  // A moment more: a second take-up of the assignment would show now.
  await new Promise((resolve) => setTimeout(resolve, 2500));
  assert.equal(b.events('device.assigned').length, 1, 'the assignment carried out once');
  assert.equal(sw.saves(), 2, 'saved once when parked, once when provisioned');
  const admin = await cluster.client('shared_books');
  const { rows } = await admin.query<{ n: string }>("SELECT count(*) AS n FROM onramp_records WHERE book = 'assignments'");
  assert.equal(Number(rows[0]?.n), 0, 'the assignment is removed once done');
  const users = await admin.query<{ value: { hash: string } }>("SELECT value FROM onramp_records WHERE book = 'console-users'");
  assert.equal(users.rows.length, 1);
  assert.match(users.rows[0]?.value.hash ?? '', /^scrypt\$/, 'only the hash is kept');

  // dhcp-b's console lets the database's user in, and shows the host key pinned in the database.
  const live = String(b.events('console.listening')[0]?.url);
  const liveCookie = await loginOverHttp(live, OPERATOR);
  const shown = await device(live, liveCookie, 'FS-S3900-ACC9');
  assert.equal(shown.appliance, 'dhcp-b');
  assert.match(shown.hostKey?.fingerprint ?? '', /^SHA256:/);

  // So does a read-only console on another box's empty state directory, from the database alone.
  mkdirSync(join(dir, 'console-state'));
  const console = spawn(process.execPath, [
    join(ROOT, 'dist', 'bin', 'onramp.js'), 'console', '--http', '127.0.0.1:0', `--state=${join(dir, 'console-state')}`, `--sites=${fleet.sites}`,
    `--templates=${join(ROOT, 'templates')}`, '--store', url, '--log-level', 'warn',
  ], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  remember(console.pid ?? 0);
  fleet.children.push(console);
  let out = '';
  console.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; });
  console.stderr.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; });
  await waitFor('the read-only console', () => /at (http:\S+)/.test(out) || console.exitCode !== null, 30_000);
  const base = /at (http:\S+)/.exec(out)?.[1] ?? assert.fail(out);
  const cookie = await loginOverHttp(base, OPERATOR);
  const provisioned = await device(base, cookie, 'FS-S3900-ACC9');
  assert.equal(provisioned.appliance, 'dhcp-b');
  assert.equal(provisioned.hostKey?.fingerprint, shown.hostKey?.fingerprint, 'the host key pinned, read from the database');
  assert.doesNotMatch(readOr(b.log), new RegExp(`${SITE}|${FACTORY}|${OPERATOR.password}`), 'no password in the log');
  console.kill('SIGTERM');
  b.child.kill('SIGTERM');
  assert.equal(await b.exited, 0, b.stderr());
});
