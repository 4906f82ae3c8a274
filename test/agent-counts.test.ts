import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab, type LabSwitchSpec } from '../src/lab/index.js';
import { onramp, pidOf, ROOT, scratch, waitFor } from './agent-cli.js';
import { writeLabSite } from './support/lab-site.js';

// The counts of `onramp agent status` come from the running agent, not from its log file.
const PASSWORD = 'lab-secret-pw';
// The agent inherits the environment of the command that starts it.
process.env.ONRAMP_HQ_PASSWORD = PASSWORD;

const CORE1 = readFileSync(join(ROOT, 'baselines/hq/FS-S5850-CORE1.cfg'), 'utf8');
const SRV = readFileSync(join(ROOT, 'baselines/hq/FS-S5850-SRV.cfg'), 'utf8');
const DOWN = CORE1.replaceAll('FS-S5850-CORE1', 'FS-S5850-DOWN');

const switches: LabSwitchSpec[] = [
  { hostname: 'FS-S5850-CORE1', personality: 'fs-s5850', mac: '00:aa:bb:00:02:01', username: 'admin', password: PASSWORD, runningConfig: CORE1 },
  {
    hostname: 'FS-S5850-SRV', personality: 'fs-s5850', mac: '00:aa:bb:00:02:02', username: 'admin', password: PASSWORD,
    runningConfig: SRV.replace(' description server-b', ' description old-server'),
  },
  { hostname: 'FS-S5850-DOWN', personality: 'fs-s5850', mac: '00:aa:bb:00:02:03', username: 'admin', password: PASSWORD, runningConfig: DOWN, faults: ['refuse'] },
];

function statusOf(state: string): Record<string, string> {
  const result = onramp(['agent', 'status', '-n', 'lab', '--state', state]);
  assert.equal(result.code, 0, result.stderr);
  const fields: Record<string, string> = {};
  for (const match of result.stdout.matchAll(/^([a-z ]+):\s+(.*)$/gm)) fields[match[1] ?? ''] = match[2] ?? '';
  return fields;
}

function counts(state: string): string {
  const status = statusOf(state);
  return ['checks', 'drifts', 'provisions', 'errors'].map((key) => `${key}=${status[key] ?? '?'}`).join(' ');
}

async function waitForCounts(state: string, expected: string): Promise<void> {
  let seen = '';
  await waitFor(`counts ${expected}`, () => {
    seen = counts(state);
    return seen === expected;
  }, 20_000).catch((err: unknown) => {
    throw new Error(`${String(err)}; last seen ${seen}`);
  });
}

void test('agent status counts survive a rotation of the agent log and a restart of the agent', async (t) => {
  const dir = scratch(t);
  const lab = await Lab.start({ switches, keyDir: join(dir, 'keys') });
  t.after(() => lab.stop());
  await writeLabSite(dir, lab, { 'FS-S5850-CORE1': CORE1, 'FS-S5850-SRV': SRV, 'FS-S5850-DOWN': DOWN });
  const rules = join(dir, 'check.rules');
  writeFileSync(rules, 'type=Single\nptype=RegExp\npattern=please check (\\S+)\ndesc=check $1\naction=check $1\n');
  const input = join(dir, 'requests.log');
  writeFileSync(input, '');
  const state = join(dir, 'state');
  const start = ['agent', 'start', '-n', 'lab', '-f', input, '-c', rules, '--state', state, '--sites', join(dir, 'sites'), '--templates', join(ROOT, 'templates')];

  const started = onramp(start);
  assert.equal(started.code, 0, started.stderr);
  pidOf(state, 'lab');
  assert.equal(counts(state), 'checks=0 drifts=0 provisions=0 errors=0');
  appendFileSync(input, 'please check FS-S5850-CORE1\nplease check FS-S5850-SRV\nplease check FS-S5850-DOWN\n');
  // OK and drift are checks; the refused connection is an error.
  await waitForCounts(state, 'checks=2 drifts=1 provisions=0 errors=1');
  assert.match(statusOf(state)['last event'] ?? '', /^\d{4}-\d\d-\d\dT[\d:.]+Z device\./);

  // logrotate's rename + create: the agent's log file starts empty.
  const agentLog = join(state, 'agents', 'lab.log');
  renameSync(agentLog, `${agentLog}.1`);
  writeFileSync(agentLog, '');
  assert.equal(counts(state), 'checks=2 drifts=1 provisions=0 errors=1', 'counts survive the rotation');

  assert.equal(onramp(['agent', 'stop', '-n', 'lab', '--state', state]).code, 0);
  assert.equal(statusOf(state).alive, 'no');
  assert.equal(counts(state), 'checks=2 drifts=1 provisions=0 errors=1', 'counts survive the stop');
  const restarted = onramp(start);
  assert.equal(restarted.code, 0, restarted.stderr);
  pidOf(state, 'lab');
  assert.equal(counts(state), 'checks=2 drifts=1 provisions=0 errors=1', 'counts survive the restart');

  // Counting goes on from there.
  appendFileSync(input, 'please check FS-S5850-CORE1\n');
  await waitForCounts(state, 'checks=3 drifts=1 provisions=0 errors=1');
  assert.equal(onramp(['agent', 'stop', '-n', 'lab', '--state', state]).code, 0);
});
