import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_JOB_TIMEOUT_MS } from '../src/inventory/index.js';
import { DEFAULT_STOP_TIMEOUT_MS } from '../src/onboard/index.js';
import { hasCommand, requireSystem } from './support/system.js';
import { alive, onramp, readOr, remember, ROOT, scratch, waitFor, writeRule } from './agent-cli.js';

const UNIT = join(ROOT, 'packaging', 'onramp.service');
const DEFAULTS = join(ROOT, 'packaging', 'default-onramp');
const LOW_PORT = join(ROOT, 'packaging', 'onramp.service.d', 'low-port.conf');
const SYSUSERS = join(ROOT, 'packaging', 'onramp.sysusers');

function unitSetting(name: string, file = UNIT): string[] {
  return readFileSync(file, 'utf8').split('\n').filter((line) => line.startsWith(`${name}=`)).map((line) => line.slice(name.length + 1));
}

function daemonArg(name: string): string | undefined {
  return daemonArgs().find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
}

function daemonArgs(): string[] {
  const match = /^DAEMON_ARGS="([^"]*)"$/m.exec(readFileSync(DEFAULTS, 'utf8'));
  assert.ok(match?.[1] !== undefined, `${DEFAULTS}: no DAEMON_ARGS="…" line`);
  return match[1].split(/\s+/);
}

void test('the unit and /etc/default/onramp agree: forking, the same pid file, reload by SIGHUP', () => {
  const args = daemonArgs();
  assert.deepEqual(unitSetting('Type'), ['forking']);
  assert.ok(args.includes('--detach'), 'Type=forking needs --detach');
  assert.deepEqual(unitSetting('PIDFile'), args.filter((arg) => arg.startsWith('--pid=')).map((arg) => arg.slice('--pid='.length)));
  assert.deepEqual(unitSetting('EnvironmentFile')[0], '/etc/default/onramp');
  assert.deepEqual(unitSetting('ExecStart'), ['/usr/bin/onramp run $DAEMON_ARGS']);
  assert.deepEqual(unitSetting('ExecReload'), ['/bin/kill -HUP $MAINPID']);
});

void test('systemd accepts the unit, with and without the low-port drop-in', (t) => {
  if (!requireSystem(t, 'systemd-analyze', hasCommand('systemd-analyze'), 'apt-get install systemd')) return;
  const dir = scratch(t);
  // verify checks that the programs exist; the package's /usr/bin/onramp is not installed here.
  const unit = join(dir, 'onramp.service');
  writeFileSync(unit, readFileSync(UNIT, 'utf8').replaceAll('/usr/bin/onramp', process.execPath));
  const bare = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
  assert.equal(bare.status, 0, bare.stderr);
  assert.doesNotMatch(bare.stderr, /onramp\.service/, 'no warning about the unit');
  mkdirSync(join(dir, 'onramp.service.d'));
  writeFileSync(join(dir, 'onramp.service.d', 'low-port.conf'), readFileSync(LOW_PORT, 'utf8'));
  const withDropIn = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_LEVEL: 'debug' } });
  assert.equal(withDropIn.status, 0, withDropIn.stderr);
  assert.match(withDropIn.stdout + withDropIn.stderr, /DropIn Path: .*low-port\.conf/, 'the drop-in was read');
  assert.doesNotMatch(withDropIn.stderr, /low-port\.conf:\d+:/, 'no warning about the drop-in');
});

