import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigTree, sameConfig } from '../src/config/index.js';
import { getProfile } from '../src/device/index.js';
import { Lab, type LabSwitchSpec } from '../src/lab/index.js';
import { writeLabSite } from './support/lab-site.js';
import { readOr, remember, ROOT, scratch, waitFor } from './agent-cli.js';

// Stopping (issue 14, item 5): after SIGTERM nothing new starts, and what was left is done at the next start.
const PASSWORD = 'Site-Passw0rd-lab';
const CORE1 = readFileSync(join(ROOT, 'baselines/hq/FS-S5850-CORE1.cfg'), 'utf8');
const DRIFTED = CORE1.replace('snmp-server location hq core room', 'snmp-server location somewhere else');
const STOP_BOUND_MS = 20_000;

interface LogLine { event?: string; msg: string; device?: string; count?: number; action?: string; result?: string }

function logLines(path: string): LogLine[] {
  return readOr(path).split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as LogLine);
}

interface Run { exited: Promise<number | null>; kill: () => void; stderr: () => string; running: () => boolean }

/** `onramp run` on the DHCP rules and the lab site, from the built bundle; stopped with SIGTERM by `kill`. */
function startRun(options: { input: string; sites: string; state: string; log: string; extra?: string[] }): Run {
  const child = spawn(process.execPath, [
    join(ROOT, 'dist', 'bin', 'onramp.js'), 'run', `--conf=${join(ROOT, 'rules', 'dhcp.rules')}`, `--input=${options.input}`, ...(options.extra ?? []),
    `--sites=${options.sites}`, `--templates=${join(ROOT, 'templates')}`, `--state=${options.state}`, `--log=${options.log}`,
  ], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ONRAMP_HQ_PASSWORD: PASSWORD } });
  remember(child.pid ?? 0);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  return {
    exited: new Promise((resolve) => child.once('exit', resolve)),
    kill: () => child.kill('SIGTERM'),
    stderr: () => stderr,
    running: () => child.exitCode === null,
  };
}

void test('SIGTERM during a slow check with two jobs queued: no push and no queued job starts after stopping, the exit is prompt, and the work is done after a restart', async (t) => {
  const dir = scratch(t);
  const specs: LabSwitchSpec[] = ['A', 'B', 'C'].map((name, i) => ({
    hostname: `FS-S5850-${name}`, personality: 'fs-s5850', mac: `00:aa:bb:00:06:0${String(i + 1)}`, username: 'admin', password: PASSWORD,
    runningConfig: (name === 'A' ? DRIFTED : CORE1).replace('hostname FS-S5850-CORE1', `hostname FS-S5850-${name}`),
    ...(name === 'A' ? { faults: ['slow' as const] } : {}),
  }));
  const lab = await Lab.start({ switches: specs, keyDir: join(dir, 'keys'), slowMs: 300 });
  t.after(() => lab.stop());
  const baselines = Object.fromEntries(specs.map((spec) => [spec.hostname, CORE1.replace('hostname FS-S5850-CORE1', `hostname ${spec.hostname}`)]));
  const sites = await writeLabSite(dir, lab, baselines, { policy: '{ onDrift: remediate, recheckAfter: 1h }' });
  const input = join(dir, 'dhcpd.log');
  writeFileSync(input, '');
  const state = join(dir, 'state');

  const start = (log: string): Run => startRun({ input, sites, state, log, extra: ['--concurrency', '1'] });

  const firstLog = join(dir, 'first.log');
  const first = start(firstLog);
  await waitFor('the input to be open', () => readOr(firstLog).includes('"event":"input.opened"') || !first.running());
  assert.ok(first.running(), first.stderr());
  for (const spec of specs) {
    appendFileSync(input, `Dec  2 20:00:00 dhcpsrv dhcpd[812]: DHCPACK on ${lab.get(spec.hostname).address} to ${spec.mac} (${spec.hostname}) via eth1\n`);
  }
  const slow = lab.get('FS-S5850-A');
  await waitFor('the slow check of A to log in', () => slow.sessionsOpen() > 0 || !first.running());
  const stoppedAt = Date.now();
  first.kill();
  assert.equal(await first.exited, 0, first.stderr());
  assert.ok(Date.now() - stoppedAt < STOP_BOUND_MS, `exited ${String(Date.now() - stoppedAt)} ms after SIGTERM`);

  const lines = logLines(firstLog);
  const stopping = lines.findIndex((line) => line.msg === 'stopping');
  assert.ok(stopping >= 0);
  const after = lines.slice(stopping);
  assert.deepEqual(after.filter((line) => line.event === 'device.provision.start'), [], 'no push began after stopping');
  assert.deepEqual(after.filter((line) => line.event === 'device.check.start').map((line) => line.device), [], 'no queued job started after stopping');
  assert.deepEqual(lines.filter((line) => line.event === 'device.check.start').map((line) => line.device), ['FS-S5850-A'], 'only the check under way ran');
  assert.deepEqual(after.filter((line) => line.event === 'device.job.deferred').map(({ device, action }) => ({ device, action })), [{ device: 'FS-S5850-A', action: 'remediate' }]);
  assert.equal(lines.find((line) => line.event === 'device.jobs.saved')?.count, 3);
  assert.equal(slow.runningConfig().includes('somewhere else'), true, 'A was left as it was');
  assert.equal(slow.mostSessionsAtOnce(), 1);

  const secondLog = join(dir, 'second.log');
  const second = start(secondLog);
  const events = (name: string): LogLine[] => logLines(secondLog).filter((line) => line.event === name);
  await waitFor('the three jobs to be done', () =>
    (events('device.provision.done').length === 1 && events('device.check.ok').length === 2) || !second.running(), 30_000);
  assert.equal(events('device.jobs.resumed')[0]?.count, 3);
  assert.deepEqual(events('device.provision.done').map(({ device, result }) => ({ device, result })), [{ device: 'FS-S5850-A', result: 'remediated' }]);
  assert.deepEqual(events('device.check.ok').map((line) => line.device).sort(), ['FS-S5850-B', 'FS-S5850-C']);
  assert.equal(slow.runningConfig().includes('hq core room'), true);
  second.kill();
  assert.equal(await second.exited, 0, second.stderr());
  assert.equal(readOr(join(state, 'queue.json')), '', 'nothing left queued');
});

