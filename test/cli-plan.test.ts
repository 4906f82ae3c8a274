import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tempDir, writeTree } from './onboard-fakes.js';

// `onramp plan` through the compiled CLI (npm run build first).
const CLI = join(import.meta.dirname, '..', 'dist', 'bin', 'onramp.js');

const RUNNING = 'Building configuration...\nhostname CORE1\n!\nrouter bgp 65000\n address-family ipv4 unicast\n  network 10.1.0.0/16\n exit-address-family\n!\ninterface eth-0-9\n shutdown\n!\nend\n';
const INTENDED = 'hostname CORE1\n!\nrouter bgp 65000\n address-family ipv4 unicast\n  network 10.2.0.0/16\n exit-address-family\n!\nend\n';

let dir: string;
let cleanup: () => Promise<void>;

before(async () => {
  ({ dir, remove: cleanup } = await tempDir('onramp-cli-plan-'));
  await writeTree(dir, {
    'running.cfg': RUNNING,
    'intended.cfg': INTENDED,
    'control.cfg': 'hostname A\ninterface eth-0-1\n description x\u0003\n',
    'indented.cfg': '\n description orphan\nhostname A\n',
  });
});

after(async () => {
  await cleanup();
});

function plan(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, 'plan', ...args], { encoding: 'utf8', cwd: dir, timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

void test('onramp plan prints the typed lines with section exits, and the port it was not told about stays shut', () => {
  const result = plan('--running', 'running.cfg', '--intended', 'intended.cfg', '--profile', 'fs-s5850');
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, 'router bgp 65000\naddress-family ipv4 unicast\nno network 10.1.0.0/16\nnetwork 10.2.0.0/16\nexit-address-family\nexit\n');
});

void test('onramp plan --rollback prints what undoes the plan', () => {
  const result = plan('--running', 'running.cfg', '--intended', 'intended.cfg', '--profile', 'fs-s5850', '--rollback');
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, 'router bgp 65000\naddress-family ipv4 unicast\nno network 10.2.0.0/16\nnetwork 10.1.0.0/16\nexit-address-family\nexit\n');
});

void test('onramp plan prints nothing and exits 0 when there is nothing to do', () => {
  const result = plan('--running', 'intended.cfg', '--intended', 'intended.cfg');
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, '');
});

void test('onramp plan exits 2 naming the file and line of bad input, or the unknown profile', () => {
  const control = plan('--running', 'running.cfg', '--intended', 'control.cfg');
  assert.equal(control.status, 2);
  assert.match(control.stderr, /^control\.cfg:3: control character; expected printable text$/m);
  const indented = plan('--running', 'indented.cfg', '--intended', 'intended.cfg');
  assert.equal(indented.status, 2);
  assert.match(indented.stderr, /^indented\.cfg:2: indented line before any section/m);
  const missing = plan('--running', 'nowhere.cfg', '--intended', 'intended.cfg');
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /^nowhere\.cfg: cannot read \(ENOENT\)$/m);
  const profile = plan('--running', 'running.cfg', '--intended', 'intended.cfg', '--profile', 'junos');
  assert.equal(profile.status, 2);
  assert.match(profile.stderr, /unknown device profile "junos"/);
  assert.equal(profile.stdout, '');
});
