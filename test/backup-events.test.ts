import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeviceSession, getProfile, HostKeyStore } from '../src/device/index.js';
import { Engine, loadRules } from '../src/engine/index.js';
import { Lab, type LabSwitchSpec } from '../src/lab/index.js';
import { Events, silentLogger } from '../src/log/index.js';
import { historyCommand, statusCommand } from '../src/onboard/commands.js';
import { BackupStore, createOnboarder, readStatus, type Onboarder } from '../src/onboard/index.js';
import { StateStore } from '../src/state/index.js';
import { memoryLogger, tempDir, waitFor, type LogRecord } from './onboard-fakes.js';
import { writeLabSite } from './support/lab-site.js';

// A config-change syslog line, through the shipped rules and the engine, to a backup of a lab switch over SSH.
const PASSWORD = 'lab-secret-pw';
process.env.ONRAMP_HQ_PASSWORD = PASSWORD;

const ROOT = join(import.meta.dirname, '..');
const CORE1 = await readFile(join(ROOT, 'baselines/hq/FS-S5850-CORE1.cfg'), 'utf8');
const SRV = await readFile(join(ROOT, 'baselines/hq/FS-S5850-SRV.cfg'), 'utf8');

const switches: LabSwitchSpec[] = [
  { hostname: 'FS-S5850-CORE1', personality: 'fs-s5850', mac: '00:aa:bb:00:01:01', username: 'admin', password: PASSWORD, runningConfig: CORE1 },
  { hostname: 'FS-S5850-SRV', personality: 'fs-s5850', mac: '00:aa:bb:00:01:02', username: 'admin', password: PASSWORD, runningConfig: SRV },
];

let lab: Lab;
let onboarder: Onboarder;
let engine: Engine;
let records: LogRecord[];
let state: StateStore;
let stateDir: string;
let clockMs = Date.parse('2026-11-23T11:00:00Z');
let cleanup: () => Promise<void>;

before(async () => {
  const { dir, remove } = await tempDir('onramp-backup-events-');
  cleanup = remove;
  lab = await Lab.start({ switches, keyDir: join(dir, 'keys') });
  await writeLabSite(dir, lab, { 'FS-S5850-CORE1': CORE1, 'FS-S5850-SRV': SRV });
  const memory = memoryLogger();
  records = memory.records;
  stateDir = join(dir, 'state');
  state = new StateStore(stateDir);
  onboarder = await createOnboarder({
    sitesDir: join(dir, 'sites'), templatesDir: join(ROOT, 'templates'), state, logger: memory.logger, now: () => clockMs,
  });
  engine = new Engine(await loadRules([join(ROOT, 'rules/config-change.rules')]), { logger: memory.logger, sink: onboarder, now: () => clockMs });
});

after(async () => {
  await engine.close();
  await onboarder.close();
  await lab.stop();
  await cleanup();
});

/** A change made the way an operator makes it: over SSH, in config mode. */
async function change(hostname: string, line: string): Promise<void> {
  const sw = lab.get(hostname);
  const session = await DeviceSession.open(
    { host: sw.address, port: sw.port, username: 'admin', password: PASSWORD, profile: getProfile('fs-s5850'), timeoutMs: 5000, retries: 0, hostKeyPolicy: 'off' },
    { hostKeys: new HostKeyStore(new StateStore(join(stateDir, 'operator'))), logger: silentLogger() },
  );
  try {
    await session.configure([line]);
  } finally {
    await session.close();
  }
}

function ciscoLine(host: string): string {
  return `<189>Nov 23 11:00:00 ${host} 45: *Nov 23 11:00:00.123: %SYS-5-CONFIG_I: Configured from console by admin on vty0 (10.0.0.5)`;
}

function fsLine(host: string): string {
  return `<189>1 2026-11-23T11:00:00Z ${host} - - - - %CONFIG-5-CONFIG_CHANGED: Configured from vty by admin`;
}

function scheduled(device: string): LogRecord[] {
  return records.filter((record) => record.event === Events.backupScheduled && record.device === device && typeof record.execution === 'number');
}

/** Feeds a line and waits for the backup it schedules to end (saved or failed). */
async function feed(line: string, device: string): Promise<number> {
  const before = scheduled(device).length;
  engine.processLine(line, 'syslog');
  await waitFor(() => scheduled(device).length > before, 5000, `a backup of ${device} scheduled`);
  const execution = scheduled(device).at(-1)?.execution;
  assert.equal(typeof execution, 'number');
  await waitFor(() => records.some((record) => record.event === Events.backupSaved && record.execution === execution), 10000, `execution ${String(execution)} ended`);
  await onboarder.idle();
  return execution as number;
}

