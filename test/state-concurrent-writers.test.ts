import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostKeyStore } from '../src/device/index.js';
import { BackupStore, readStatus } from '../src/onboard/index.js';
import { StateStore } from '../src/state/index.js';

// The state files the daemon, agents and one-shot commands all change (status, verified identities, host
// keys, learned switches, a device's backups, the stop queue, execution ids): two processes updating them
// at once lose nothing, and a reader meanwhile never finds a file it cannot read.
const COUNT = 40;
const FILES = ['status.json', 'identities.json', 'hostkeys.json', 'learned.json', 'queue.json', 'executions.json', join('backups', 'SHARED', 'index.json')];

function writer(dir: string, name: string): Promise<{ code: number | null; ids: number[]; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support', 'state-writer.ts'), dir, name, String(COUNT)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  return new Promise((resolve) => {
    child.once('close', (code) => { resolve({ code, ids: stdout === '' ? [] : JSON.parse(stdout) as number[], stderr }); });
  });
}

void test('two processes updating every shared state file at once: no lost update, no torn file for a reader', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'onramp-state-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const writing = { done: false };
  let reads = 0;
  const reader = (async () => {
    while (!writing.done) {
      for (const file of FILES) {
        const text = await readFile(join(dir, file), 'utf8').catch((err: unknown) => {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
          throw err;
        });
        if (text === undefined) continue;
        assert.doesNotThrow(() => JSON.parse(text), `${file} read whole while it was being written`);
        reads++;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  const results = await Promise.all([writer(dir, 'w1'), writer(dir, 'w2')]);
  writing.done = true;
  await reader;
  for (const result of results) assert.equal(result.code, 0, result.stderr);
  assert.ok(reads > 0, 'the reader read the files while they were written');

  const devices = ['w1', 'w2'].flatMap((name) => Array.from({ length: COUNT }, (_, n) => `${name}-${String(n)}`)).sort();
  const state = new StateStore(dir);
  assert.deepEqual((await readStatus(state)).map((status) => status.device).sort(), devices, 'status.json');
  const identities = JSON.parse(await readFile(join(dir, 'identities.json'), 'utf8')) as Record<string, { hostname: string }>;
  assert.deepEqual(Object.values(identities).map((entry) => entry.hostname).sort(), devices, 'identities.json');
  assert.deepEqual((await new HostKeyStore(state).list()).map((pin) => pin.owner).sort(), devices, 'hostkeys.json');
  const learned = JSON.parse(await readFile(join(dir, 'learned.json'), 'utf8')) as Record<string, { hostname: string }>;
  assert.deepEqual(Object.values(learned).map((entry) => entry.hostname).sort(), devices, 'learned.json');
  const queue = JSON.parse(await readFile(join(dir, 'queue.json'), 'utf8')) as { jobs: { device: string }[] };
  assert.deepEqual(queue.jobs.map((job) => job.device).sort(), devices, 'queue.json');
  const backups = new BackupStore(state, 10_000);
  const versions = await backups.list('SHARED');
  assert.equal(versions.length, 2 * COUNT, 'every version of the shared device is in its index');
  assert.equal(new Set(versions.map((version) => version.id)).size, 2 * COUNT, 'each under its own id');
  for (const version of versions) assert.notEqual(await backups.read('SHARED', version.id), undefined, `${version.id} is on disk`);

  const ids = results.flatMap((result) => result.ids);
  assert.equal(ids.length, 2 * COUNT);
  assert.equal(new Set(ids).size, ids.length, 'no execution id handed out twice');
  const counter = JSON.parse(await readFile(join(dir, 'executions.json'), 'utf8')) as { last: number };
  assert.equal(counter.last, Math.max(...ids), 'the counter holds the highest id either process handed out');
});
