import { test } from 'node:test';
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive, onramp, pidOf, readOr, remember, ROOT, scratch, waitFor, writeRule } from './agent-cli.js';

function statusField(output: string, field: string): string | undefined {
  return new RegExp(`^${field}:\\s+(.*)$`, 'm').exec(output)?.[1];
}

void test('two agents watch two logs at once; stopping one leaves the other running and processing', async (t) => {
  const dir = scratch(t);
  const state = join(dir, 'state');
  const logs = { a: join(dir, 'a.log'), b: join(dir, 'b.log') };
  const outs = { a: join(dir, 'a.out'), b: join(dir, 'b.out') };
  for (const name of ['a', 'b'] as const) {
    writeFileSync(logs[name], '');
    writeFileSync(join(dir, `${name}.rules`), writeRule(outs[name], name.toUpperCase()));
    const started = onramp(['agent', 'start', '-n', name, '-f', logs[name], '-c', join(dir, `${name}.rules`), '--state', state]);
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, new RegExp(`^1 rules loaded from ${join(dir, `${name}.rules`)}$`, 'm'));
    assert.ok(existsSync(join(state, 'agents', `${name}.pid`)), 'start returns once the pid file exists');
  }
  assert.ok(existsSync(join(state, 'agents', 'registry.json')), 'the first start created the registry');
  const pids = { a: pidOf(state, 'a'), b: pidOf(state, 'b') };
  assert.notEqual(pids.a, pids.b);

  appendFileSync(logs.a, 'hello one\n');
  appendFileSync(logs.b, 'hello uno\n');
  await waitFor('agent a to write', () => readOr(outs.a) === 'A one\n');
  await waitFor('agent b to write', () => readOr(outs.b) === 'B uno\n');

  const size = statSync(logs.a).size;
  let status = onramp(['agent', 'status', '-n', 'a', '--state', state]);
  await waitFor('the offset of agent a to be saved', () => {
    status = onramp(['agent', 'status', '-n', 'a', '--state', state]);
    return statusField(status.stdout, 'offset') === String(size);
  });
  assert.equal(status.code, 0, status.stderr);
  assert.equal(statusField(status.stdout, 'pid'), String(pids.a));
  assert.equal(statusField(status.stdout, 'alive'), 'yes');
  assert.equal(statusField(status.stdout, 'input'), logs.a);
  assert.equal(statusField(status.stdout, 'lag'), '0');
  assert.equal(statusField(status.stdout, 'errors'), '0');

  const stopped = onramp(['agent', 'stop', '-n', 'a', '--state', state]);
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.match(stopped.stdout, /\nDone\n$/);
  assert.equal(alive(pids.a), false, 'agent a has exited when stop returns');
  assert.equal(existsSync(join(state, 'agents', 'a.pid')), false, 'its pid file is gone');

  assert.equal(alive(pids.b), true, 'agent b is still running');
  appendFileSync(logs.b, 'hello dos\n');
  appendFileSync(logs.a, 'hello two\n');
  await waitFor('agent b to go on writing', () => readOr(outs.b) === 'B uno\nB dos\n');
  assert.equal(readOr(outs.a), 'A one\n', 'the stopped agent read nothing more');

  const listed = onramp(['agent', 'list', '--state', state]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual(listed.stdout.trimEnd().split('\n').map((line) => line.split('\t').slice(0, 2)), [
    ['a', 'stopped'],
    ['b', `running pid ${pids.b}`],
  ]);

  // Restarted, agent a resumes at its saved offset: the line written while it was down is processed.
  assert.equal(onramp(['agent', 'start', '-n', 'a', '-f', logs.a, '--state', state]).code, 0);
  pidOf(state, 'a');
  await waitFor('agent a to catch up', () => readOr(outs.a) === 'A one\nA two\n');
  for (const name of ['a', 'b']) assert.match(onramp(['agent', 'stop', '-n', name, '--state', state]).stdout, /Done\n$/);
});

