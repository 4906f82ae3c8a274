import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasCommand, requireSystem } from './support/system.js';
import { alive, onramp, readOr, remember, ROOT, scratch, waitFor, writeRule } from './agent-cli.js';

const UNIT = join(ROOT, 'packaging', 'onramp.service');
const DEFAULTS = join(ROOT, 'packaging', 'default-onramp');

function unitSetting(name: string): string[] {
  return readFileSync(UNIT, 'utf8').split('\n').filter((line) => line.startsWith(`${name}=`)).map((line) => line.slice(name.length + 1));
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

void test('systemd accepts the unit', (t) => {
  if (!requireSystem(t, 'systemd-analyze', hasCommand('systemd-analyze'), 'apt-get install systemd')) return;
  const dir = scratch(t);
  // verify checks that the programs exist; the package's /usr/bin/onramp is not installed here.
  const unit = join(dir, 'onramp.service');
  writeFileSync(unit, readFileSync(UNIT, 'utf8').replaceAll('/usr/bin/onramp', process.execPath));
  const result = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.doesNotMatch(result.stderr, /onramp\.service/, 'no warning about the unit');
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
