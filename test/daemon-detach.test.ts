import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive, onramp, readOr, remember, scratch, waitFor, writeRule } from './agent-cli.js';

// `onramp run --detach` through the compiled binary: the command returns once the daemon runs, or with its start-up error.

function setup(dir: string): { rules: string; input: string; out: string; log: string } {
  const rules = join(dir, 'hello.rules');
  const input = join(dir, 'in.log');
  const out = join(dir, 'out');
  writeFileSync(rules, writeRule(out, 'got'));
  writeFileSync(input, '');
  return { rules, input, out, log: join(dir, 'onramp.log') };
}

function pidIn(path: string): number {
  return remember(Number(readFileSync(path, 'utf8').trim()));
}

void test('detach with a bad rule file: exit 2, file:line on stderr, no pid file', (t) => {
  const dir = scratch(t);
  const { input } = setup(dir);
  const bad = join(dir, 'bad.rules');
  writeFileSync(bad, 'type=Single\nptype=RegExp\npattern=hello\ndesc=x\naction=bogus\n');
  const pidFile = join(dir, 'onramp.pid');
  const ran = onramp(['run', `--conf=${bad}`, `--input=${input}`, `--pid=${pidFile}`, '--detach', `--state=${join(dir, 'state')}`]);
  assert.equal(ran.code, 2, ran.stderr);
  assert.match(ran.stderr, new RegExp(`^${bad}:5: action: `, 'm'));
  assert.equal(existsSync(pidFile), false);
});

void test('detach with a bad site file: exit 2 with its file:line, no pid file', (t) => {
  const dir = scratch(t);
  const { input } = setup(dir);
  const rules = join(dir, 'check.rules');
  writeFileSync(rules, 'type=Single\nptype=RegExp\npattern=hello (\\S+)\ndesc=x\naction=check $1\n');
  const site = join(dir, 'sites', 'hq', 'site.yaml');
  mkdirSync(join(dir, 'sites', 'hq'), { recursive: true });
  writeFileSync(site, 'name: hq\nsubnets: [10.77.0.0/24]\ndevices: 7\n');
  const pidFile = join(dir, 'onramp.pid');
  const ran = onramp(['run', `--conf=${rules}`, `--input=${input}`, `--pid=${pidFile}`, '--detach',
    `--sites=${join(dir, 'sites')}`, `--state=${join(dir, 'state')}`]);
  assert.equal(ran.code, 2, ran.stderr);
  assert.match(ran.stderr, new RegExp(`^${site}:\\d+: `, 'm'));
  assert.equal(existsSync(pidFile), false);
});

void test('detach: the pid file exists when the command returns, the daemon acts, SIGTERM ends it and removes the pid file', async (t) => {
  const dir = scratch(t);
  const { rules, input, out, log } = setup(dir);
  const pidFile = join(dir, 'onramp.pid');
  const ran = onramp(['run', `--conf=${rules}`, `--input=${input}`, `--pid=${pidFile}`, '--detach', `--log=${log}`, `--state=${join(dir, 'state')}`]);
  assert.equal(ran.code, 0, ran.stderr);
  assert.ok(existsSync(pidFile), 'the pid file is there as soon as the command returns');
  const pid = pidIn(pidFile);
  assert.ok(alive(pid));

  appendFileSync(input, 'hello one\n');
  await waitFor('the daemon to act', () => readOr(out) === 'got one\n');
  process.kill(pid, 'SIGTERM');
  await waitFor('the daemon to exit', () => !alive(pid));
  assert.equal(existsSync(pidFile), false, 'the pid file is removed on a clean exit');
});

void test('detach: the pid file directory is created; a stale pid file is replaced; a running onramp is not started twice', async (t) => {
  const dir = scratch(t);
  const { rules, input, log } = setup(dir);
  const pidFile = join(dir, 'run', 'onramp', 'onramp.pid');
  const args = ['run', `--conf=${rules}`, `--input=${input}`, `--pid=${pidFile}`, '--detach', `--log=${log}`, `--state=${join(dir, 'state')}`];
  const first = onramp(args);
  assert.equal(first.code, 0, first.stderr);
  const pid = pidIn(pidFile);

  const second = onramp(args);
  assert.equal(second.code, 2, 'a second instance is refused');
  assert.match(second.stderr, new RegExp(`${pidFile}: onramp is already running with pid ${String(pid)}`));
  assert.equal(pidIn(pidFile), pid, 'the running instance keeps its pid file');
  assert.ok(alive(pid));

  // kill -9 leaves the pid file behind: the next start replaces it.
  process.kill(pid, 'SIGKILL');
  await waitFor('the daemon to die', () => !alive(pid));
  assert.ok(existsSync(pidFile));
  const third = onramp(args);
  assert.equal(third.code, 0, third.stderr);
  const next = pidIn(pidFile);
  assert.notEqual(next, pid);
  assert.ok(alive(next));

  // A pid file naming a live program that is not onramp (its number reused after a reboot) is stale too.
  process.kill(next, 'SIGTERM');
  await waitFor('the daemon to exit', () => !alive(next));
  const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  t.after(() => other.kill('SIGKILL'));
  assert.ok(other.pid !== undefined);
  writeFileSync(pidFile, `${String(other.pid)}\n`);
  const fourth = onramp(args);
  assert.equal(fourth.code, 0, fourth.stderr);
  const last = pidIn(pidFile);
  assert.notEqual(last, other.pid);
  assert.ok(alive(other.pid), 'the other program was not signalled');
  process.kill(last, 'SIGTERM');
  await waitFor('the daemon to exit', () => !alive(last));
});
