import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseListenSpec } from '../src/input/roles.js';
import { Lab } from '../src/lab/index.js';
import { onramp, readOr, ROOT, scratch, waitFor } from './agent-cli.js';
import { FakeSshServer } from './support/fake-ssh-server.js';
import { writeLabSite } from './support/lab-site.js';
import { sendUdp } from './support/syslog-send.js';

// Syslog as a back door (issue 14, item 2): a DHCPACK in a datagram must not make onramp log in anywhere.
const PASSWORD = 'Site-Passw0rd-lab';
const FACTORY = 'Factory-Passw0rd';
const CORE1 = readFileSync(join(ROOT, 'baselines/hq/FS-S5850-CORE1.cfg'), 'utf8');
const PORTMAP_MAC = 'be:b5:de:01:12:a1';
const DHCP_SERVER = '127.0.0.7';

interface LogLine { event?: string; msg: string; device?: string; count?: number; path?: string; address?: { port: number }; action?: string }

function logLines(path: string): LogLine[] {
  return readOr(path).split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as LogLine);
}

void test('--listen-syslog: role and allowed senders parsed, with errors that say what was expected', () => {
  const plain = parseListenSpec('udp://0.0.0.0:514');
  assert.ok(typeof plain !== 'string');
  assert.equal(plain.role, 'config-change');
  assert.equal(plain.allow, undefined, 'a config-change listener takes any sender unless told');
  const lease = parseListenSpec('udp://0.0.0.0:514?role=lease');
  assert.ok(typeof lease !== 'string');
  assert.equal(lease.allow?.allows('10.77.0.1'), false, 'a lease listener takes no sender unless told');
  const allowed = parseListenSpec('tcp://[::]:514?role=lease&allow=10.77.0.0/24,fd00::1');
  assert.ok(typeof allowed !== 'string');
  assert.equal(allowed.url, 'tcp://[::]:514');
  assert.deepEqual(['10.77.0.9', '::ffff:10.77.0.9', '10.77.1.9', 'fd00::1', 'fd00::2'].map((a) => allowed.allow?.allows(a)), [true, true, false, true, false]);
  const problem = (text: string): string => {
    const spec = parseListenSpec(text);
    assert.equal(typeof spec, 'string', `${text} should be refused`);
    return typeof spec === 'string' ? spec : '';
  };
  assert.match(problem('udp://h:1?role=dhcp'), /role: expected one of lease, config-change, sec, got "dhcp"/);
  assert.match(problem('udp://h:1?allow=10.0.0.300/24'), /allow: "10\.0\.0\.300\/24" is not a subnet: expected an address or ADDRESS\/BITS/);
  assert.match(problem('udp://h:1?allow=10.0.0.0/33'), /is not a subnet/);
  assert.match(problem('udp://h:1?from=10.0.0.1'), /unknown option "from"/);
});

