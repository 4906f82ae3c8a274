import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab } from '../src/lab/index.js';
import { onrampAsync, readOr, remember, ROOT, scratch, waitFor } from './agent-cli.js';
import { writeLabSite } from './support/lab-site.js';

// The running appliance and the operator's command, as separate processes: onramp run parks an unknown factory
// switch from its DHCPACK, and `onramp assign` run beside it has it provisioned within seconds, without a new lease.
const SITE = 'Assign-Site-pw1';
const FACTORY = 'Assign-Factory-pw1';
const MAC = '02:21:00:00:00:01';
const CORE1 = readFileSync(join(ROOT, 'baselines/hq/FS-S5850-CORE1.cfg'), 'utf8');

interface StatusEntry { device: string; result: string; parked?: { serial?: string } }

function statusOf(path: string): StatusEntry[] {
  const text = readOr(path, '{}');
  try {
    return Object.values(JSON.parse(text) as Record<string, StatusEntry>);
  } catch {
    return [];
  }
}

void test('onramp run parks an unknown switch; onramp assign beside it gets it provisioned within seconds', async (t) => {
  const dir = scratch(t);
  const lab = await Lab.start({
    switches: [
      { hostname: 'FS-S5850-CORE1', personality: 'fs-s5850', mac: '02:21:00:00:00:10', username: 'admin', password: SITE, runningConfig: CORE1 },
      { hostname: 'Switch', personality: 'fs-s3900', mac: MAC, username: 'admin', password: FACTORY, uplink: { device: 'FS-S5850-CORE1', port: 'eth-0-33', localPort: 'ethernet 1/25' } },
    ],
    keyDir: join(dir, 'keys'),
  });
  t.after(() => lab.stop());
  const sw = lab.get('Switch');
  const sites = await writeLabSite(dir, lab, { 'FS-S5850-CORE1': CORE1 }, {
    factory: true,
    extra: 'portmap:\n  - { uplink: { device: FS-S5850-CORE1, port: eth-0-40 }, hostname: FS-S3900-ACC5, model: fs-s3900, vars: { mgmtIp: 10.77.0.25, uplinkPort: 1/25 } }\n',
  });
  const state = join(dir, 'state');
  const input = join(dir, 'dhcpd.log');
  writeFileSync(input, '');
  const log = join(dir, 'onramp.log');
  const env = { ...process.env, ONRAMP_HQ_PASSWORD: SITE, ONRAMP_FACTORY_PASSWORD: FACTORY };
  const daemon = spawn(process.execPath, [
    join(ROOT, 'dist', 'bin', 'onramp.js'), 'run', `--conf=${join(ROOT, 'rules', 'dhcp.rules')}`, `--input=${input}`,
    `--sites=${sites}`, `--templates=${join(ROOT, 'templates')}`, `--state=${state}`, `--log=${log}`,
  ], { stdio: ['ignore', 'ignore', 'pipe'], env });
  remember(daemon.pid ?? 0);
  let stderr = '';
  daemon.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const exited = new Promise<number | null>((resolve) => daemon.once('exit', resolve));
  t.after(() => daemon.kill('SIGKILL'));
  await waitFor('the daemon to open its input', () => readOr(log).includes('"event":"input.opened"') || daemon.exitCode !== null);
  assert.equal(daemon.exitCode, null, stderr);

  appendFileSync(input, `Dec  2 20:00:00 dhcpsrv dhcpd[812]: DHCPACK on ${sw.address} to ${MAC} (Switch) via eth1\n`);
  const status = join(state, 'status.json');
  await waitFor('the switch to be parked', () => statusOf(status).some((entry) => entry.result === 'parked') || daemon.exitCode !== null, 30_000);
  assert.equal(sw.hostname(), 'parked-022100000001', `${stderr}\n${readOr(log)}`);

  const serial = statusOf(status).find((entry) => entry.result === 'parked')?.parked?.serial ?? '';
  const assigned = await onrampAsync(['assign', serial, '--as', 'FS-S3900-ACC5', `--sites=${sites}`, `--templates=${join(ROOT, 'templates')}`, `--state=${state}`]);
  assert.equal(assigned.code, 0, assigned.stderr);
  await waitFor('the assigned switch to be provisioned', () => statusOf(status).some((entry) => entry.device === 'FS-S3900-ACC5' && entry.result === 'provisioned') || daemon.exitCode !== null, 30_000);
  assert.equal(sw.hostname(), 'FS-S3900-ACC5', readOr(log));
  const events = readOr(log).split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as { event?: string; hostname?: string });
  assert.equal(events.filter((event) => event.event === 'device.assigned')[0]?.hostname, 'FS-S3900-ACC5');
  assert.equal(events.filter((event) => event.event === 'dhcp.ack').length, 1, 'no second lease was needed');
  assert.ok(!readOr(log).includes(SITE) && !readOr(log).includes(FACTORY), 'no password in the log');

  daemon.kill('SIGTERM');
  assert.equal(await exited, 0, stderr);
});
