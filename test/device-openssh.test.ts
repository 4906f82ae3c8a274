import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DeviceSession, getProfile, HostKeyStore } from '../src/device/index.js';
import { silentLogger } from '../src/log/index.js';
import { StateStore } from '../src/state/index.js';
import { hasCommand, isRoot, requireSystem } from './support/system.js';

const SSHD = '/usr/sbin/sshd';

/** A switch CLI in plain JavaScript, run by OpenSSH as the forced command of the login. */
const FAKE_SWITCH = `
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
const dir = process.argv[2];
let host = 'OSSH-SW';
let config = false;
const running = ['hostname OSSH-SW', '!', 'interface eth-0-1', ' description uplink', '!'];
const prompt = () => process.stdout.write(config ? host + '(config)#' : host + '#');
process.stdout.write('Fake switch over OpenSSH\\n\\n');
prompt();
const rl = createInterface({ input: process.stdin, terminal: false });
rl.on('line', (line) => {
  const c = line.trim();
  if (c === '' || c === 'terminal length 0') {}
  else if (!config && c === 'show running-config') process.stdout.write('Building configuration...\\n' + running.join('\\n') + '\\nend\\n');
  else if (!config && c === 'configure terminal') config = true;
  else if (!config && c === 'write') appendFileSync(dir + '/saves', 'saved\\n');
  else if (config && c === 'end') config = false;
  else if (config && c.startsWith('hostname ')) { host = c.slice(9); running[0] = c; }
  else if (config && !c.startsWith('bogus')) running.push(c);
  else process.stdout.write("        ^\\n% Invalid input detected at '^' marker.\\n");
  prompt();
});
rl.on('close', () => process.exit(0));
`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
  });
}

function waitForListening(sshd: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => {
      reject(new Error(`sshd did not start listening within ${timeoutMs} ms: ${log}`));
    }, timeoutMs);
    sshd.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Server listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    sshd.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sshd exited with ${String(code)}: ${log}`));
    });
  });
}

void test('the client against a real OpenSSH sshd with a fake switch as the forced command', async (t) => {
  if (!requireSystem(t, 'OpenSSH sshd', existsSync(SSHD) && hasCommand('ssh-keygen'), 'apt-get install openssh-server')) return;
  const dir = mkdtempSync(join(tmpdir(), 'onramp-openssh-'));
  const started: ChildProcess[] = [];
  t.after(() => {
    for (const child of started) child.kill();
    rmSync(dir, { recursive: true, force: true });
  });
  // As root, sshd needs its privilege-separation directory, which Debian's service unit normally creates.
  if (isRoot) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  for (const name of ['host_key', 'client_key']) {
    const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, name)]);
    assert.equal(r.status, 0, r.stderr.toString());
  }
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')), { mode: 0o600 });
  writeFileSync(join(dir, 'fake-switch.mjs'), FAKE_SWITCH);
  const port = await freePort();
  writeFileSync(join(dir, 'sshd_config'), [
    `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${join(dir, 'host_key')}`, `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`, 'PasswordAuthentication no', 'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes', 'PermitRootLogin prohibit-password', 'StrictModes no', 'UsePAM no',
    `ForceCommand ${process.execPath} ${join(dir, 'fake-switch.mjs')} ${dir}`, '',
  ].join('\n'));
  const sshd = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  started.push(sshd);
  await waitForListening(sshd, 10_000);

  const session = await DeviceSession.open(
    {
      host: '127.0.0.1', port, username: userInfo().username, password: '', privateKey: readFileSync(join(dir, 'client_key'), 'utf8'),
      profile: getProfile('fs-s5850'), timeoutMs: 5000, retries: 0, hostKeyPolicy: 'pin', identity: { kind: 'device', name: 'OSSH-SW' },
    },
    { hostKeys: new HostKeyStore(new StateStore(join(dir, 'state'))), logger: silentLogger() },
  );
  try {
    assert.equal(session.hostname(), 'OSSH-SW');
    assert.match(await session.runningConfig(), /^Building configuration\.\.\.\nhostname OSSH-SW\n!\ninterface eth-0-1\n description uplink\n!\nend\n$/);
    await session.configure(['hostname OSSH-NEW', 'snmp-server location ossh']);
    assert.equal(session.prompt, 'OSSH-NEW#');
    await assert.rejects(session.configure(['bogus line']), { kind: 'rejected', command: 'bogus line' });
    assert.ok(!existsSync(join(dir, 'saves')));
    await session.save();
    assert.equal(readFileSync(join(dir, 'saves'), 'utf8'), 'saved\n');
  } finally {
    await session.close();
  }
});
