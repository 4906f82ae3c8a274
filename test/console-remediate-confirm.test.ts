import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildConsole, liveSource, Users } from '../src/console/index.js';
import { DeviceSession, getProfile, HostKeyStore } from '../src/device/index.js';
import { EventJournal } from '../src/journal/index.js';
import { Lab } from '../src/lab/index.js';
import { Events, silentLogger } from '../src/log/index.js';
import { createOnboarder } from '../src/onboard/index.js';
import { StateStore } from '../src/state/index.js';
import { memoryLogger, tempDir } from './onboard-fakes.js';
import { Client, OPERATOR } from './support/console-state.js';
import { writeLabSite } from './support/lab-site.js';
import { onrampAsync } from './agent-cli.js';
import { OpenApiChecker, type OpenApiDocument } from './support/openapi.js';

// A remediation from the console pushes the plan the operator saw, or nothing: the plan is made
// again under the device's lock at push time, and one that is not the plan confirmed is shown, not sent.

const ROOT = join(import.meta.dirname, '..');
const PASSWORD = 'Confirm-Lab-Passw0rd';
process.env.ONRAMP_HQ_PASSWORD = PASSWORD;
const SRV = readFileSync(join(ROOT, 'baselines/hq/FS-S5850-SRV.cfg'), 'utf8');
const DEVICE = 'FS-S5850-SRV';

/** A change made the way an operator makes one by hand: over SSH, in config mode. */
async function changeByHand(lab: Lab, dir: string, lines: string[]): Promise<void> {
  const sw = lab.get(DEVICE);
  const session = await DeviceSession.open(
    { host: sw.address, port: sw.port, username: 'admin', password: PASSWORD, profile: getProfile('fs-s5850'), timeoutMs: 5000, retries: 0, hostKeyPolicy: 'off' },
    { hostKeys: new HostKeyStore(new StateStore(join(dir, 'by-hand'))), logger: silentLogger() },
  );
  try {
    await session.configure(lines);
  } finally {
    await session.close();
  }
}

async function driftedLab(dir: string): Promise<Lab> {
  return Lab.start({
    switches: [{ hostname: DEVICE, personality: 'fs-s5850', mac: '00:aa:bb:00:09:02', username: 'admin', password: PASSWORD, runningConfig: SRV.replace(' description server-b', ' description temp-laptop') }],
    keyDir: join(dir, 'keys'),
  });
}

interface Outcome { exitCode: number; result?: string; message: string; lines?: string[]; planDigest?: string; changed?: boolean }

