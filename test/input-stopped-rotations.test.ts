import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { followedLog, readHundredThenStop, rotateWhileStopped, waitFor } from './support/followed-log.js';
import { copytruncate, expected, numbered, renameAndCreate } from './support/logrotate.js';

// The saved position points into bytes that copytruncate moved to a copy, and logrotate then moved
// that copy up a generation (or renamed the truncated file away): found in the torture test, where
// lines were lost after a restart that spanned two rotations, or a kill -9 whose last saved position
// predated a copytruncate.

/** logrotate's `rotate 4`. */
const KEEP = 4;
const copy = (path: string): void => { copytruncate(path, KEEP); };
const rename = (path: string): void => { renameAndCreate(path, KEEP); };

void test('stopped, then copytruncate and rename+create: the copy (now .2) is drained from the position, .1 in full', async (t) => {
  const log = followedLog(t);
  await readHundredThenStop(log);
  rotateWhileStopped(log.path, [copy, rename]);
  const tail = await log.start();
  t.after(() => tail.stop());
  await waitFor(() => log.lines.length >= 400);
  assert.deepEqual(log.lines, expected(0, 400));
});

void test('stopped, then two copytruncates: the first copy (now .2) from the position, then .1, then the file', async (t) => {
  const log = followedLog(t);
  await readHundredThenStop(log);
  rotateWhileStopped(log.path, [copy, copy]);
  const tail = await log.start();
  t.after(() => tail.stop());
  await waitFor(() => log.lines.length >= 400);
  assert.deepEqual(log.lines, expected(0, 400));
});

void test('stopped for more rotations than are kept: the copy holding the position is deleted, every generation rotated after it is still read', async (t) => {
  const log = followedLog(t);
  await readHundredThenStop(log);
  // As in the torture test, when a restart came too late: lines 100-199 are copied to .1, which moves up
  // to .4 and is deleted by the fifth rotation (rotate 4); what came after them is all still there.
  rotateWhileStopped(log.path, [copy, rename, copy, rename, copy]);
  const tail = await log.start();
  t.after(() => tail.stop());
  await waitFor(() => log.lines.length >= 600);
  assert.deepEqual(log.lines, [...expected(0, 100), ...expected(200, 700)]);
});

void test('stopped, then the file deleted and created anew: the generation rotated before it is not read again', async (t) => {
  const { path, lines, start } = followedLog(t);
  let tail = await start();
  appendFileSync(path, numbered(0, 100));
  await waitFor(() => lines.length === 100);
  renameAndCreate(path, KEEP);
  appendFileSync(path, numbered(100, 200));
  await waitFor(() => lines.length === 200);
  await tail.stop();
  rmSync(path);
  writeFileSync(path, numbered(200, 300));
  tail = await start();
  t.after(() => tail.stop());
  await waitFor(() => lines.length >= 300);
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(lines, expected(0, 300));
});