void test('Ctrl-C on check --remediate while it fetches: it stops before its push and exits 3, the switch untouched', async (t) => {
  const dir = scratch(t);
  const lab = await Lab.start({
    switches: [{ hostname: 'FS-S5850-CORE1', personality: 'fs-s5850', mac: '00:aa:bb:00:07:01', username: 'admin', password: PASSWORD, runningConfig: DRIFTED, faults: ['slow'] }],
    keyDir: join(dir, 'keys'),
    slowMs: 300,
  });
  t.after(() => lab.stop());
  const core1 = lab.get('FS-S5850-CORE1');
  const sites = await writeLabSite(dir, lab, { 'FS-S5850-CORE1': CORE1 });
  const child = spawn(process.execPath, [
    join(ROOT, 'dist', 'bin', 'onramp.js'), 'check', 'FS-S5850-CORE1', '--remediate',
    `--sites=${sites}`, `--templates=${join(ROOT, 'templates')}`, `--state=${join(dir, 'state')}`,
  ], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ONRAMP_HQ_PASSWORD: PASSWORD } });
  remember(child.pid ?? 0);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await waitFor('the check to log in', () => core1.sessionsOpen() > 0 || child.exitCode !== null);
  child.kill('SIGINT');
  assert.equal(await exited, 3, stderr);
  assert.match(stderr, /"event":"device\.job\.deferred"/);
  assert.doesNotMatch(stderr, /"event":"device\.provision\.start"/);
  assert.equal(core1.runningConfig().includes('somewhere else'), true, 'nothing was pushed');
  assert.equal(core1.saves(), 0);
});

const FS_TREE = getProfile('fs-s5850').tree;

function sameTree(a: string, b: string): boolean {
  return sameConfig(parseConfigTree(a, FS_TREE), parseConfigTree(b, FS_TREE));
}

/** CORE1 with a description `WORD N` on each of `ports` more ports. */
function withPortDescriptions(ports: number[], word: string): string {
  const blocks = ports.map((port) => `interface eth-0-${String(port)}\n description ${word} ${String(port)}\n!\n`).join('');
  return CORE1.replace('interface vlan77\n', `${blocks}interface vlan77\n`);
}

/**
 * One slow lab switch whose baseline gives `ports` of its ports a new description (a plan of three
 * lines a port), an empty DHCP log, and where onramp keeps its state.
 */
async function slowPushWorld(t: TestContext, ports: number[]): Promise<{
  lab: Lab; running: string; baseline: string; input: string; sites: string; state: string; dir: string; ack: () => void;
}> {
  const dir = scratch(t);
  const running = withPortDescriptions(ports, 'old');
  const spec: LabSwitchSpec = { hostname: 'FS-S5850-CORE1', personality: 'fs-s5850', mac: '00:aa:bb:00:08:01', username: 'admin', password: PASSWORD, runningConfig: running, faults: ['slow'] };
  const lab = await Lab.start({ switches: [spec], keyDir: join(dir, 'keys'), slowMs: 250 });
  t.after(() => lab.stop());
  const baseline = withPortDescriptions(ports, 'port');
  const sites = await writeLabSite(dir, lab, { 'FS-S5850-CORE1': baseline }, { policy: '{ onDrift: remediate, recheckAfter: 1h, allow: [change-ratio] }' });
  const input = join(dir, 'dhcpd.log');
  writeFileSync(input, '');
  const ack = (): void => {
    appendFileSync(input, `Dec  2 20:00:00 dhcpsrv dhcpd[812]: DHCPACK on ${lab.get('FS-S5850-CORE1').address} to ${spec.mac} (FS-S5850-CORE1) via eth1\n`);
  };
  return { lab, running, baseline, input, sites, state: join(dir, 'state'), dir, ack };
}

