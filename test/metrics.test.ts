import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compileRuleText, Engine, RuleSet } from '../src/engine/index.js';
import { Events, silentLogger } from '../src/log/index.js';
import { createMetrics, deviceSamples, stateDirSource, type MetricsSource } from '../src/metrics/index.js';
import { DEVICE_STATES, StatusBook, type DeviceStatus } from '../src/onboard/index.js';
import { StateStore } from '../src/state/index.js';
import { VERSION } from '../src/version.js';
import { tempDir } from './onboard-fakes.js';
import { parseExposition } from './support/prometheus-text.js';

const ROOT = join(import.meta.dirname, '..');
const EXPECTED = [
  { site: 'hq', device: 'CORE1', profile: 'fs-networkos' },
  { site: 'hq', device: 'ACC1', profile: 'fs-fsos' },
  { site: 'branch', device: 'EDGE1', profile: 'cisco-ios' },
];

function status(device: string, fields: Partial<DeviceStatus>): DeviceStatus {
  return { device, site: 'hq', lastEvent: Events.checkOk, action: 'check', result: 'ok', time: new Date(0).toISOString(), ...fields };
}

async function scrape(metrics: { render: () => Promise<{ contentType: string; body: string }> }): Promise<ReturnType<typeof parseExposition>> {
  const { contentType, body } = await metrics.render();
  assert.match(contentType, /^text\/plain; version=0\.0\.4/);
  return parseExposition(body);
}

async function statusBook(t: { after: (fn: () => Promise<void>) => void }): Promise<{ book: StatusBook; state: StateStore }> {
  const { dir, remove } = await tempDir('onramp-metrics-');
  t.after(remove);
  const state = new StateStore(dir);
  const book = new StatusBook(state);
  await book.load();
  return { book, state };
}

void test('build info names the version package.json gives and the Node.js that runs', async () => {
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.equal(VERSION, pkg.version);
  const text = await scrape(createMetrics({ devices: () => [] }));
  assert.equal(text.value('onramp_build_info', { version: pkg.version, node: process.version }), 1);
  assert.equal(text.types.get('onramp_build_info'), 'gauge');
});

void test('each expected device is one state series valued 1; one never seen is waiting; check times are in seconds', async (t) => {
  const { book } = await statusBook(t);
  await book.record(status('CORE1', { result: 'drift', lastEvent: Events.checkDrift, checkedAt: 1_700_000_000_500 }));
  const metrics = createMetrics({ devices: () => deviceSamples(EXPECTED, book.all()) });
  const text = await scrape(metrics);
  assert.equal(text.types.get('onramp_device_state'), 'gauge');
  for (const { device, profile, site } of EXPECTED) {
    const states = text.all('onramp_device_state', { site, device, profile });
    const [only] = states;
    assert.equal(states.length, 1, device);
    assert.equal(only?.value, 1, device);
    assert.ok((DEVICE_STATES as readonly string[]).includes(String(only.labels['state'])), device);
  }
  assert.equal(text.value('onramp_device_state', { device: 'CORE1', state: 'drift' }), 1);
  assert.equal(text.value('onramp_device_state', { device: 'ACC1', state: 'waiting' }), 1);
  assert.equal(text.value('onramp_device_last_check_success_timestamp_seconds', { device: 'CORE1', profile: 'fs-networkos' }), 1_700_000_000.5);
  assert.deepEqual(text.all('onramp_device_last_check_success_timestamp_seconds', { device: 'ACC1' }), [], 'never checked: no timestamp');
});

void test('a backup keeps the drift it found earlier; a failure keeps when the device was last checked; a refused plan is refused', async (t) => {
  const { book } = await statusBook(t);
  await book.record(status('CORE1', { result: 'drift', lastEvent: Events.checkDrift, checkedAt: 5000 }));
  await book.record(status('CORE1', { action: 'backup', result: 'ok', lastEvent: Events.backupSaved }));
  assert.equal(book.get('CORE1')?.state, 'drift');
  await book.record(status('CORE1', { result: 'unreachable', lastEvent: Events.unreachable }));
  assert.equal(book.get('CORE1')?.state, 'failed');
  assert.equal(book.get('CORE1')?.checkedAt, 5000);
  await book.record(status('CORE1', { action: 'remediate', result: 'failed', lastEvent: Events.planRefused }));
  assert.equal(book.get('CORE1')?.state, 'refused');
  await book.record(status('CORE1', { action: 'remediate', result: 'remediated', lastEvent: Events.provisionDone, checkedAt: 9000 }));
  const text = await scrape(createMetrics({ devices: () => deviceSamples(EXPECTED, book.all()) }));
  assert.equal(text.value('onramp_device_state', { device: 'CORE1', state: 'ok' }), 1);
  assert.equal(text.value('onramp_device_last_check_success_timestamp_seconds', { device: 'CORE1' }), 9);
});

