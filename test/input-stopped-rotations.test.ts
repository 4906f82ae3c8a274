import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/log/index.js';
import { PositionStore, tailFile, type TailSource } from '../src/input/index.js';
import { StateStore } from '../src/state/index.js';
import { copytruncate, expected, numbered, renameAndCreate } from './support/logrotate.js';

// The saved position points into bytes that copytruncate moved to a copy, and logrotate then moved
// that copy up a generation (or renamed the truncated file away): found in the torture test, where
// lines were lost after a restart that spanned two rotations, or a kill -9 whose last saved position
// predated a copytruncate.

async function waitFor(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** logrotate's `rotate 4`. */
const KEEP = 4;

function setup(t: TestContext): { path: string; lines: string[]; start: () => Promise<TailSource> } {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-stopped-'));
  t.after(() => { rmSync(dir, { recursive: true, force: true }); });
  const path = join(dir, 'dhcpd.log');
  const state = new StateStore(join(dir, 'state'));
  const lines: string[] = [];
  const start = async (): Promise<TailSource> => {
    const tail = tailFile({
      path, fromStart: false, follow: true, pollMs: 50, logger: silentLogger(),
      positions: new PositionStore(state), onLine: (line) => { lines.push(line); },
    });
    await tail.start();
    return tail;
  };
  writeFileSync(path, '');
  return { path, lines, start };
}

void test('stopped, then copytruncate and rename+create: the copy (now .2) is drained from the position, .1 in full', async (t) => {
  const { path, lines, start } = setup(t);
  let tail = await start();
  appendFileSync(path, numbered(0, 100));
  await waitFor('100 lines', () => lines.length === 100);
  await tail.stop();
  appendFileSync(path, numbered(100, 200));
  copytruncate(path, KEEP);
  appendFileSync(path, numbered(200, 300));
  renameAndCreate(path, KEEP);
  appendFileSync(path, numbered(300, 400));
  tail = await start();
  t.after(() => tail.stop());
  await waitFor('400 lines', () => lines.length >= 400);
  assert.deepEqual(lines, expected(0, 400));
});

void test('stopped, then two copytruncates: the first copy (now .2) from the position, then .1, then the file', async (t) => {
  const { path, lines, start } = setup(t);
  let tail = await start();
  appendFileSync(path, numbered(0, 100));
  await waitFor('100 lines', () => lines.length === 100);
  await tail.stop();
  appendFileSync(path, numbered(100, 200));
  copytruncate(path, KEEP);
  appendFileSync(path, numbered(200, 300));
  copytruncate(path, KEEP);
  appendFileSync(path, numbered(300, 400));
  tail = await start();
  t.after(() => tail.stop());
  await waitFor('400 lines', () => lines.length >= 400);
  assert.deepEqual(lines, expected(0, 400));
});

void test('stopped for more rotations than are kept: the copy holding the position is deleted, every generation rotated after it is still read', async (t) => {
  const { path, lines, start } = setup(t);
  let tail = await start();
  appendFileSync(path, numbered(0, 100));
  await waitFor('100 lines', () => lines.length === 100);
  await tail.stop();
  // As in the torture test, when a restart came too late: lines 100-199 are copied to .1, which moves up
  // to .4 and is deleted by the fifth rotation (rotate 4); what came after them is all still there.
  appendFileSync(path, numbered(100, 200));
  copytruncate(path, KEEP);
  appendFileSync(path, numbered(200, 300));
  renameAndCreate(path, KEEP);
  appendFileSync(path, numbered(300, 400));
  copytruncate(path, KEEP);
  appendFileSync(path, numbered(400, 500));
  renameAndCreate(path, KEEP);
  appendFileSync(path, numbered(500, 600));
  copytruncate(path, KEEP);
  appendFileSync(path, numbered(600, 700));
  tail = await start();
  t.after(() => tail.stop());
  await waitFor('600 lines', () => lines.length >= 600);
  assert.deepEqual(lines, [...expected(0, 100), ...expected(200, 700)]);
});

void test('stopped, then the file deleted and created anew: the generation rotated before it is not read again', async (t) => {
  const { path, lines, start } = setup(t);
  let tail = await start();
  appendFileSync(path, numbered(0, 100));
  await waitFor('100 lines', () => lines.length === 100);
  renameAndCreate(path, KEEP);
  appendFileSync(path, numbered(100, 200));
  await waitFor('200 lines', () => lines.length === 200);
  await tail.stop();
  rmSync(path);
  writeFileSync(path, numbered(200, 300));
  tail = await start();
  t.after(() => tail.stop());
  await waitFor('300 lines', () => lines.length >= 300);
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(lines, expected(0, 300));
});
