import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand, requireSystem } from './support/system.js';

// The shipped binary (dist/bin/onramp.js, built by `npm test` first), driven as users drive it.
const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'bin', 'onramp.js');
const SEED = join(ROOT, 'test', 'fixtures', 'seed', 'dhcp.rules');

function onramp(args: string[], options: { cwd?: string; input?: string } = {}): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: options.cwd ?? ROOT, input: options.input ?? '', encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'onramp-cli-'));
}

void test('the seed rule file loads unchanged: --testonly reports 3 rules as SEC does', () => {
  const result = onramp(['run', `--conf=${SEED}`, '--testonly']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, `3 rules loaded from ${SEED}\n`);
});

void test("the seed's start-up flags work with one dash and with separate values", () => {
  const result = onramp(['run', '-conf', SEED, '-testonly']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^3 rules loaded from /);
});

void test('the shipped rules/dhcp.rules loads', () => {
  const result = onramp(['run', '--conf=rules/dhcp.rules', '--testonly']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, '2 rules loaded from rules/dhcp.rules\n');
});

void test('a malformed rule file stops start-up with file:line and exit 2 (1 under --testonly, as SEC)', () => {
  const dir = scratch();
  try {
    const rules = join(dir, 'bad.rules');
    writeFileSync(rules, 'type=Single\nptype=RegExp\npattern=ok\ndesc=x\naction=write - ok\n\ntype=Single\nptype=RegExp\npattern=(unclosed\ndesc=y\naction=none\n');
    const run = onramp(['run', `--conf=${rules}`, '--input=-', '--notail']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, new RegExp(`^${rules.replaceAll('/', '\\/')}:9: pattern: `, 'm'), 'the line of the bad pattern');
    assert.equal(run.stdout, '', 'nothing ran');
    assert.equal(onramp(['run', `--conf=${rules}`, '--testonly']).code, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('onramp run --notail processes stdin and exits; write - goes to stdout', () => {
  const dir = scratch();
  try {
    const rules = join(dir, 'echo.rules');
    writeFileSync(rules, 'type=Single\nptype=RegExp\npattern=DHCPACK on (\\S+) to (\\S+) \\((\\S+)\\)\ndesc=ack\naction=write - $3 at $1\n');
    const log = 'Nov 22 20:09:01 dhcp1 dhcpd[812]: DHCPACK on 10.77.0.100 to be:b5:de:01:12:a1 (FS-S5850-SRV) via eth1\nunrelated line\n';
    const result = onramp(['run', `--conf=${rules}`, '--input=-', '--notail'], { input: log });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'FS-S5850-SRV at 10.77.0.100\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('onramp run reads a log file from the start with --notail and a relative --input glob', () => {
  const dir = scratch();
  try {
    const rules = join(dir, 'count.rules');
    writeFileSync(rules, 'type=Single\nptype=SubStr\npattern=DHCPACK\ndesc=ack\naction=write - seen\n');
    writeFileSync(join(dir, 'dhcpd.log'), 'DHCPACK one\nDHCPOFFER\nDHCPACK two\n');
    const result = onramp(['run', `--conf=${rules}`, '--input=dhcp*.log', '--notail'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'seen\nseen\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('a broken site file stops start-up with file:line and exit 2', () => {
  const dir = scratch();
  try {
    copyFileSync(join(ROOT, 'rules', 'dhcp.rules'), join(dir, 'dhcp.rules'));
    const site = join(dir, 'sites', 'hq');
    spawnSync('mkdir', ['-p', site]);
    writeFileSync(join(site, 'site.yaml'), 'name: hq\nsubnets: [10.77.0.0/33]\ncredentials: { username: admin, password: inline }\n');
    const result = onramp(['run', '--conf=dhcp.rules', '--input=-', '--notail', '--sites=sites', `--templates=${join(ROOT, 'templates')}`, '--state=state'], { cwd: dir });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /site\.yaml:2\b/);
    assert.match(result.stderr, /site\.yaml:3\b/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('unknown commands and options are bad usage (exit 2)', () => {
  assert.equal(onramp(['frobnicate']).code, 2);
  assert.equal(onramp(['run', '--no-such-flag']).code, 2);
  const keepNone = onramp(['backup', 'FS-S5850-CORE1', '--backups-keep', '0']);
  assert.equal(keepNone.code, 2, 'retention keeps at least one version');
  assert.match(keepNone.stderr, /option '--backups-keep <n>' argument '0' is invalid/);
  assert.doesNotMatch(keepNone.stderr, /\n\s+at /, 'a usage error, not a stack trace');
  assert.equal(onramp(['run', '--conf=x', '--concurrency', 'many']).code, 2);
});

void test('the seed fixture is the users\' file, byte for byte', (t) => {
  const shared = join(ROOT, '..', 'shared', 'examples', 'dhcp.rules');
  let original: string;
  try {
    original = readFileSync(shared, 'utf8');
  } catch {
    t.skip('../shared/examples is not beside this checkout');
    return;
  }
  assert.equal(readFileSync(SEED, 'utf8'), original);
});

void test('rules test replays a log and shows what would run, without running it', () => {
  const dir = scratch();
  try {
    const log = join(dir, 'dhcpd.log');
    const marker = join(dir, 'ran');
    const rules = join(dir, 'r.rules');
    writeFileSync(rules, `type=Single\nptype=RegExp\npattern=DHCPACK on (\\S+)\ndesc=ack $1\naction=shellcmd touch ${marker}; write - seen $1\n`);
    writeFileSync(log, 'DHCPOFFER on 10.0.0.1\nDHCPACK on 10.0.0.2\n');
    const result = onramp(['rules', 'test', rules, '--input', log]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^${log}:2: DHCPACK on 10\\.0\\.0\\.2\\n  fired: ack 10\\.0\\.0\\.2\\n    shellcmd: touch ${marker}\\n    write -: seen 10\\.0\\.0\\.2$`, 'm'));
    assert.doesNotMatch(result.stdout, /:1: DHCPOFFER/);
    assert.match(result.stdout, /^2 lines, 1 set off an action$/m);
    assert.throws(() => readFileSync(marker), 'the command was not run');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('rules check validates each file and names the bad one by file:line', () => {
  const dir = scratch();
  try {
    const bad = join(dir, 'bad.rules');
    writeFileSync(bad, 'type=Single\nptype=RegExp\npattern=x\ndesc=d\naction=frobnicate now\n');
    const result = onramp(['rules', 'check', SEED, bad]);
    assert.equal(result.code, 2);
    assert.match(result.stdout, /dhcp\.rules: 3 rules OK/);
    assert.match(result.stderr, new RegExp(`^${bad}:5: `, 'm'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('SEC input flags through the CLI give what sec gives: inputs in turn, --input=FILE=CONTEXT, --jointbuf, --bufsize', (t) => {
  if (!requireSystem(t, 'sec', hasCommand('sec'), 'apt-get install sec')) return;
  const fixtures = join(ROOT, 'test', 'fixtures', 'sec');
  const runs: [string, string[]][] = [
    ['inputs-own-buffers', ['--input=input2', '--input=input']],
    ['inputs-own-buffers', ['--input=input*', '--jointbuf']],
    ['intcontexts', ['--input=input*', '--bufsize=1', '--intcontexts']],
    ['inputs-in-turn', ['--input=input*']],
    ['intcontexts', ['--input=input', '--input=input2=CORE_SWITCHES']],
  ];
  for (const [name, flags] of runs) {
    const cwd = join(fixtures, name);
    const sec = spawnSync('sec', ['--conf=rules', ...flags, '--notail', '--fromstart'], { cwd, encoding: 'latin1' });
    const ours = onramp(['run', '--conf=rules', ...flags, '--notail', '--fromstart', `--state=${join(tmpdir(), 'onramp-cli-state')}`], { cwd });
    assert.equal(ours.code, 0, ours.stderr);
    assert.ok(sec.stdout.length > 0, `${name}: sec printed something`);
    assert.equal(ours.stdout, sec.stdout, `${name} ${flags.join(' ')}`);
  }
  // sec drops a rule whose pattern spans more lines than --bufsize keeps; a bad rule stops onramp.
  const cwd = join(fixtures, 'inputs-own-buffers');
  const short = onramp(['run', '--conf=rules', '--input=input', '--bufsize=1', '--notail'], { cwd });
  assert.equal(short.code, 2);
  assert.match(short.stderr, /^rules:8: a pattern of this rule matches 2 lines: --bufsize must be at least 2$/m);
});
