import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackupPusher, GitBackupStore, parseChangeAuthor, type BackupTrigger } from '../src/backups/index.js';
import { Events, silentLogger } from '../src/log/index.js';
import { memoryLogger } from './onboard-fakes.js';

const T0 = Date.parse('2026-11-23T11:00:00Z');

function scratch(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-gitstore-'));
  t.after(() => { rmSync(dir, { recursive: true, force: true }); });
  return dir;
}

function gitOut(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
}

/** The newest commit: author name, subject and body. */
function lastCommit(dir: string): { author: string; subject: string; body: string } {
  const [author = '', subject = '', body = ''] = gitOut(dir, 'log', '-1', '--format=%an%x1f%s%x1f%b').split('\x1f');
  return { author, subject, body: body.trim() };
}

void test('git store: one commit per new version whose author and subject say the trigger, who changed it and the diff; none when unchanged', async (t) => {
  const dir = join(scratch(t), 'repo');
  const store = new GitBackupStore(dir);
  const syslog = '%SYS-5-CONFIG_I: Configured from console by admin on vty0 (10.1.0.5)';
  const triggers: [BackupTrigger, string, string][] = [
    [{ kind: 'dhcpack' }, 'onramp (DHCPACK)', 'CORE1: DHCPACK (+1 -0)'],
    [{ kind: 'config-change', change: parseChangeAuthor(syslog) }, 'admin (config-change by admin on vty0 from 10.1.0.5)', 'CORE1: config-change by admin on vty0 from 10.1.0.5 (+1 -1)'],
    [{ kind: 'manual' }, 'onramp (manual)', 'CORE1: manual (+1 -1)'],
    [{ kind: 'remediation' }, 'onramp (remediation)', 'CORE1: remediation (+1 -1)'],
    [{ kind: 'restore', version: '0123456789ab' }, 'onramp (before restore of 0123456789ab)', 'CORE1: before restore of 0123456789ab (+1 -1)'],
  ];
  let n = 0;
  for (const [trigger, author, subject] of triggers) {
    n++;
    const version = await store.save('CORE1', `vlan ${String(n)}\n`, T0 + n * 1000, trigger);
    assert.ok(version !== undefined);
    assert.deepEqual({ author: lastCommit(dir).author, subject: lastCommit(dir).subject }, { author, subject });
  }
  assert.equal(gitOut(dir, 'log', '--format=%b', '--skip=3', '-1').trim(), `Syslog: ${syslog}`);
  assert.equal(await store.save('CORE1', 'vlan 5\n', T0 + 9000, { kind: 'manual' }), undefined);
  assert.equal(gitOut(dir, 'rev-list', '--count', 'HEAD').trim(), '5');

  const versions = await store.list('CORE1');
  assert.deepEqual(versions.map((version) => version.cause), triggers.map(([, , subject]) => subject.replace('CORE1: ', '')));
  assert.equal(await store.read('CORE1', versions[0]?.id ?? ''), 'vlan 1\n');
  assert.equal(await store.read('CORE1', '--output=x'), undefined);
  await store.save('EDGE1', 'vlan 9\n', T0 + 10_000, { kind: 'manual' });
  const edgeCommit = gitOut(dir, 'rev-parse', '--short=12', 'HEAD').trim();
  assert.equal(await store.read('CORE1', edgeCommit), undefined, "another device's commit is no version of CORE1");
  // A clone has no history index: the log gives the same ids.
  const clone = join(dir, '..', 'clone');
  execFileSync('git', ['clone', '--quiet', dir, clone]);
  assert.deepEqual((await new GitBackupStore(clone).list('CORE1')).map((version) => version.id), versions.map((version) => version.id));
});

void test('git store: a hostile user in the syslog line reaches neither the author nor the subject as anything but a plain token', async (t) => {
  const dir = join(scratch(t), 'repo');
  const change = parseChangeAuthor('%SYS-5-CONFIG_I: Configured from console by <root@evil>\n-m on vty0 (10.1.0.5)');
  await new GitBackupStore(dir).save('CORE1', 'vlan 1\n', T0, { kind: 'config-change', change });
  const commit = lastCommit(dir);
  assert.equal(commit.author, 'onramp (config-change on console)');
  assert.doesNotMatch(commit.subject, /root|evil/);
  assert.doesNotMatch(commit.body, /\n/);
});

