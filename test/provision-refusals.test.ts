import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getProfile } from '../src/device/index.js';
import { Events } from '../src/log/index.js';
import { provisionDevice, type ConfigSession } from '../src/provision/index.js';
import { memoryLogger } from './onboard-fakes.js';

const profile = getProfile('cisco-ios');
const RUNNING = 'hostname A\nusername admin privilege 15 secret 0 hunter2-secret\ninterface Vlan1\n ip address 10.0.0.5 255.255.255.0\nsnmp-server location old\n';
// A golden config that lost the login user: the plan would delete the account onramp logs in with.
const INTENDED = 'hostname A\ninterface Vlan1\n ip address 10.0.0.5 255.255.255.0\nsnmp-server location new\n';

void test('a refused plan sends nothing, backs nothing up, saves nothing, and shows no secret', async () => {
  const calls: string[] = [];
  const session: ConfigSession = {
    runningConfig: () => Promise.resolve(RUNNING),
    configure: (lines) => { calls.push(`configure ${lines.join('; ')}`); return Promise.resolve(); },
    save: () => { calls.push('save'); return Promise.resolve(); },
  };
  const { logger, records, text } = memoryLogger();
  const outcome = await provisionDevice({
    session, intended: INTENDED, profile, logger, fields: { device: 'A', site: 'hq' },
    guard: { loginUser: 'admin', mgmtAddress: '10.0.0.5', allow: [], maxChangeRatio: 1 },
    backup: () => { calls.push('backup'); return Promise.resolve(); },
  });
  assert.deepEqual(calls, []);
  assert.ok(!outcome.ok && outcome.reason === 'refused');
  assert.deepEqual(outcome.refusals.map((refusal) => refusal.class), ['invalid-intended', 'login-user']);
  const refused = records.find((record) => record.event === Events.planRefused);
  assert.deepEqual(refused?.classes, ['invalid-intended', 'login-user']);
  assert.equal(records.some((record) => record.event === Events.provisionStart), false, 'no push started');
  assert.ok(!text().includes('hunter2-secret') && !JSON.stringify(outcome).includes('hunter2-secret'), 'the removed user\'s secret is masked');
});

void test('the same plan goes through where the site allows both classes', async () => {
  const calls: string[] = [];
  const session: ConfigSession = {
    runningConfig: () => Promise.resolve(calls.includes('save') ? RUNNING.replace(/^username .*\n/m, '').replace('old', 'new') : RUNNING),
    configure: (lines) => { calls.push(`configure ${lines.join('; ')}`); return Promise.resolve(); },
    save: () => { calls.push('save'); return Promise.resolve(); },
  };
  const outcome = await provisionDevice({
    session, intended: INTENDED, profile, logger: memoryLogger().logger, fields: { device: 'A', site: 'hq' },
    guard: { loginUser: 'admin', mgmtAddress: '10.0.0.5', allow: ['invalid-intended', 'login-user'], maxChangeRatio: 1 },
  });
  assert.ok(outcome.ok, JSON.stringify(outcome));
  assert.equal(calls.at(-1), 'save');
  assert.match(calls[0] ?? '', /no username admin/);
});
