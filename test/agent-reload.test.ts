import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onramp, pidOf, readOr, ROOT, scratch, waitFor, writeRule } from './agent-cli.js';

interface Logged { level: number; msg: string; event?: string; file?: string; line?: number }

function logged(path: string): Logged[] {
  return readOr(path).split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Logged);
}

/** Sends SIGHUP and waits until the agent has either taken the new files or refused them. */
async function hangUp(pid: number, log: string): Promise<Logged[]> {
  const before = logged(log).length;
  process.kill(pid, 'SIGHUP');
  let after: Logged[] = [];
  await waitFor('the reload to finish', () => {
    after = logged(log).slice(before);
    return after.some((entry) => entry.msg.startsWith('reload refused') || / rules loaded from /.test(entry.msg));
  });
  return after;
}

void test('SIGHUP with a broken rule file keeps the old rules working; with a good one the new rules take effect', async (t) => {
  const dir = scratch(t);
  const state = join(dir, 'state');
  const input = join(dir, 'in.log');
  const out = join(dir, 'out');
  const rules = join(dir, 'r.rules');
  writeFileSync(input, '');
  writeFileSync(rules, writeRule(out, 'old'));
  assert.equal(onramp(['agent', 'start', '-n', 'r', '-f', input, '-c', rules, '--state', state]).code, 0);
  const pid = pidOf(state, 'r');
  const log = join(state, 'agents', 'r.log');

  appendFileSync(input, 'hello one\n');
  await waitFor('the first rules to act', () => readOr(out) === 'old one\n');

  writeFileSync(rules, `${writeRule(out, 'new')}\ntype=Single\nptype=RegExp\npattern=(unclosed\ndesc=x\naction=none\n`);
  const refused = await hangUp(pid, log);
  const error = refused.find((entry) => entry.event === 'rule.error');
  assert.ok(error, 'the broken file is reported as rule.error');
  assert.equal(error.file, rules);
  assert.equal(error.line, 9);
  assert.match(error.msg, new RegExp(`^${rules}:9: pattern: `));
  assert.ok(refused.some((entry) => entry.msg.startsWith('reload refused')));

  appendFileSync(input, 'hello two\n');
  await waitFor('the old rules to go on acting', () => readOr(out) === 'old one\nold two\n');

  writeFileSync(rules, writeRule(out, 'new'));
  const taken = await hangUp(pid, log);
  assert.ok(taken.some((entry) => entry.msg === `1 rules loaded from ${rules}`), JSON.stringify(taken));
  appendFileSync(input, 'hello three\n');
  await waitFor('the new rules to act', () => readOr(out) === 'old one\nold two\nnew three\n');
  assert.match(onramp(['agent', 'stop', '-n', 'r', '--state', state]).stdout, /Done\n$/);
});

void test('SIGHUP with a broken site file keeps the old rules and sites; once fixed, the reload goes through', async (t) => {
  const dir = scratch(t);
  // The agent takes baselines/ and templates/ from its working folder.
  cpSync(join(ROOT, 'baselines'), join(dir, 'baselines'), { recursive: true });
  cpSync(join(ROOT, 'templates'), join(dir, 'templates'), { recursive: true });
  const site = join(dir, 'baselines', 'hq', 'site.yaml');
  const goodSite = readFileSync(site, 'utf8');
  const state = join(dir, 'state');
  const input = join(dir, 'in.log');
  const out = join(dir, 'out');
  const rules = join(dir, 'r.rules');
  // The second rule uses a native action, so the site files are part of the configuration.
  const native = '\ntype=Single\nptype=RegExp\npattern=^check-now (\\S+)\ndesc=check $1\naction=check $1\n';
  writeFileSync(input, '');
  writeFileSync(rules, writeRule(out, 'old') + native);
  const started = onramp(['agent', 'start', '-n', 's', '-f', input, '-c', rules, '--state', state], dir);
  assert.equal(started.code, 0, started.stderr);
  assert.match(started.stdout, /^2 rules loaded from /m);
  const pid = pidOf(state, 's');
  const log = join(state, 'agents', 's.log');

  writeFileSync(site, `${goodSite}\npolicy: { onDrift: sometimes }\n`);
  writeFileSync(rules, writeRule(out, 'new') + native);
  const refused = await hangUp(pid, log);
  assert.ok(refused.some((entry) => entry.level >= 50 && entry.msg.includes(site)), JSON.stringify(refused));
  assert.ok(refused.some((entry) => entry.msg.startsWith('reload refused')));
  appendFileSync(input, 'hello one\n');
  await waitFor('the old rules to go on acting', () => readOr(out) === 'old one\n');

  writeFileSync(site, goodSite);
  const taken = await hangUp(pid, log);
  assert.ok(taken.some((entry) => entry.msg === `2 rules loaded from ${rules}`), JSON.stringify(taken));
  appendFileSync(input, 'hello two\n');
  await waitFor('the new rules to act', () => readOr(out) === 'old one\nnew two\n');
  assert.match(onramp(['agent', 'stop', '-n', 's', '--state', state]).stdout, /Done\n$/);
});