/** The lines of a confirmation page's plan, and the digest its form sends back. */
function confirmation(body: string): { lines: string[]; digest: string } {
  const pre = /<pre class="plan">([^<]*)<\/pre>/.exec(body)?.[1] ?? '';
  const digest = /<input type="hidden" name="plan" value="([0-9a-f]{64})">/.exec(body)?.[1] ?? '';
  const lines = pre.split('\n').filter((line) => line !== '').map((line) => line.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
  return { lines, digest };
}

void test('console remediation: the confirmation carries the plan shown; a switch changed since gets nothing and the new plan is shown; unchanged, exactly the lines shown are pushed', { timeout: 120_000 }, async (t) => {
  const { dir, remove } = await tempDir('onramp-confirm-');
  t.after(remove);
  const lab = await driftedLab(dir);
  t.after(() => lab.stop());
  const sw = lab.get(DEVICE);
  const sitesDir = await writeLabSite(dir, lab, { [DEVICE]: SRV });
  const state = new StateStore(join(dir, 'state'));
  const { logger, records } = memoryLogger();
  const onboarder = await createOnboarder({ sitesDir, templatesDir: join(ROOT, 'templates'), state, logger });
  t.after(() => onboarder.close());
  const journal = new EventJournal(state, logger);
  t.after(() => journal.close());
  const source = await liveSource({ onboarder, journal, metrics: undefined, store: state, backupsDatabase: undefined, timeline: undefined, ruleStats: () => ({ time: '', loadedAt: '', files: [] }) }, { state, sitesDir, logger });
  t.after(() => source.close());
  const users = new Users(join(state.root, 'users.json'));
  await users.add(OPERATOR.name, 'operator', OPERATOR.password);
  const app = await buildConsole({ source, users, logger: silentLogger() });
  t.after(() => app.close());
  const client = new Client(app);
  await client.login(OPERATOR);
  const checker = new OpenApiChecker((await client.request('GET', '/api/v1/openapi.json')).json<OpenApiDocument>());
  const api = async (path: string, json?: unknown): Promise<{ statusCode: number; outcome: Outcome }> => {
    const response = await client.request('POST', `/api/v1/devices/${DEVICE}/${path}`, json === undefined ? {} : { json });
    checker.check('POST', `/api/v1/devices/{name}/${path}`, response.statusCode, response.body);
    return { statusCode: response.statusCode, outcome: JSON.parse(response.body) as Outcome };
  };

  // The plan as the page and the API show it: the same lines, the same digest, made from the same config.
  const shown = await client.request('GET', `/devices/${DEVICE}/remediate`);
  assert.equal(shown.statusCode, 200);
  const first = confirmation(shown.body);
  assert.ok(first.lines.includes('description server-b'), shown.body);
  assert.match(first.digest, /^[0-9a-f]{64}$/);
  const planned = await api('plan');
  assert.deepEqual([planned.outcome.exitCode, planned.outcome.lines, planned.outcome.planDigest], [1, first.lines, first.digest]);
  // A remediation without the plan it confirms, or with a malformed one, is refused before any work.
  assert.equal((await api('remediate')).statusCode, 400);
  assert.equal((await client.request('POST', `/devices/${DEVICE}/remediate`, { form: {} })).statusCode, 400);

  // Someone changes the switch by hand between the plan shown and the confirmation.
  await changeByHand(lab, dir, ['interface eth-0-1', ' description moved-by-hand']);
  const typedBefore = sw.commandLog().length;
  const refused = await client.request('POST', `/devices/${DEVICE}/remediate`, { form: { plan: first.digest } });
  assert.equal(refused.statusCode, 409, refused.body);
  assert.match(refused.body, /Nothing was sent: the switch's config changed since the plan was shown/);
  const second = confirmation(refused.body);
  assert.ok(second.lines.includes('description server-a') && second.lines.includes('description server-b'), `the plan now, shown: ${second.lines.join('|')}`);
  assert.notEqual(second.digest, first.digest);
  assert.ok(!sw.commandLog().slice(typedBefore).some((line) => /description|configure/.test(line)), `nothing typed in config mode: ${sw.commandLog().slice(typedBefore).join('|')}`);
  assert.match(sw.runningConfig(), /description moved-by-hand[\s\S]*description temp-laptop/);
  const changedEvent = records.find((record) => record.event === Events.planChanged);
  assert.deepEqual(changedEvent?.commands, second.lines, 'the log names the plan now');
  assert.equal(onboarder.status.get(DEVICE)?.result, 'drift', 'still drifted, not refused or failed');
  // The API says the same about the first plan, and answers the same plan now.
  const again = await api('remediate', { planDigest: first.digest });
  assert.equal(again.statusCode, 200);
  assert.deepEqual([again.outcome.exitCode, again.outcome.changed, again.outcome.lines, again.outcome.planDigest], [1, true, second.lines, second.digest]);
  assert.match(again.outcome.message, /not the one confirmed/);

  // Confirmed on the plan now, with nothing changed since: exactly those lines are typed.
  const typedFrom = sw.commandLog().length;
  const pushed = await client.request('POST', `/devices/${DEVICE}/remediate`, { form: { plan: second.digest } });
  assert.equal(pushed.statusCode, 200, pushed.body);
  assert.match(pushed.body, /drift remediated/);
  const typed = sw.commandLog().slice(typedFrom);
  const start = typed.indexOf(second.lines[0] ?? '');
  assert.ok(start >= 0, typed.join('|'));
  assert.deepEqual(typed.slice(start, start + second.lines.length).map((line) => line.trimEnd()), second.lines.map((line) => line.trimEnd()), 'the lines shown, in order');
  assert.deepEqual(onboarder.status.get(DEVICE)?.plan?.lines, second.lines, 'the plan recorded as pushed is the one shown');
  assert.doesNotMatch(sw.runningConfig(), /moved-by-hand|temp-laptop/);
  assert.deepEqual([...checker.checked].sort(), [`POST /api/v1/devices/{name}/plan`, `POST /api/v1/devices/{name}/remediate`]);
});

void test('onramp check --remediate --confirm DIGEST pushes only the plan the dry run printed with it (the shipped bundle)', { timeout: 120_000 }, async (t) => {
  const { dir, remove } = await tempDir('onramp-confirm-cli-');
  t.after(remove);
  const lab = await driftedLab(dir);
  t.after(() => lab.stop());
  const sites = await writeLabSite(dir, lab, { [DEVICE]: SRV });
  const common = [`--sites=${sites}`, `--templates=${join(ROOT, 'templates')}`, `--state=${join(dir, 'state')}`, '--log-level=warn'];
  const digestIn = (stderr: string): string => /--remediate --confirm ([0-9a-f]{64})\n/.exec(stderr)?.[1] ?? '';

  const dry = await onrampAsync(['check', DEVICE, '--remediate', '--dry-run', ...common]);
  assert.equal(dry.code, 1, dry.stderr);
  assert.deepEqual(dry.stdout.split('\n').filter((line) => line !== ''), ['interface eth-0-2', 'description server-b', 'exit']);
  const first = digestIn(dry.stderr);
  assert.match(first, /^[0-9a-f]{64}$/, dry.stderr);
  assert.equal((await onrampAsync(['check', DEVICE, '--confirm', first, ...common])).code, 2, 'a confirmation goes with --remediate');
  const malformed = await onrampAsync(['check', DEVICE, '--remediate', '--confirm', 'abc', ...common]);
  assert.equal(malformed.code, 2);
  assert.match(malformed.stderr, /64 hex digits/);

  await changeByHand(lab, dir, ['snmp-server location by-hand']);
  const refused = await onrampAsync(['check', DEVICE, '--remediate', '--confirm', first, ...common]);
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /not the one confirmed .*nothing sent/);
  assert.ok(refused.stdout.includes('snmp-server location hq server room'), refused.stdout);
  assert.match(lab.get(DEVICE).runningConfig(), /snmp-server location by-hand/, 'nothing was sent');
  const second = digestIn(refused.stderr);
  assert.ok(second !== '' && second !== first, refused.stderr);

  const pushed = await onrampAsync(['check', DEVICE, '--remediate', '--confirm', second, ...common]);
  assert.equal(pushed.code, 0, pushed.stderr);
  assert.doesNotMatch(lab.get(DEVICE).runningConfig(), /by-hand|temp-laptop/);
});