void test('the unit runs as the onramp user, read-only but for its state and log, with no capability unless the drop-in grants one', () => {
  assert.deepEqual(unitSetting('User'), ['onramp']);
  assert.deepEqual(unitSetting('Group'), ['onramp']);
  assert.deepEqual(unitSetting('NoNewPrivileges'), ['yes']);
  assert.deepEqual(unitSetting('ProtectSystem'), ['strict']);
  const writable = unitSetting('ReadWritePaths').flatMap((value) => value.split(/\s+/));
  const state = daemonArg('state');
  assert.ok(state !== undefined && writable.includes(state), `--state=${state ?? '?'} is writable`);
  assert.deepEqual(unitSetting('StateDirectory'), [state.replace(/^\/var\/lib\//, '')], 'systemd creates the state directory for the user');
  const logDir = `/var/log/${unitSetting('LogsDirectory')[0] ?? '?'}`;
  assert.ok(writable.includes(logDir), `${logDir}, for a --log file, is writable`);
  const pidFile = unitSetting('PIDFile')[0] ?? '';
  assert.equal(pidFile, `/run/${unitSetting('RuntimeDirectory')[0] ?? '?'}/onramp.pid`, 'the pid file is in a directory the user may write');
  assert.deepEqual(unitSetting('CapabilityBoundingSet'), ['']);
  assert.deepEqual(unitSetting('AmbientCapabilities'), ['']);
  assert.deepEqual(unitSetting('CapabilityBoundingSet', LOW_PORT), ['CAP_NET_BIND_SERVICE']);
  assert.deepEqual(unitSetting('AmbientCapabilities', LOW_PORT), ['CAP_NET_BIND_SERVICE']);
});

void test('a stop waits longer than the default job timeout, and onramp plans its pushes for the time the unit gives a stop', () => {
  const [timeout] = unitSetting('TimeoutStopSec');
  assert.match(timeout ?? '', /^\d+$/, 'TimeoutStopSec in seconds');
  assert.ok(Number(timeout) * 1000 > DEFAULT_JOB_TIMEOUT_MS, `TimeoutStopSec=${timeout ?? '?'} > ${DEFAULT_JOB_TIMEOUT_MS / 1000} s`);
  const stopTimeout = daemonArg('stop-timeout');
  assert.equal(stopTimeout === undefined ? DEFAULT_STOP_TIMEOUT_MS : Number(stopTimeout) * 1000, Number(timeout) * 1000, "onramp's --stop-timeout is the unit's TimeoutStopSec");
});

void test('the package creates the onramp user the unit runs as', (t) => {
  const [user] = unitSetting('User');
  assert.match(readFileSync(SYSUSERS, 'utf8'), new RegExp(`^u ${user ?? '?'} - `, 'm'));
  if (!requireSystem(t, 'systemd-sysusers', hasCommand('systemd-sysusers'), 'apt-get install systemd')) return;
  const root = scratch(t);
  mkdirSync(join(root, 'etc'));
  writeFileSync(join(root, 'etc', 'passwd'), '');
  writeFileSync(join(root, 'etc', 'group'), '');
  const result = spawnSync('systemd-sysusers', ['--dry-run', `--root=${root}`, SYSUSERS], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout + result.stderr, new RegExp(`Creating user '${user ?? '?'}'`));
});

void test("the README's install puts onramp where the unit runs it", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const install = /^### systemd\n\n```sh\n([\s\S]*?)```/m.exec(readme)?.[1] ?? '';
  const prefix = /npm install -g --prefix (\S+) /.exec(install)?.[1];
  assert.ok(prefix !== undefined, 'the install step names the npm prefix');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; files: string[] };
  // npm links PREFIX/bin/NAME to the package's bin entry; the entry must be in the package.
  assert.ok(pkg.bin.onramp !== undefined && pkg.files.some((entry) => pkg.bin.onramp?.startsWith(`${entry}/`)));
  for (const command of [...unitSetting('ExecStart'), ...unitSetting('ExecStartPre')]) {
    assert.equal(command.split(' ')[0], `${prefix}/bin/onramp`);
  }
  assert.match(install, /install -m 0644 packaging\/onramp\.sysusers \/usr\/lib\/sysusers\.d\/onramp\.conf/);
  assert.match(install, /systemd-sysusers/);
});

void test('the shipped DAEMON_ARGS start a daemon that writes its pid file, reloads on HUP and exits on TERM', async (t) => {
  const dir = scratch(t);
  const input = join(dir, 'dhcpd.log');
  const out = join(dir, 'out');
  const rules = join(dir, 'dhcp.rules');
  const pidFile = join(dir, 'onramp.pid');
  const log = join(dir, 'onramp.log');
  writeFileSync(input, '');
  writeFileSync(rules, writeRule(out, 'old'));
  // Same flags, with the system paths moved into the scratch folder.
  const moved: Record<string, string> = {
    conf: rules, input, pid: pidFile, state: join(dir, 'state'), sites: join(ROOT, 'baselines'), templates: join(ROOT, 'templates'),
  };
  const args = daemonArgs().map((arg) => {
    if (arg === '--detach') return arg;
    if (arg.startsWith('--syslog=')) return `--log=${log}`;
    const name = /^--([a-z]+)=/.exec(arg)?.[1];
    const value = name === undefined ? undefined : moved[name];
    assert.ok(value !== undefined, `DAEMON_ARGS has ${arg}, which this test does not know how to move`);
    return `--${name ?? ''}=${value}`;
  });

  assert.equal(onramp(['run', ...args, '--testonly']).stdout, `1 rules loaded from ${rules}\n`, 'ExecStartPre');
  const started = onramp(['run', ...args]);
  assert.equal(started.code, 0, started.stderr);
  await waitFor('the daemon to write its pid file', () => existsSync(pidFile));
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  remember(pid);
  assert.ok(alive(pid));

  appendFileSync(input, 'hello one\n');
  await waitFor('the daemon to act', () => readOr(out) === 'old one\n');
  writeFileSync(rules, writeRule(out, 'new'));
  process.kill(pid, 'SIGHUP');
  await waitFor('the reload', () => readOr(log).split('\n').filter((line) => line.includes(`"1 rules loaded from ${rules}"`)).length === 2);
  appendFileSync(input, 'hello two\n');
  await waitFor('the new rules to act', () => readOr(out) === 'old one\nnew two\n');

  process.kill(pid, 'SIGTERM');
  await waitFor('the daemon to exit', () => !alive(pid));
  assert.equal(existsSync(pidFile), false, 'the pid file is removed on a clean exit');
});
