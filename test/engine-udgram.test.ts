import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/log/index.js';
import { runEngineOnFiles } from '../src/engine/index.js';
import { hasCommand, requireSystem } from './support/system.js';

/**
 * A Unix datagram receiver (Node.js cannot bind one): prints each datagram
 * as hex on its own line, ends after `count` of them.
 */
function receiver(path: string, count: number): { ready: Promise<void>; datagrams: Promise<string[]> } {
  const script = String.raw`
use Socket; unlink $ARGV[0];
socket(my $s, PF_UNIX, SOCK_DGRAM, 0) or die $!; bind($s, pack_sockaddr_un($ARGV[0])) or die $!;
$| = 1; print "ready\n";
for (1 .. $ARGV[1]) { recv($s, my $buf, 65536, 0); print unpack('H*', $buf), "\n"; }`;
  const child = spawn('perl', ['-e', script, path, String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    out += text;
    if (out.startsWith('ready\n')) markReady();
  });
  const datagrams = new Promise<string[]>((resolve) =>
    child.on('close', () => {
      resolve(out.split('\n').slice(1).filter(Boolean).map((hex) => Buffer.from(hex, 'hex').toString('latin1')));
    }),
  );
  return { ready, datagrams };
}

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