async function captureStdout(run: () => Promise<number>): Promise<{ code: number; out: string }> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    return true;
  });
  try {
    return { code: await run(), out: chunks.join('') };
  } finally {
    process.stdout.write = write;
  }
}

void test('backup: a Cisco-style config change schedules an execution and stores a version; an unchanged config adds an execution, not a version', async () => {
  const backups = new BackupStore(state);
  const first = await feed(ciscoLine('FS-S5850-CORE1'), 'FS-S5850-CORE1');
  assert.equal(scheduled('FS-S5850-CORE1').at(-1)?.msg, `Scheduled backup with execution ID: ${String(first)}`);
  assert.equal((await backups.list('FS-S5850-CORE1')).length, 1);
  // Who made the change, from the syslog line: in the version, the log and the status.
  assert.match((await backups.list('FS-S5850-CORE1'))[0]?.cause ?? '', /^config-change by admin on vty0 from 10\.0\.0\.5 \(\+\d+ -\d+\)$/);
  assert.match(String(records.find((record) => record.event === Events.backupSaved && record.execution === first)?.cause), /by admin on vty0/);
  await onboarder.status.flushed();
  assert.match((await readStatus(state)).find((entry) => entry.device === 'FS-S5850-CORE1')?.message ?? '', /config-change by admin on vty0 from 10\.0\.0\.5/);

  clockMs += 31_000;
  const second = await feed(ciscoLine('FS-S5850-CORE1'), 'FS-S5850-CORE1');
  assert.ok(second > first, 'execution ids increase');
  assert.equal((await backups.list('FS-S5850-CORE1')).length, 1, 'unchanged config: no new version');
  const ended = records.find((record) => record.event === Events.backupSaved && record.execution === second);
  assert.equal(ended?.result, 'skipped');

  await onboarder.idle();
  const status = (await readStatus(state)).find((entry) => entry.device === 'FS-S5850-CORE1');
  assert.deepEqual({ id: status?.execution?.id, result: status?.execution?.result }, { id: second, result: 'ok' });
  const json = await captureStdout(() => statusCommand({ state: stateDir, json: true }));
  assert.match(json.out, new RegExp(`"id": ${String(second)}`));
  const table = await captureStdout(() => statusCommand({ state: stateDir }));
  assert.match(table.out, new RegExp(`FS-S5850-CORE1 .* execution ${String(second)} ok `));
  assert.match(await readFile(join(stateDir, 'executions.json'), 'utf8'), new RegExp(`"last": ?${String(second)}\\b`), 'the counter is persisted');
});

void test('backup: an FS-style change by address is a new version, a burst is one backup, history lists versions and diffs them masked', async () => {
  const srv = lab.get('FS-S5850-SRV');
  const backups = new BackupStore(state);
  await feed(fsLine(srv.address), 'FS-S5850-SRV');
  assert.equal((await backups.list('FS-S5850-SRV')).length, 1, 'the header address resolves to the inventory device');

  clockMs += 31_000;
  await change('FS-S5850-SRV', 'snmp-server location burst room');
  const before = scheduled('FS-S5850-SRV').length;
  const execution = await feed(fsLine('FS-S5850-SRV'), 'FS-S5850-SRV');
  for (let n = 0; n < 5; n++) {
    clockMs += 1000;
    engine.processLine(fsLine('FS-S5850-SRV'), 'syslog');
  }
  await onboarder.idle();
  assert.equal(scheduled('FS-S5850-SRV').length, before + 1, 'a burst inside the window is one backup');
  const versions = await backups.list('FS-S5850-SRV');
  assert.equal(versions.length, 2);
  assert.equal(records.find((record) => record.event === Events.backupSaved && record.execution === execution)?.version, versions[1]?.id);

  const listing = await captureStdout(() => historyCommand('FS-S5850-SRV', { state: stateDir }));
  for (const version of versions) assert.match(listing.out, new RegExp(`^${version.id} `, 'm'));
  const [a, b] = versions.map((version) => version.id);
  const diff = await captureStdout(() => historyCommand('FS-S5850-SRV', { state: stateDir, diff: [a, b] }));
  assert.equal(diff.code, 0);
  assert.match(diff.out, /^\+snmp-server location burst room$/m);
  assert.ok(!diff.out.includes(PASSWORD), 'the diff is masked');
});

void test('backup: an unknown host is reported, not guessed', async () => {
  engine.processLine(ciscoLine('NO-SUCH-SWITCH'), 'syslog');
  await onboarder.idle();
  assert.equal(records.filter((record) => record.event === Events.unknownDevice && record.device === 'NO-SUCH-SWITCH').length, 1);
  assert.equal(scheduled('NO-SUCH-SWITCH').length, 0);
});
