import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab } from '../src/lab/index.js';
import { Events } from '../src/log/index.js';
import { StatusBook } from '../src/onboard/index.js';
import { readOr, remember, ROOT, scratch, waitFor } from './agent-cli.js';
import { Client, consoleOnState } from './support/console-state.js';
import { writeLabSite } from './support/lab-site.js';
import { parseExposition, type Exposition } from './support/prometheus-text.js';

// /metrics over HTTP: from the appliance's own console (the shipped bundle), and from a read-only console on a state directory.

const PASSWORD = 'Metrics-Http-Passw0rd';
const CORE1 = readFileSync(join(ROOT, 'baselines/hq/FS-S5850-CORE1.cfg'), 'utf8');

async function scrape(url: string): Promise<{ text: Exposition; body: string }> {
  const response = await fetch(`${url}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4; charset=utf-8$/);
  const body = await response.text();
  return { text: parseExposition(body), body };
}

void test('onramp run --http serves /metrics without a login: a drift found on a lab switch moves its state, and jobs and lines are counted', { timeout: 120_000 }, async (t) => {
  const dir = scratch(t);
  const drifted = CORE1.replace('snmp-server location hq core room', 'snmp-server location somewhere else');
  const lab = await Lab.start({
    switches: [{ hostname: 'FS-S5850-CORE1', personality: 'fs-s5850', mac: '00:aa:bb:00:07:01', username: 'admin', password: PASSWORD, runningConfig: drifted }],
    keyDir: join(dir, 'keys'),
  });
  t.after(() => lab.stop());
  const core1 = lab.get('FS-S5850-CORE1');
  const sites = await writeLabSite(dir, lab, { 'FS-S5850-CORE1': CORE1 });
  const input = join(dir, 'dhcpd.log');
  writeFileSync(input, '');
  const log = join(dir, 'onramp.log');
  const daemon = spawn(process.execPath, [
    join(ROOT, 'dist', 'bin', 'onramp.js'), 'run', `--conf=${join(ROOT, 'rules', 'dhcp.rules')}`, `--input=${input}`,
    `--sites=${sites}`, `--templates=${join(ROOT, 'templates')}`, `--state=${join(dir, 'state')}`, `--log=${log}`, '--http', '127.0.0.1:0',
  ], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ONRAMP_HQ_PASSWORD: PASSWORD } });
  remember(daemon.pid ?? 0);
  let stderr = '';
  daemon.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const exited = new Promise<number | null>((resolve) => daemon.once('exit', resolve));
  t.after(() => daemon.kill('SIGKILL'));
  const listening = (): { url?: string } | undefined => readOr(log).split('\n').filter((line) => line.includes(`"event":"${Events.consoleListening}"`))
    .map((line) => JSON.parse(line) as { url?: string }).at(0);
  await waitFor('the console to listen', () => listening() !== undefined || daemon.exitCode !== null, 30_000);
  const url = listening()?.url;
  assert.ok(url !== undefined, `${stderr}\n${readOr(log)}`);

  let { text } = await scrape(url);
  assert.equal(text.value('onramp_device_state', { site: 'hq', device: 'FS-S5850-CORE1', profile: 'fs-s5850', state: 'waiting' }), 1);
  assert.equal(text.value('onramp_build_info', { version: '0.1.0' }), 1);
  assert.equal((await fetch(`${url}/api/v1/devices`)).status, 401, 'the API next to it still needs a login');

  appendFileSync(input, `Dec  2 20:00:00 dhcpsrv dhcpd[812]: DHCPACK on ${core1.address} to 00:aa:bb:00:07:01 (FS-S5850-CORE1) via eth1\n`);
  const deadline = Date.now() + 60_000;
  let body = '';
  while (Date.now() < deadline) {
    ({ text, body } = await scrape(url));
    if (text.all('onramp_jobs_total', { kind: 'check', result: 'drift' }).length > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(text.value('onramp_jobs_total', { kind: 'check', result: 'drift' }), 1, `${stderr}\n${readOr(log)}`);
  assert.equal(text.value('onramp_device_state', { device: 'FS-S5850-CORE1', state: 'drift' }), 1);
  assert.equal(text.value('onramp_input_lines_total', { input }), 1);
  assert.equal(text.value('onramp_rule_matches_total', { file: join(ROOT, 'rules', 'dhcp.rules'), line: '20' }), 1);
  assert.equal(text.value('onramp_jobs_queued'), 0);
  assert.ok(!body.includes(PASSWORD), 'no secret in the metrics');

  daemon.kill('SIGTERM');
  assert.equal(await exited, 0, stderr);
});

void test('a read-only console serves /metrics from the state directory: the status file\'s states, the site\'s devices never seen as waiting', async (t) => {
  const fixture = await consoleOnState();
  t.after(() => fixture.close());
  const book = new StatusBook(fixture.state);
  await book.load();
  await book.record({ device: 'FS-S5850-CORE1', site: 'hq', lastEvent: Events.checkDrift, action: 'check', result: 'drift', time: new Date().toISOString(), checkedAt: 1_767_000_000_000 });
  await book.flushed();
  const response = await new Client(fixture.app).request('GET', '/metrics');
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const text = parseExposition(response.body);
  assert.equal(text.value('onramp_device_state', { site: 'hq', device: 'FS-S5850-CORE1', profile: 'fs-s5850', state: 'drift' }), 1);
  assert.equal(text.value('onramp_device_last_check_success_timestamp_seconds', { device: 'FS-S5850-CORE1' }), 1_767_000_000);
  assert.equal(text.value('onramp_device_state', { device: 'FS-S3900-ACC1', profile: 'fs-s3900', state: 'waiting' }), 1, 'a port map entry');
  assert.equal(text.types.has('onramp_jobs_queued'), false, 'a console on a state directory has no queue to show');
});