function writer(dir: string, host: string, count: number): Promise<number | null> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support', 'git-backup-writer.ts'), dir, host, String(count)], { stdio: 'inherit' });
  return new Promise((resolve) => { child.once('close', resolve); });
}

void test('git store: two processes writing one repository at once lose no version and leave it clean', async (t) => {
  const dir = join(scratch(t), 'repo');
  const count = 15;
  assert.deepEqual(await Promise.all([writer(dir, 'SW-A', count), writer(dir, 'SW-B', count)]), [0, 0]);
  assert.equal(gitOut(dir, 'rev-list', '--count', 'HEAD').trim(), String(2 * count));
  for (const host of ['SW-A', 'SW-B']) {
    const subjects = gitOut(dir, 'log', '--format=%s', '--', `${host}.cfg`).trim().split('\n');
    assert.equal(subjects.length, count, host);
    assert.equal((await new GitBackupStore(dir).list(host)).length, count);
    // Each commit holds its own device's change only.
    assert.equal(gitOut(dir, 'log', '--format=', '--name-only', '--', `${host}.cfg`).trim().split('\n').filter((l) => l !== '').every((f) => f === `${host}.cfg`), true);
  }
  execFileSync('git', ['fsck', '--strict'], { cwd: dir, stdio: 'pipe' });
  assert.equal(gitOut(dir, 'status', '--porcelain'), '');
});

async function until(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

void test('git store: a push to a remote that is missing is retried with backoff, never blocks a save, and lands once the remote appears', async (t) => {
  const root = scratch(t);
  const dir = join(root, 'repo');
  const remote = join(root, 'remote.git');
  const pusher = new BackupPusher(dir, `file://${remote}`, silentLogger(), { firstMs: 20, maxMs: 100 });
  const store = new GitBackupStore(dir, pusher);
  await store.save('CORE1', 'vlan 1\n', T0, { kind: 'manual' });
  await store.save('CORE1', 'vlan 2\n', T0 + 1000, { kind: 'manual' });
  execFileSync('git', ['init', '--quiet', '--bare', remote]);
  const remoteHead = (): string => { try { return gitOut(remote, 'rev-parse', 'refs/heads/main').trim(); } catch { return ''; } };
  const head = gitOut(dir, 'rev-parse', 'HEAD').trim();
  await until('the push to land', () => remoteHead() === head);
  await pusher.idle();
  assert.equal(remoteHead(), head);
});

void test('git store: a remote that goes down is retried while saves go on, and gets every version once it is back', async (t) => {
  const root = scratch(t);
  const dir = join(root, 'repo');
  const remote = join(root, 'remote.git');
  const away = join(root, 'remote-away.git');
  execFileSync('git', ['init', '--quiet', '--bare', remote]);
  const { logger, records } = memoryLogger();
  const pusher = new BackupPusher(dir, `file://${remote}`, logger, { firstMs: 20, maxMs: 80 });
  const store = new GitBackupStore(dir, pusher);
  const remoteHead = (): string => { try { return gitOut(remote, 'rev-parse', 'refs/heads/main').trim(); } catch { return ''; } };
  const head = (): string => gitOut(dir, 'rev-parse', 'HEAD').trim();
  const failures = (): number[] => records.filter((record) => record.event === Events.backupPushFailed).map((record) => Number(record.retryInMs));
  await store.save('CORE1', 'vlan 1\n', T0, { kind: 'manual' });
  await until('the first push', () => remoteHead() === head());
  await pusher.idle();
  renameSync(remote, away);
  const started = Date.now();
  await store.save('CORE1', 'vlan 2\n', T0 + 1000, { kind: 'manual' });
  await store.save('CORE1', 'vlan 3\n', T0 + 2000, { kind: 'manual' });
  assert.ok(Date.now() - started < 5000, 'saves do not wait for the remote');
  await until('pushes to fail while it is down', () => failures().length >= 3);
  assert.deepEqual(failures().slice(0, 3), [20, 40, 80], 'doubling pauses');
  renameSync(away, remote);
  await until('the versions saved while it was down to land', () => remoteHead() === head());
  await pusher.idle();
  assert.equal(gitOut(remote, 'rev-list', '--count', 'refs/heads/main').trim(), '3');
});

void test('git store: a remote that git could read as an option is refused', () => {
  assert.throws(() => new BackupPusher('/tmp', '--upload-pack=touch /tmp/x', silentLogger()), /not a git remote/);
  assert.throws(() => new BackupPusher('/tmp', 'ext::sh -c touch', silentLogger()), /not a git remote/);
});
