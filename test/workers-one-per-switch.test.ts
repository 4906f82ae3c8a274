import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab } from '../src/lab/index.js';
import { writeLabSite } from './support/lab-site.js';
import { onramp, onrampAsync, pidOf, readOr, remember, ROOT, scratch, waitFor, writeRule } from './agent-cli.js';

// One worker per switch and per followed log, across processes (issue 14, item 4).
const PASSWORD = 'Site-Passw0rd-lab';
const CORE1 = readFileSync(join(ROOT, 'baselines/hq/FS-S5850-CORE1.cfg'), 'utf8');

void test('a second agent on a log already followed is refused, naming the agent that follows it; so is onramp run', (t) => {
  const dir = scratch(t);
  const state = join(dir, 'state');
  const log = join(dir, 'dhcpd.log');
  writeFileSync(log, '');
  writeFileSync(join(dir, 'echo.rules'), writeRule(join(dir, 'out'), 'A'));
  const first = onramp(['agent', 'start', '-n', 'dhcp1', '-f', log, '-c', join(dir, 'echo.rules'), '--state', state]);
  assert.equal(first.code, 0, first.stderr);
  const pid = pidOf(state, 'dhcp1');
  const second = onramp(['agent', 'start', '-n', 'dhcp2', '-f', log, '-c', join(dir, 'echo.rules'), '--state', state]);
  assert.equal(second.code, 2, second.stdout);
  assert.match(second.stderr, new RegExp(`already followed by agent dhcp1 \\(pid ${String(pid)}\\)`));
  const run = onramp(['run', `--conf=${join(dir, 'echo.rules')}`, `--input=${log}`, `--state=${join(dir, 'other-state')}`]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, new RegExp(`${log}: already followed by agent dhcp1 \\(pid ${String(pid)}\\)`));
  assert.equal(onramp(['agent', 'stop', '-n', 'dhcp1', '--state', state]).code, 0);
  const after = onramp(['agent', 'start', '-n', 'dhcp2', '-f', log, '-c', join(dir, 'echo.rules'), '--state', state]);
  assert.equal(after.code, 0, `once the first has stopped the log is free: ${after.stderr}`);
  pidOf(state, 'dhcp2');
});

void test('the daemon and a manual check --remediate on one switch: never two sessions at once; the manual command waits, or exits 3 naming the daemon', async (t) => {
  const dir = scratch(t);
  const drifted = CORE1.replace('snmp-server location hq core room', 'snmp-server location somewhere else');
  const lab = await Lab.start({
    switches: [{ hostname: 'FS-S5850-CORE1', personality: 'fs-s5850', mac: '00:aa:bb:00:05:01', username: 'admin', password: PASSWORD, runningConfig: drifted, faults: ['slow'] }],
    keyDir: join(dir, 'keys'),
    slowMs: 300,
  });
  t.after(() => lab.stop());
  const core1 = lab.get('FS-S5850-CORE1');
  const sites = await writeLabSite(dir, lab, { 'FS-S5850-CORE1': CORE1 }, { policy: '{ onDrift: remediate, recheckAfter: 1h }' });
  const input = join(dir, 'dhcpd.log');
  writeFileSync(input, '');
  const log = join(dir, 'onramp.log');
  const state = join(dir, 'state');
  const common = [`--sites=${sites}`, `--templates=${join(ROOT, 'templates')}`, `--state=${state}`];
  process.env.ONRAMP_HQ_PASSWORD = PASSWORD;
  t.after(() => { delete process.env.ONRAMP_HQ_PASSWORD; });
  const daemon = spawn(process.execPath, [
    join(ROOT, 'dist', 'bin', 'onramp.js'), 'run', `--conf=${join(ROOT, 'rules', 'dhcp.rules')}`, `--input=${input}`, ...common, `--log=${log}`,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  remember(daemon.pid ?? 0);
  let stderr = '';
  daemon.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const exited = new Promise<number | null>((resolve) => daemon.once('exit', resolve));
  await waitFor('the daemon to open its input', () => readOr(log).includes('"event":"input.opened"') || daemon.exitCode !== null);
  assert.equal(daemon.exitCode, null, stderr);

  appendFileSync(input, `Dec  2 20:00:00 dhcpsrv dhcpd[812]: DHCPACK on ${core1.address} to 00:aa:bb:00:05:01 (FS-S5850-CORE1) via eth1\n`);
  await waitFor('the daemon to log in to CORE1', () => core1.sessionsOpen() > 0 || daemon.exitCode !== null);
  const [impatient, patient] = await Promise.all([
    onrampAsync(['check', 'FS-S5850-CORE1', '--remediate', '--wait', '0', ...common]),
    onrampAsync(['check', 'FS-S5850-CORE1', '--remediate', '--wait', '60', ...common]),
  ]);
  assert.equal(impatient.code, 3, impatient.stderr);
  assert.match(impatient.stderr, new RegExp(`${core1.address}:${String(lab.port)} is held by onramp run \\(pid ${String(daemon.pid)}\\), check FS-S5850-CORE1 since`));
  assert.match(patient.stderr, new RegExp(`${core1.address}:${String(lab.port)} is busy: held by onramp run \\(pid ${String(daemon.pid)}\\), check FS-S5850-CORE1 since .*; waiting up to 60s`));
  assert.equal(patient.code, 0, `after the daemon's remediation the switch is OK: ${patient.stderr}`);
  assert.match(readOr(log), /"event":"device\.provision\.done".*"result":"remediated"/, 'the daemon remediated it');
  assert.equal(core1.mostSessionsAtOnce(), 1, 'never two sessions on the switch at once');

  daemon.kill('SIGTERM');
  assert.equal(await exited, 0, stderr);
});
