import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab } from '../src/lab/index.js';
import { verifySignature, type NotifyPayload } from '../src/notify/index.js';
import { writeLabSite } from './support/lab-site.js';
import { WebhookReceiver } from './support/webhook-receiver.js';
import { readOr, remember, ROOT, scratch, waitFor } from './agent-cli.js';

const PASSWORD = 'Site-Passw0rd-lab';
const HOOK_SECRET = 'lab-hook-secret-7';
const CORE1 = readFileSync(join(ROOT, 'baselines/hq/FS-S5850-CORE1.cfg'), 'utf8');

void test('onramp run: a drift found on a lab switch is POSTed, signed, to the site\'s webhook, with no secret in it', async (t) => {
  const dir = scratch(t);
  const receiver = await WebhookReceiver.start();
  t.after(() => receiver.stop());
  const drifted = CORE1.replace('snmp-server location hq core room', 'snmp-server location somewhere else');
  const lab = await Lab.start({
    switches: [{ hostname: 'FS-S5850-CORE1', personality: 'fs-s5850', mac: '00:aa:bb:00:06:01', username: 'admin', password: PASSWORD, runningConfig: drifted }],
    keyDir: join(dir, 'keys'),
  });
  t.after(() => lab.stop());
  const core1 = lab.get('FS-S5850-CORE1');
  const sites = await writeLabSite(dir, lab, { 'FS-S5850-CORE1': CORE1 }, {
    extra: `notify:\n  - webhook: { url: "${receiver.url}", secretEnv: ONRAMP_HQ_HOOK, format: json }\n    events: [device.check.drift]\n`,
  });
  const input = join(dir, 'dhcpd.log');
  writeFileSync(input, '');
  const log = join(dir, 'onramp.log');
  const daemon = spawn(process.execPath, [
    join(ROOT, 'dist', 'bin', 'onramp.js'), 'run', `--conf=${join(ROOT, 'rules', 'dhcp.rules')}`, `--input=${input}`,
    `--sites=${sites}`, `--templates=${join(ROOT, 'templates')}`, `--state=${join(dir, 'state')}`, `--log=${log}`,
  ], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ONRAMP_HQ_PASSWORD: PASSWORD, ONRAMP_HQ_HOOK: HOOK_SECRET } });
  remember(daemon.pid ?? 0);
  let stderr = '';
  daemon.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const exited = new Promise<number | null>((resolve) => daemon.once('exit', resolve));
  t.after(() => daemon.kill('SIGKILL'));
  await waitFor('the daemon to open its input', () => readOr(log).includes('"event":"input.opened"') || daemon.exitCode !== null);
  assert.equal(daemon.exitCode, null, stderr);

  appendFileSync(input, `Dec  2 20:00:00 dhcpsrv dhcpd[812]: DHCPACK on ${core1.address} to 00:aa:bb:00:06:01 (FS-S5850-CORE1) via eth1\n`);
  await waitFor('the webhook to receive the drift', () => receiver.requests.length > 0 || daemon.exitCode !== null);
  const [request] = receiver.requests;
  assert.ok(request !== undefined, `${stderr}\n${readOr(log)}`);
  assert.ok(verifySignature(HOOK_SECRET, String(request.headers['x-onramp-timestamp']), request.body, String(request.headers['x-onramp-signature']), Math.floor(Date.now() / 1000)));
  const payload = JSON.parse(request.body) as NotifyPayload;
  assert.equal(payload.event, 'device.check.drift');
  assert.equal(payload.device, 'FS-S5850-CORE1');
  assert.equal(payload.site, 'hq');
  assert.match(payload.diff ?? '', /snmp-server location somewhere else/);
  assert.ok(!request.body.includes(PASSWORD) && !request.body.includes(HOOK_SECRET));

  daemon.kill('SIGTERM');
  assert.equal(await exited, 0, stderr);
  assert.equal(receiver.requests.length, 1, 'one drift, one notification');
});
