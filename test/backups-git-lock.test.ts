import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitBackupStore } from '../src/backups/index.js';

// Onramp's writers of one repository take turns, but another git process there (gc, a pull) holds git's
// own lock files; a command refused for one is run again, a bounded number of times.

const T0 = Date.parse('2026-11-23T11:00:00Z');

function scratch(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-gitlock-'));
  t.after(() => { rmSync(dir, { recursive: true, force: true }); });
  return dir;
}

function gitOut(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
}

function run(script: string, args: string[]): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support', script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
  return new Promise((resolve) => { child.once('close', (code) => { resolve({ code, stdout }); }); });
}

void test('git store: two writers, and another process taking index.lock half the time: every version lands, the repository stays clean', async (t) => {
  const root = scratch(t);
  const dir = join(root, 'repo');
  const stop = join(root, 'stop');
  const count = 8;
  const holder = run('index-lock-holder.ts', [dir, '40', '40', stop]);
  const writers = await Promise.all(['SW-A', 'SW-B'].map((host) => run('git-backup-writer.ts', [dir, host, String(count)])));
  writeFileSync(stop, '');
  const held = Number((await holder).stdout.trim());
  assert.deepEqual(writers.map((writer) => writer.code), [0, 0], 'both writers saved every version despite the lock');
  assert.ok(held >= 5, `the other process held index.lock ${String(held)} times while the writers ran`);
  assert.equal(gitOut(dir, 'rev-list', '--count', 'HEAD').trim(), String(2 * count));
  for (const host of ['SW-A', 'SW-B']) {
    assert.equal((await new GitBackupStore(dir).list(host)).length, count);
    assert.equal(gitOut(dir, 'show', `HEAD:${host}.cfg`), `hostname ${host}\nversion ${String(count)}\n`);
  }
  execFileSync('git', ['fsck', '--strict'], { cwd: dir, stdio: 'pipe' });
  assert.equal(gitOut(dir, 'status', '--porcelain'), '');
});

void test('git store: a lock that never goes away fails the save after its retries, naming the lock; the version is saved once it is gone', async (t) => {
  const dir = join(scratch(t), 'repo');
  const store = new GitBackupStore(dir, undefined, { attempts: 4, firstMs: 10, maxMs: 20 });
  await store.save('CORE1', 'vlan 1\n', T0, { kind: 'manual' });
  const lockFile = join(dir, '.git', 'index.lock');
  writeFileSync(lockFile, '');
  const started = Date.now();
  await assert.rejects(store.save('CORE1', 'vlan 2\n', T0 + 1000, { kind: 'manual' }),
    /index\.lock': File exists.*still locked after 4 attempts; if no git process is running in .*, a crashed one left the lock file: remove it/s);
  assert.ok(Date.now() - started < 5000, 'bounded');
  assert.equal(gitOut(dir, 'show', 'HEAD:CORE1.cfg'), 'vlan 1\n');
  rmSync(lockFile);
  assert.equal(gitOut(dir, 'status', '--porcelain'), '', 'the work tree went back to the last commit');
  const version = await store.save('CORE1', 'vlan 2\n', T0 + 2000, { kind: 'manual' });
  assert.ok(version !== undefined, 'the failed version is not taken for unchanged');
  assert.equal((await store.list('CORE1')).length, 2);
});
