import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/log/index.js';
import { runEngineOnFiles } from '../src/engine/index.js';
import { datagramReceiver as receiver } from './support/datagram-receiver.js';
import { hasCommand, requireSystem } from './support/system.js';

function gate(t: TestContext): boolean {
  return requireSystem(t, 'perl', hasCommand('perl'), 'Debian: perl-base, essential on every install');
}

const RULES = 'type=Single\nptype=RegExp\npattern=^alert (.*)\ndesc=alert $1\naction=udgram SOCKET <12>onramp: $1; udgram SOCKET second%.nl line\n';

void test('udgram sends each message as one datagram to a Unix socket, newlines and all', async (t) => {
  if (!gate(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'onramp-udgram-'));
  try {
    const socket = join(dir, 'log.sock');
    const rules = join(dir, 'r.rules');
    const input = join(dir, 'in.log');
    writeFileSync(rules, RULES.replaceAll('SOCKET', socket));
    writeFileSync(input, 'alert disk full\nnothing\nalert fan \xe9\n', 'latin1');
    const r = receiver(socket, 4);
    await r.ready;
    await runEngineOnFiles({ conf: [rules], inputs: [input], logger: silentLogger() });
    assert.deepEqual(await r.datagrams, ['<12>onramp: disk full', 'second\n line', '<12>onramp: fan \xe9', 'second\n line']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('udgram delivers what sec delivers for the same rules and input', async (t) => {
  if (!gate(t)) return;
  if (!requireSystem(t, 'sec', hasCommand('sec'), 'Debian: apt-get install sec')) return;
  const dir = mkdtempSync(join(tmpdir(), 'onramp-udgram-sec-'));
  try {
    const socket = join(dir, 'log.sock');
    const rules = join(dir, 'r.rules');
    const input = join(dir, 'in.log');
    writeFileSync(rules, RULES.replaceAll('SOCKET', socket));
    writeFileSync(input, 'alert one\nalert two\n');
    const fromSec = receiver(socket, 4);
    await fromSec.ready;
    spawnSync('sec', [`--conf=${rules}`, `--input=${input}`, '--notail', '--fromstart'], { stdio: 'ignore' });
    const expected = await fromSec.datagrams;
    const ours = receiver(socket, 4);
    await ours.ready;
    await runEngineOnFiles({ conf: [rules], inputs: [input], logger: silentLogger() });
    assert.deepEqual(await ours.datagrams, expected);
    assert.equal(expected.length, 4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
