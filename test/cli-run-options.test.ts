import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onramp, ROOT, scratch, writeRule } from './agent-cli.js';

// `onramp run` refuses bad option values and unusable inputs at start-up, with exit 2 and a message, never a stack trace.

function runWith(t: Parameters<typeof scratch>[0], ...extra: string[]): { code: number | null; stderr: string; dir: string } {
  const dir = scratch(t);
  const rules = join(dir, 'r.rules');
  writeFileSync(rules, writeRule(join(dir, 'out'), 'seen'));
  const result = onramp(['run', `--conf=${rules}`, '--notail', ...extra.map((arg) => arg.replaceAll('DIR', dir))]);
  return { code: result.code, stderr: result.stderr, dir };
}

function assertRefused(result: { code: number | null; stderr: string }, message: RegExp): void {
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, message);
  // A stack frame ends in file:line:column; usage text may wrap a description onto a line starting "at".
  assert.doesNotMatch(result.stderr, /^\s+at .*:\d+:\d+\)?$/m, 'no stack trace');
}

void test('--log-level takes pino level names only', (t) => {
  assertRefused(runWith(t, '--input=-', '--log-level=loud'), /--log-level.*'loud' is invalid.*trace, debug, info, warn, error/);
});

void test('--syslog takes a facility name only', (t) => {
  assertRefused(runWith(t, '--input=-', '--syslog=bogus'), /--syslog: unknown facility "bogus"; expected one of .*daemon.*local7/);
});

void test('--concurrency 0 is refused', (t) => {
  assertRefused(runWith(t, '--input=-', '--concurrency', '0'), /--concurrency.*expected a whole number of at least 1, got "0"/);
});

void test('an --input that does not exist is refused unless --input-may-appear', (t) => {
  const refused = runWith(t, '--input=DIR/dhcpd.log');
  assertRefused(refused, new RegExp(`--input=${refused.dir}/dhcpd\\.log: no such file \\(give --input-may-appear`));
  const waited = runWith(t, '--input=DIR/dhcpd.log', '--input-may-appear');
  assert.equal(waited.code, 0, waited.stderr);
});

void test('a directory as --input is refused, naming it', (t) => {
  const refused = runWith(t, '--input=DIR');
  assertRefused(refused, new RegExp(`--input=${refused.dir}: is a directory; expected a log file`));
});

void test('the --log file is created readable by its owner only, whatever the umask', (t) => {
  const dir = scratch(t);
  const rules = join(dir, 'r.rules');
  const input = join(dir, 'in.log');
  const log = join(dir, 'logs', 'onramp.log');
  writeFileSync(rules, writeRule(join(dir, 'out'), 'seen'));
  writeFileSync(input, 'hello one\n');
  const cli = join(ROOT, 'dist', 'bin', 'onramp.js');
  const result = spawnSync('sh', ['-c', 'umask 022; exec "$@"', 'sh', process.execPath, cli, 'run', `--conf=${rules}`, `--input=${input}`, '--notail', `--log=${log}`], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.ok(existsSync(log));
  assert.equal(statSync(log).mode & 0o777, 0o600);
});

void test('--syslog without a syslog socket fails at start-up (exit 3) instead of logging nowhere', (t) => {
  if (existsSync('/dev/log')) {
    t.skip('this machine has /dev/log; the missing-socket case is covered in log-syslog.test.ts');
    return;
  }
  const result = runWith(t, '--input=-', '--syslog=daemon');
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stderr, /--syslog=daemon: \/dev\/log is not a socket/);
});

void test('a --log that cannot be opened is a start-up failure naming it', (t) => {
  const dir = scratch(t);
  mkdirSync(join(dir, 'taken'));
  const result = runWith(t, '--input=-', `--log=${join(dir, 'taken')}`);
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stderr, new RegExp(`--log=${dir}/taken: cannot open \\(EISDIR\\)`));
});