void test('a DHCPACK sent to a syslog listener logs in nowhere: refused on a config-change listener, dropped from a sender a lease listener does not allow; allowed senders still work', async (t) => {
  const dir = scratch(t);
  const lab = await Lab.start({
    switches: [{ hostname: 'FS-S5850-CORE1', personality: 'fs-s5850', mac: '00:aa:bb:00:04:01', username: 'admin', password: PASSWORD, runningConfig: CORE1 }],
    keyDir: join(dir, 'keys'),
  });
  t.after(() => lab.stop());
  // Where the spoofed lease points: an attacker's SSH server on the site's SSH port.
  const trap = await FakeSshServer.start({ address: '127.77.0.50', port: lab.port });
  t.after(() => trap.stop());
  const core1 = lab.get('FS-S5850-CORE1');
  const sites = await writeLabSite(dir, lab, { 'FS-S5850-CORE1': CORE1 }, {
    factory: true,
    extra: `portmap:\n  - { mac: "${PORTMAP_MAC}", hostname: FS-S3900-ACC2, model: fs-s3900, vars: { mgmtIp: 10.77.0.22, uplinkPort: 1/25 } }\n`,
  });
  const input = join(dir, 'dhcpd.log');
  writeFileSync(input, '');
  const log = join(dir, 'onramp.log');
  const state = join(dir, 'state');
  const switchesListener = 'udp://127.0.0.1:0';
  const leaseListener = `udp://127.0.0.1:0?role=lease&allow=${DHCP_SERVER}/32`;
  const run = spawn(process.execPath, [
    join(ROOT, 'dist', 'bin', 'onramp.js'), 'run', `--conf=${join(ROOT, 'rules', 'dhcp.rules')}`, `--conf=${join(ROOT, 'rules', 'config-change.rules')}`,
    `--input=${input}`, '--listen-syslog', switchesListener, '--listen-syslog', leaseListener,
    `--sites=${sites}`, `--templates=${join(ROOT, 'templates')}`, `--state=${state}`, `--log=${log}`,
  ], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ONRAMP_HQ_PASSWORD: PASSWORD, ONRAMP_FACTORY_PASSWORD: FACTORY } });
  let stderr = '';
  run.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const exited = new Promise<number | null>((resolve) => run.once('exit', resolve));
  t.after(() => run.kill('SIGKILL'));
  const portOf = (name: string): number | undefined => logLines(log).find((line) => line.event === 'input.opened' && line.path === name)?.address?.port;
  await waitFor('both listeners', () => (portOf(switchesListener) !== undefined && portOf(leaseListener) !== undefined) || run.exitCode !== null);
  assert.equal(run.exitCode, null, `onramp run exited: ${stderr}`);
  const events = (name: string): LogLine[] => logLines(log).filter((line) => line.event === name);

  const spoofed = `<30>Dec  2 20:00:00 dhcpsrv dhcpd[812]: DHCPACK on ${trap.address} to ${PORTMAP_MAC} (Switch) via eth1`;
  await sendUdp(portOf(switchesListener) ?? 0, spoofed);
  await waitFor('the onboard to be refused', () => events('input.action.refused').length > 0 || run.exitCode !== null);
  await sendUdp(portOf(leaseListener) ?? 0, spoofed);
  await waitFor('the datagram to be dropped', () => events('input.sender.refused').length > 0 || run.exitCode !== null);
  assert.deepEqual(events('input.action.refused').map(({ action, count }) => ({ action, count })), [{ action: 'onboard', count: 1 }]);

  // The DHCP server's own address may send leases; a switch may send its config changes.
  await sendUdp(portOf(leaseListener) ?? 0, `<30>Dec  2 20:00:01 dhcpsrv dhcpd[812]: DHCPACK on ${core1.address} to 00:aa:bb:00:04:01 (FS-S5850-CORE1) via eth1`, DHCP_SERVER);
  await waitFor('the check of CORE1', () => events('device.check.ok').length > 0 || run.exitCode !== null, 20_000);
  await sendUdp(portOf(switchesListener) ?? 0, '<189>Dec  2 20:00:02 FS-S5850-CORE1 45: %SYS-5-CONFIG_I: Configured from console by admin on vty0', core1.address);
  await waitFor('the backup of CORE1', () => events('device.backup.saved').some((line) => line.device === 'FS-S5850-CORE1') || run.exitCode !== null, 20_000);

  run.kill('SIGTERM');
  assert.equal(await exited, 0, stderr);
  assert.equal(trap.connections, 0, 'nothing connected to the address in the spoofed lease');
  assert.deepEqual(trap.secrets(), []);
  assert.deepEqual(events('input.sender.refused').map(({ count }) => count), [1]);
  const status = onramp(['status', '--state', state]);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /^inputs: 1 syslog message\(s\) dropped \(sender not allowed\), 1 native action\(s\) refused \(input role\)$/m);
  assert.doesNotMatch(status.stdout, /FS-S3900-ACC2|Switch/, 'the spoofed lease left no device behind');
});
