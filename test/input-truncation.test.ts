import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { followedLog, readHundredThenStop, rotateWhileStopped, waitFor } from './support/followed-log.js';
import { copytruncate, expected, numbered, renameAndCreate } from './support/logrotate.js';

// A file is known by its first bytes as well as by its inode: a truncation the reader did not see
// happen, or a copytruncate of a file it had not started reading, shows there and nowhere else.

/** logrotate's `rotate 9`. */
const KEEP = 9;
const copy = (path: string): void => { copytruncate(path, KEEP); };
const rename = (path: string): void => { renameAndCreate(path, KEEP); };

/**
 * Three generations rotated while the reader was stopped, plus lines in the current file; while the
 * restarted reader is in the middle of the oldest generation, `rotateMidDrain` runs (from the line
 * handler, so at exactly that point) and writes lines 500..600 after its rotations.
 */
async function restartWithBacklog(t: TestContext, rotateMidDrain: (path: string) => void): Promise<string[]> {
  const log = followedLog(t);
  const { path, lines, start } = log;
  await readHundredThenStop(log);
  rotateWhileStopped(path, [copy, rename, copy]);
  const tail = await start((line) => {
    if (line === 'line 150') {
      rotateMidDrain(path);
      appendFileSync(path, numbered(500, 600));
    }
  });
  t.after(() => tail.stop());
  await waitFor(() => lines.length >= 600);
  // Lines that would come twice arrive with the same pass: give them the chance before comparing.
  await new Promise((r) => setTimeout(r, 200));
  return lines;
}

void test('restarted with a backlog of generations: the current file copytruncated mid-drain loses nothing', async (t) => {
  const lines = await restartWithBacklog(t, (path) => { copytruncate(path, KEEP); });
  assert.deepEqual(lines, expected(0, 600));
});

void test('restarted with a backlog of generations: the current file copytruncated twice mid-drain loses nothing', async (t) => {
  const lines = await restartWithBacklog(t, (path) => {
    copytruncate(path, KEEP);
    appendFileSync(path, 'between two rotations\n');
    copytruncate(path, KEEP);
  });
  assert.deepEqual(lines, [...expected(0, 500), 'between two rotations', ...expected(500, 600)]);
});

void test('restarted with a backlog of generations: the current file renamed away twice mid-drain loses nothing', async (t) => {
  const lines = await restartWithBacklog(t, (path) => {
    renameAndCreate(path, KEEP);
    appendFileSync(path, 'between two rotations\n');
    renameAndCreate(path, KEEP);
  });
  assert.deepEqual(lines, [...expected(0, 500), 'between two rotations', ...expected(500, 600)]);
});

void test('restarted with a backlog of generations: the current file renamed away under a dated name mid-drain loses nothing', async (t) => {
  const lines = await restartWithBacklog(t, (path) => {
    renameSync(path, `${path}-20250101`);
    writeFileSync(path, '');
  });
  assert.deepEqual(lines, expected(0, 600));
});

void test('restarted with a backlog of generations and an empty current file, filled and copytruncated mid-drain', async (t) => {
  const log = followedLog(t);
  const { path, lines, start } = log;
  await readHundredThenStop(log);
  appendFileSync(path, numbered(100, 200));
  copytruncate(path, KEEP);
  appendFileSync(path, numbered(200, 300));
  copytruncate(path, KEEP);
  const tail = await start((line) => {
    if (line === 'line 150') {
      appendFileSync(path, numbered(300, 400));
      copytruncate(path, KEEP);
      appendFileSync(path, numbered(400, 500));
    }
  });
  t.after(() => tail.stop());
  await waitFor(() => lines.length >= 500);
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(lines, expected(0, 500));
});

// Nothing of an empty file is known, so nothing of it can differ: that it was copied away shows as
// a new `path.1`. The writes and rotations below run in one synchronous block of this process, which
// runs the reader too, so the reader's next look finds them all done.

void test('an empty file filled and copytruncated before the reader looked again: the copy is read first', async (t) => {
  const { path, lines, start } = followedLog(t, 60_000);
  const tail = await start();
  t.after(() => tail.stop());
  appendFileSync(path, numbered(0, 100));
  copytruncate(path, KEEP);
  appendFileSync(path, numbered(100, 200));
  copytruncate(path, KEEP);
  appendFileSync(path, numbered(200, 300));
  await waitFor(() => lines.length >= 300);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(lines, expected(0, 300));
});

void test('stopped at an empty file, which was filled and copytruncated meanwhile: the copy is read first at restart', async (t) => {
  const { path, lines, start } = followedLog(t);
  writeFileSync(path, numbered(0, 10));
  renameAndCreate(path, KEEP);
  let tail = await start();
  await tail.stop();
  appendFileSync(path, numbered(10, 100));
  copytruncate(path, KEEP);
  appendFileSync(path, numbered(100, 200));
  tail = await start();
  t.after(() => tail.stop());
  await waitFor(() => lines.length >= 190);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(lines, expected(10, 200));
});

// The file is rewritten in one synchronous call of this process, which runs the reader too: by the
// time the reader looks, the new file is longer than the old offset and ends with the same bytes
// before it. Only its first line tells it apart.
const oldFile = 'header 0001 old\n' + 'same line\n'.repeat(20);
const newFile = 'header 0002 new\n' + 'same line\n'.repeat(40);

void test('a truncation followed by writes past the old offset is noticed by the first line', async (t) => {
  const { path, lines, start } = followedLog(t, 60_000);
  const tail = await start();
  t.after(() => tail.stop());
  appendFileSync(path, oldFile);
  await waitFor(() => lines.length === 21);
  writeFileSync(path, newFile);
  await waitFor(() => lines.length >= 62);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(lines, [...oldFile.split('\n').slice(0, -1), ...newFile.split('\n').slice(0, -1)]);
});

void test('a truncation while stopped, refilled past the saved offset with the same bytes before it, is noticed at restart', async (t) => {
  const { path, lines, start } = followedLog(t);
  let tail = await start();
  appendFileSync(path, oldFile);
  await waitFor(() => lines.length === 21);
  await tail.stop();
  writeFileSync(path, newFile);
  tail = await start();
  t.after(() => tail.stop());
  await waitFor(() => lines.length >= 62);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(lines, [...oldFile.split('\n').slice(0, -1), ...newFile.split('\n').slice(0, -1)]);
});
