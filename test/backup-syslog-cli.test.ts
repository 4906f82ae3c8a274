import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Lab, type LabSwitchSpec } from '../src/lab/index.js';
import { onramp, readOr, ROOT, scratch, waitFor } from './agent-cli.js';
import { writeLabSite } from './support/lab-site.js';
import { sendUdp } from './support/syslog-send.js';

// Config-change syslog to a stored backup through the shipped command: listener, rules, scheduler, SSH, backup store, status, history.
const PASSWORD = 'lab-secret-pw';
const CORE1 = readFileSync(join(ROOT, 'baselines/hq/FS-S5850-CORE1.cfg'), 'utf8');
const SRV = readFileSync(join(ROOT, 'baselines/hq/FS-S5850-SRV.cfg'), 'utf8');

const switches: LabSwitchSpec[] = [
  { hostname: 'FS-S5850-CORE1', personality: 'fs-s5850', mac: '00:aa:bb:00:03:01', username: 'admin', password: PASSWORD, runningConfig: CORE1 },
  { hostname: 'FS-S5850-SRV', personality: 'fs-s5850', mac: '00:aa:bb:00:03:02', username: 'admin', password: PASSWORD, runningConfig: SRV },
  { hostname: 'FS-S5850-EDGE', personality: 'fs-s5850', mac: '00:aa:bb:00:03:03', username: 'admin', password: PASSWORD, runningConfig: SRV },
];

interface LogLine {
  event?: string;
  msg: string;
  device?: string;
  execution?: number;
  result?: string;
  version?: string;
  address?: { host: string; port: number };
  path?: string;
}

function logLines(path: string): LogLine[] {
  return readOr(path).split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as LogLine);
}

function sendTcp(port: number, message: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      // RFC 6587 octet counting.
      socket.end(`${String(Buffer.byteLength(message))} ${message}`, () => { resolve(); });
    });
    socket.once('error', reject);
  });
}

void test('syslog config changes (RFC 3164 over UDP, RFC 5424 over TCP, the IOS default header without a hostname) reach onramp run, back up the lab switches, and show in status and history', async (t) => {
  const dir = scratch(t);
  const lab = await Lab.start({ switches, keyDir: join(dir, 'keys') });
  t.after(() => lab.stop());
  // A baseline names its own device: one that named another would rename the switch.
  const EDGE = SRV.replaceAll('FS-S5850-SRV', 'FS-S5850-EDGE');
  await writeLabSite(dir, lab, { 'FS-S5850-CORE1': CORE1, 'FS-S5850-SRV': SRV, 'FS-S5850-EDGE': EDGE });
  const input = join(dir, 'dhcpd.log');
  writeFileSync(input, '');
  const log = join(dir, 'onramp.log');
  const state = join(dir, 'state');

  const run = spawn(process.execPath, [
    join(ROOT, 'dist', 'bin', 'onramp.js'), 'run', `--conf=${join(ROOT, 'rules', 'config-change.rules')}`, `--input=${input}`,
    '--listen-syslog', 'udp://127.0.0.1:0', '--listen-syslog', 'tcp://127.0.0.1:0',
    `--sites=${join(dir, 'sites')}`, `--templates=${join(ROOT, 'templates')}`, `--state=${state}`, `--log=${log}`, `--backups=git:${join(dir, 'configs')}`,
  ], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ONRAMP_HQ_PASSWORD: PASSWORD } });
  let stderr = '';
  run.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const exited = new Promise<number | null>((resolve) => run.once('exit', resolve));
  t.after(() => run.kill('SIGKILL'));

  const listening = (protocol: string): number | undefined =>
    logLines(log).find((line) => line.event === 'input.opened' && line.path?.startsWith(`${protocol}://`) === true)?.address?.port;
  await waitFor('both syslog listeners', () => (listening('udp') !== undefined && listening('tcp') !== undefined) || run.exitCode !== null);
  assert.equal(run.exitCode, null, `onramp run exited: ${stderr}`);

  await sendUdp(listening('udp') ?? 0,
    '<189>Nov 23 11:00:00 FS-S5850-CORE1 45: *Nov 23 11:00:00.123: %SYS-5-CONFIG_I: Configured from console by admin on vty0 (10.0.0.5)');
  await sendTcp(listening('tcp') ?? 0,
    '<189>1 2026-11-23T11:00:00.000Z FS-S5850-SRV onramp-test 45 - - %SYS-5-CONFIG_I: Configured from console by admin on vty0 (10.0.0.5)');
  // No hostname in the header: the switch is known by the address it sent from.
  await sendUdp(listening('udp') ?? 0,
    '<189>46: *Nov 23 11:00:01.456: %SYS-5-CONFIG_I: Configured from console by admin on vty0 (10.0.0.5)', lab.get('FS-S5850-EDGE').address);

  const backups = new Map<string, { execution: number; version: string }>();
  await waitFor('the three backups to be saved', () => {
    const lines = logLines(log);
    for (const name of ['FS-S5850-CORE1', 'FS-S5850-SRV', 'FS-S5850-EDGE']) {
      const scheduled = lines.find((line) => line.device === name && /^Scheduled backup with execution ID: \d+$/.test(line.msg));
      const execution = scheduled?.execution;
      const saved = lines.find((line) => line.event === 'device.backup.saved' && line.execution === execution && execution !== undefined);
      if (execution !== undefined && saved?.version !== undefined) backups.set(name, { execution, version: saved.version });
    }
    return backups.size === 3 || run.exitCode !== null;
  }, 30_000);
  assert.equal(backups.size, 3, `onramp run exited: ${stderr}; saved: ${[...backups.keys()].join(', ')}`);

  const status = onramp(['status', '--state', state]);
  assert.equal(status.code, 0, status.stderr);
  for (const [name, { execution, version }] of backups) {
    assert.match(status.stdout, new RegExp(`^${name} .* version ${version}: config-change by admin on vty0 from 10\\.0\\.0\\.5 .* execution ${String(execution)} ok `, 'm'));
    // The git store run named is the one history reads; its commit names who made the change.
    const history = onramp(['history', name, '--state', state]);
    assert.equal(history.code, 0, history.stderr);
    assert.match(history.stdout, new RegExp(`^${version} .* config-change by admin on vty0 from 10\\.0\\.0\\.5 \\(\\+\\d+ -0\\)$`, 'm'));
    const author = execFileSync('git', ['log', '-1', '--format=%an', version], { cwd: join(dir, 'configs'), encoding: 'utf8' });
    assert.equal(author, 'admin (config-change by admin on vty0 from 10.0.0.5)\n');
  }
  assert.ok(!readOr(log).includes(PASSWORD), 'no password in the log');

  run.kill('SIGTERM');
  assert.equal(await exited, 0, stderr);
});
