import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive, onramp, onrampAsync, pidOf, scratch, writeRule } from './agent-cli.js';

// `onramp agent start` run several times at once against one state directory.

function registered(state: string): string[] {
  const file = JSON.parse(readFileSync(join(state, 'agents', 'registry.json'), 'utf8')) as { agents: Record<string, unknown> };
  return Object.keys(file.agents).sort();
}

void test('agents with different names started at the same time are all registered and running', async (t) => {
  const dir = scratch(t);
  const state = join(dir, 'state');
  const names = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'];
  const starts = names.map((name) => {
    const log = join(dir, `${name}.log`);
    const rules = join(dir, `${name}.rules`);
    writeFileSync(log, '');
    writeFileSync(rules, writeRule(join(dir, `${name}.out`), name));
    return onrampAsync(['agent', 'start', '-n', name, '-f', log, '-c', rules, '--state', state]);
  });
  const results = await Promise.all(starts);
  for (const [index, result] of results.entries()) assert.equal(result.code, 0, `${names[index] ?? ''}: ${result.stderr}`);
  assert.deepEqual(registered(state), names, 'no start overwrote another one\'s registry entry');
  const pids = names.map((name) => pidOf(state, name));
  assert.equal(new Set(pids).size, names.length);
  for (const pid of pids) assert.ok(alive(pid));
  const listed = onramp(['agent', 'list', '--state', state]);
  assert.deepEqual(listed.stdout.trimEnd().split('\n').map((line) => line.split('\t')[0]), names);
  for (const name of names) assert.equal(onramp(['agent', 'stop', '-n', name, '--state', state]).code, 0);
});

void test('the same agent started twice at the same time: exactly one start succeeds, one process runs', async (t) => {
  const dir = scratch(t);
  const state = join(dir, 'state');
  const log = join(dir, 'same.log');
  const rules = join(dir, 'same.rules');
  writeFileSync(log, '');
  writeFileSync(rules, writeRule(join(dir, 'same.out'), 'S'));
  const args = ['agent', 'start', '-n', 'same', '-f', log, '-c', rules, '--state', state];
  const results = await Promise.all([onrampAsync(args), onrampAsync(args), onrampAsync(args)]);
  const codes = results.map((result) => result.code).sort();
  assert.deepEqual(codes, [0, 2, 2], results.map((result) => result.stderr).join('\n'));
  for (const refused of results.filter((result) => result.code === 2)) {
    assert.match(refused.stderr, /^onramp agent: agent same (is already running|is being started or stopped by another command) \(pid \d+\)$/m);
  }
  const pid = pidOf(state, 'same');
  assert.ok(alive(pid));
  assert.deepEqual(registered(state), ['same']);
  const started = results.find((result) => result.code === 0);
  assert.match(started?.stdout ?? '', new RegExp(`Started agent same \\(pid ${String(pid)}\\)`));
  assert.equal(onramp(['agent', 'stop', '-n', 'same', '--state', state]).code, 0);
  assert.equal(alive(pid), false);
});