void test('a pid file left by a killed agent is detected, reported and removed', async (t) => {
  const dir = scratch(t);
  const state = join(dir, 'state');
  const log = join(dir, 'c.log');
  writeFileSync(log, '');
  writeFileSync(join(dir, 'c.rules'), writeRule(join(dir, 'c.out'), 'C'));
  assert.equal(onramp(['agent', 'start', '-n', 'c', '-f', log, '-c', join(dir, 'c.rules'), '--state', state]).code, 0);
  const pid = pidOf(state, 'c');
  process.kill(pid, 'SIGKILL');
  await waitFor('the killed agent to be gone', () => !alive(pid));
  const pidFile = join(state, 'agents', 'c.pid');
  assert.ok(existsSync(pidFile), 'kill -9 leaves the pid file behind');

  const status = onramp(['agent', 'status', '-n', 'c', '--state', state]);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stderr, new RegExp(`Removed stale pid file ${pidFile} of agent c \\(process ${pid} is gone\\)`));
  assert.equal(statusField(status.stdout, 'alive'), 'no');
  assert.equal(statusField(status.stdout, 'pid'), '-');
  assert.equal(existsSync(pidFile), false);

  const stop = onramp(['agent', 'stop', '-n', 'c', '--state', state]);
  assert.equal(stop.code, 0);
  assert.match(stop.stdout, /^Agent c is not running$/m);
});

void test('a pid file whose number now belongs to another program (after a reboot) never gets that program signalled', async (t) => {
  const dir = scratch(t);
  const state = join(dir, 'state');
  const log = join(dir, 'c.log');
  writeFileSync(log, '');
  writeFileSync(join(dir, 'c.rules'), writeRule(join(dir, 'c.out'), 'C'));
  assert.equal(onramp(['agent', 'start', '-n', 'c', '-f', log, '-c', join(dir, 'c.rules'), '--state', state]).code, 0);
  assert.match(onramp(['agent', 'stop', '-n', 'c', '--state', state]).stdout, /Done\n$/);

  const bystander = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)'], { stdio: 'ignore' });
  t.after(() => bystander.kill('SIGKILL'));
  const pid = bystander.pid;
  assert.ok(pid !== undefined);
  remember(pid);
  const pidFile = join(state, 'agents', 'c.pid');
  writeFileSync(pidFile, `${pid}\n`);

  const stop = onramp(['agent', 'stop', '-n', 'c', '--state', state]);
  assert.equal(stop.code, 0, stop.stderr);
  assert.match(stop.stderr, new RegExp(`Removed stale pid file ${pidFile} of agent c \\(pid ${pid} is now another program\\)`));
  assert.match(stop.stdout, /^Agent c is not running$/m);
  assert.equal(existsSync(pidFile), false);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(alive(pid), true, 'the other program was left alone');
  assert.equal(bystander.exitCode, null);
});

void test('the first start without -c creates the agent its own copy of the shipped rules', (t) => {
  const dir = scratch(t);
  const state = join(dir, 'state');
  const log = join(dir, 'dhcpd.log');
  writeFileSync(log, '');
  const rules = join(state, 'agents', 'dhcp.rules');
  // Run from the repository: the shipped rules use native actions, which load baselines/ and templates/.
  const first = onramp(['agent', 'start', '-n', 'dhcp', '-f', log, '--state', state], ROOT);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stdout.split('\n').slice(0, 2).join('\n'), `Created default rules file ${rules}\n2 rules loaded from ${rules}`);
  assert.equal(readFileSync(rules, 'utf8'), readFileSync(join(ROOT, 'rules', 'dhcp.rules'), 'utf8'));
  pidOf(state, 'dhcp');
  assert.match(onramp(['agent', 'stop', '-n', 'dhcp', '--state', state]).stdout, /Done\n$/);

  const again = onramp(['agent', 'start', '-n', 'dhcp', '-f', log, '--state', state], ROOT);
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stdout, /Created default rules file/);
  pidOf(state, 'dhcp');
  assert.match(onramp(['agent', 'stop', '-n', 'dhcp', '--state', state]).stdout, /Done\n$/);
});

void test('bad usage and bad rules exit 2 and start nothing', (t) => {
  const dir = scratch(t);
  const state = join(dir, 'state');
  const log = join(dir, 'x.log');
  writeFileSync(log, '');
  const bad = join(dir, 'bad.rules');
  writeFileSync(bad, 'type=Single\nptype=RegExp\npattern=(unclosed\ndesc=x\naction=none\n');

  for (const args of [
    ['agent', 'start', '-n', '../evil', '-f', log],
    ['agent', 'start', '-n', 'x'],
    ['agent', 'stop'],
    ['agent', 'stop', '-n', 'nobody'],
    ['agent', 'restart', '-n', 'x'],
  ]) {
    const result = onramp([...args, '--state', state]);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, /^onramp agent: /);
  }
  const broken = onramp(['agent', 'start', '-n', 'x', '-f', log, '-c', bad, '--state', state]);
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, new RegExp(`^${bad}:3: pattern: `, 'm'));
  assert.equal(existsSync(join(state, 'agents', 'x.pid')), false);
  assert.equal(existsSync(join(state, 'agents', 'x.log')), false, 'no process was started');
});