void test('jobs are counted by kind and result and timed; a provisioning under way shows as such, and two registries keep apart', async () => {
  const source: MetricsSource = { devices: () => deviceSamples(EXPECTED, []), jobQueue: () => ({ queued: 4 }) };
  const metrics = createMetrics(source);
  const other = createMetrics(source);
  metrics.jobs.started('check', 'hq', 'CORE1');
  metrics.jobs.started('provision', 'hq', 'ACC1');
  let text = await scrape(metrics);
  assert.equal(text.value('onramp_jobs_running', { kind: 'check' }), 1);
  assert.equal(text.value('onramp_jobs_running', { kind: 'provision' }), 1);
  assert.equal(text.value('onramp_jobs_queued'), 4);
  assert.equal(text.value('onramp_device_state', { device: 'ACC1', state: 'provisioning' }), 1);
  assert.equal(text.value('onramp_device_state', { device: 'CORE1', state: 'leased' }), 1, 'a first check under way: the lease that brought it');
  metrics.jobs.ended({ kind: 'check', site: 'hq', device: 'CORE1', result: 'drift', seconds: 0.7 });
  metrics.jobs.ended({ kind: 'provision', site: 'hq', device: 'ACC1', result: 'provisioned', seconds: 42 });
  metrics.jobs.started('check', 'hq', 'CORE1');
  metrics.jobs.ended({ kind: 'check', site: 'hq', device: 'CORE1', result: 'drift', seconds: 3 });
  text = await scrape(metrics);
  assert.equal(text.value('onramp_jobs_total', { kind: 'check', result: 'drift' }), 2);
  assert.equal(text.value('onramp_jobs_total', { kind: 'provision', result: 'provisioned' }), 1);
  assert.equal(text.value('onramp_jobs_running', { kind: 'check' }), 0);
  assert.equal(text.types.get('onramp_check_duration_seconds'), 'histogram');
  assert.equal(text.value('onramp_check_duration_seconds_count', { site: 'hq', result: 'drift' }), 2);
  assert.equal(text.value('onramp_check_duration_seconds_sum', { site: 'hq', result: 'drift' }), 3.7);
  assert.equal(text.value('onramp_check_duration_seconds_bucket', { site: 'hq', result: 'drift', le: '1' }), 1);
  assert.equal(text.value('onramp_check_duration_seconds_bucket', { site: 'hq', result: 'drift', le: '5' }), 2);
  assert.equal(text.value('onramp_provision_duration_seconds_bucket', { site: 'hq', result: 'provisioned', le: '30' }), 0);
  assert.equal(text.value('onramp_provision_duration_seconds_bucket', { site: 'hq', result: 'provisioned', le: '60' }), 1);
  assert.equal(text.value('onramp_device_state', { device: 'ACC1', state: 'waiting' }), 1, 'the provisioning ended; its outcome is not recorded in this source');
  const untouched = await scrape(other);
  assert.deepEqual(untouched.all('onramp_jobs_total'), []);
  assert.equal(untouched.value('onramp_jobs_running', { kind: 'check' }), 0);
});