interface StopLine extends LogLine { reason?: string; estimate?: { sent: number; total: number; neededMs: number; leftMs: number } }

void test('SIGTERM during a push whose rest cannot fit in --stop-timeout: it stops, what it typed is rolled back, nothing is saved, and the job is done at the next start', async (t) => {
  const ports = Array.from({ length: 30 }, (_, i) => 20 + i);
  const { lab, running, baseline, input, sites, state, dir, ack } = await slowPushWorld(t, ports);
  const core1 = lab.get('FS-S5850-CORE1');
  const firstLog = join(dir, 'first.log');
  const first = startRun({ input, sites, state, log: firstLog, extra: ['--stop-timeout', '3'] });
  await waitFor('the input to be open', () => readOr(firstLog).includes('"event":"input.opened"') || !first.running());
  ack();
  // A few lines of the ninety typed, each 250 ms on this switch: the rest needs twenty seconds, the stop has three.
  await waitFor('the push to be a few lines in', () => core1.commandLog().includes('interface eth-0-21') || !first.running(), 30_000);
  const stoppedAt = Date.now();
  first.kill();
  assert.equal(await first.exited, 0, first.stderr());
  const took = Date.now() - stoppedAt;
  assert.ok(took < 10_000, `exited ${String(took)} ms after SIGTERM, not after the whole push`);

  const lines = logLines(firstLog) as StopLine[];
  const after = lines.slice(lines.findIndex((line) => line.msg === 'stopping'));
  const rollback = after.filter((line) => line.event === 'device.provision.rollback');
  assert.deepEqual(rollback.map(({ reason, result }) => ({ reason, result })), [{ reason: 'stop', result: 'ok' }]);
  const deferred = after.find((line) => line.event === 'device.job.deferred');
  assert.equal(deferred?.action, 'remediate');
  assert.ok(deferred.estimate !== undefined && deferred.estimate.sent > 0 && deferred.estimate.sent < deferred.estimate.total, JSON.stringify(deferred));
  assert.ok(deferred.estimate.neededMs > deferred.estimate.leftMs);
  assert.equal(lines.filter((line) => line.event === 'device.provision.done').length, 0);
  assert.equal(lines.find((line) => line.event === 'device.jobs.saved')?.count, 1);
  assert.equal(core1.saves(), 0, 'nothing saved');
  assert.ok(sameTree(core1.runningConfig(), running), `rolled back to what it was:\n${core1.runningConfig()}`);

  core1.setFaults([]);
  const secondLog = join(dir, 'second.log');
  const second = startRun({ input, sites, state, log: secondLog });
  await waitFor('the queued remediation to be done', () => readOr(secondLog).includes('"event":"device.provision.done"') || !second.running(), 30_000);
  second.kill();
  assert.equal(await second.exited, 0, second.stderr());
  assert.ok(sameTree(core1.startupConfig(), baseline), `remediated and saved at the next start:\n${core1.startupConfig()}`);
});

void test('SIGTERM during a push whose rest fits in the stop time: it finishes, saves and verifies, then onramp exits', async (t) => {
  const { lab, baseline, input, sites, state, dir, ack } = await slowPushWorld(t, [20, 21, 22]);
  const core1 = lab.get('FS-S5850-CORE1');
  const log = join(dir, 'run.log');
  const run = startRun({ input, sites, state, log });
  await waitFor('the input to be open', () => readOr(log).includes('"event":"input.opened"') || !run.running());
  ack();
  await waitFor('the push to be under way', () => core1.commandLog().includes('interface eth-0-20') || !run.running(), 30_000);
  run.kill();
  assert.equal(await run.exited, 0, run.stderr());
  const lines = logLines(log);
  const after = lines.slice(lines.findIndex((line) => line.msg === 'stopping'));
  assert.deepEqual(after.filter((line) => line.event === 'device.provision.done').map(({ result }) => result), ['remediated']);
  assert.deepEqual(after.filter((line) => line.event === 'device.provision.rollback' || line.event === 'device.job.deferred'), []);
  assert.equal(core1.saves(), 1);
  assert.ok(sameTree(core1.startupConfig(), baseline));
});