void test('rejected input lines and refused host keys are counted from the log lines that report them', async () => {
  const metrics = createMetrics({ devices: () => [] });
  const line = (fields: Record<string, unknown>): string => `${JSON.stringify({ level: 40, time: 0, pid: 1, ...fields, msg: 'x' })}\n`;
  metrics.observeLogLine(line({ event: Events.inputLineRejected, path: '/var/log/dhcpd.log', reason: 'too-long' }));
  metrics.observeLogLine(line({ event: Events.inputLineRejected, path: '/var/log/dhcpd.log', reason: 'too-long' }));
  metrics.observeLogLine(line({ event: Events.inputLineRejected, source: '/var/log/dhcpd.log', rawHost: 'Switch;reboot' }));
  metrics.observeLogLine(line({ event: Events.inputSenderRefused, path: 'udp://0.0.0.0:514', count: 90 }));
  metrics.observeLogLine(line({ event: Events.hostkeyChanged, site: 'hq', device: 'CORE1', result: 'failed' }));
  metrics.observeLogLine(line({ event: Events.checkOk, site: 'hq', device: 'CORE1' }));
  metrics.observeLogLine('{"level":40,"event":"input.line.rejected" not JSON\n');
  const text = await scrape(metrics);
  assert.equal(text.value('onramp_input_lines_rejected_total', { input: '/var/log/dhcpd.log', reason: 'too-long' }), 2);
  assert.equal(text.value('onramp_input_lines_rejected_total', { input: '/var/log/dhcpd.log', reason: 'hostname' }), 1);
  assert.equal(text.value('onramp_input_lines_rejected_total', { input: 'udp://0.0.0.0:514', reason: 'sender' }), 90);
  assert.equal(text.value('onramp_hostkey_refusals_total', { site: 'hq', device: 'CORE1' }), 1);
});

void test('input lines and rule matches are read from the source at each scrape', async () => {
  const { ruleFile } = compileRuleText('type=Single\nptype=RegExp\npattern=DHCPACK\ndesc=ack\naction=none\n\ntype=Single\nptype=SubStr\npattern=never\ndesc=never\naction=none\n', 'acks.rules');
  const engine = new Engine(new RuleSet([ruleFile]), { logger: silentLogger() });
  const lines = new Map([['/var/log/dhcpd.log', 0]]);
  const metrics = createMetrics({
    devices: () => [],
    inputLines: () => [...lines].map(([input, count]) => ({ input, lines: count })),
    ruleMatches: () => engine.ruleMatches(),
  });
  for (const text of ['DHCPACK on 10.0.0.1', 'DHCPREQUEST', 'DHCPACK on 10.0.0.2']) {
    engine.processLine(text, '/var/log/dhcpd.log');
    lines.set('/var/log/dhcpd.log', (lines.get('/var/log/dhcpd.log') ?? 0) + 1);
  }
  const text = await scrape(metrics);
  assert.equal(text.value('onramp_input_lines_total', { input: '/var/log/dhcpd.log' }), 3);
  assert.equal(text.value('onramp_rule_matches_total', { file: 'acks.rules', line: '1' }), 2);
  assert.equal(text.value('onramp_rule_matches_total', { file: 'acks.rules', line: '7' }), 0);
  engine.processLine('DHCPACK on 10.0.0.3', '/var/log/dhcpd.log');
  assert.equal((await scrape(metrics)).value('onramp_rule_matches_total', { file: 'acks.rules', line: '1' }), 3);
  await engine.close();
});

void test('a console on a state directory reads the status file again only when it changed, and shows no job queue', async (t) => {
  const { book, state } = await statusBook(t);
  await book.record(status('CORE1', { result: 'ok', checkedAt: 1000 }));
  await book.record(status('Switch be:b5:de:01:12:a1', { action: 'provision', result: 'provisioned', lastEvent: Events.provisionDone }));
  await book.flushed();
  const metrics = createMetrics(stateDirSource({ state }));
  let text = await scrape(metrics);
  assert.equal(text.value('onramp_device_state', { device: 'CORE1', state: 'ok', profile: '' }), 1);
  assert.deepEqual(text.all('onramp_device_state', { device: 'Switch be:b5:de:01:12:a1' }), [], 'a factory switch is the device it became');
  assert.equal(text.types.has('onramp_jobs_queued'), false);
  await book.record(status('CORE1', { result: 'drift', lastEvent: Events.checkDrift, checkedAt: 2000 }));
  await book.flushed();
  text = await scrape(metrics);
  assert.equal(text.value('onramp_device_state', { device: 'CORE1', state: 'drift' }), 1);
  assert.equal(text.value('onramp_device_last_check_success_timestamp_seconds', { device: 'CORE1' }), 2);
  const withSites = await scrape(createMetrics(stateDirSource({ state, expected: () => EXPECTED })));
  assert.equal(withSites.value('onramp_device_state', { device: 'EDGE1', site: 'branch', state: 'waiting' }), 1);
  assert.equal(withSites.value('onramp_device_state', { device: 'CORE1', profile: 'fs-networkos', state: 'drift' }), 1);
});
