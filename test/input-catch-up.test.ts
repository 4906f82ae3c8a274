import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, statSync } from 'node:fs';
import { SeqRuns, until, type SeqRun } from './support/seq-runs.js';

// A kill -9 in the middle of a long catch-up, through the compiled CLI (built by `npm test` first):
// the position is written as the backlog is read, so the restarted run repeats only the lines read
// since the last write, not the whole catch-up.


const BACKLOG_LINES = 400_000;
/** The position is written every 64 KiB handled, one write at a time, and a read is up to 64 KiB: at most three of those behind. */
const MAX_REPEATED_BYTES = 3 * 64 * 1024;

void test('kill -9 in the middle of a 40 MB catch-up: the restart repeats at most a few chunks of lines and loses none', { timeout: 180_000 }, async (t) => {
  const runs = new SeqRuns(t, 'onramp-catch-up-');
  const path = runs.log;
  const startRun = (): SeqRun => runs.start();

  // A first run records a position (the end of the empty file), so the next one starts there, not at the end.
  const first = startRun();
  assert.ok(await until(() => runs.hasPosition(), 20_000), `the first run saves a position:\n${first.stderr()}`);
  first.child.kill('SIGKILL');
  await first.exited;

  const prefix = 'Mar  3 04:05:06 dhcp01 dhcpd[2211]: DHCPACK on 10.12.0.77 to 64:9d:99:0c:00:41 (FS-S5850-48S6Q-fra-007) via 10.12.0.1';
  let lineBytes = 0;
  for (let from = 0; from < BACKLOG_LINES; from += 10_000) {
    let text = '';
    for (let seq = from; seq < from + 10_000; seq++) text += `${prefix} seq=${String(seq)}\n`;
    lineBytes = Math.max(lineBytes, Buffer.byteLength(text) / 10_000);
    appendFileSync(path, text);
  }
  const backlogBytes = statSync(path).size;

  // Killed once a third of the backlog is handled (each handled line is one output line, written synchronously).
  const second = startRun();
  const third = Math.floor(BACKLOG_LINES / 3);
  const outLines = (): number => second.outBytes() / 7;
  assert.ok(await until(() => outLines() >= third, 60_000), `the second run handles a third of the backlog:\n${second.stderr()}`);
  second.child.kill('SIGKILL');
  assert.equal((await second.exited).signal, 'SIGKILL');
  const killedAfter = second.seqs();

  const last = startRun();
  await until(() => last.seqs().at(-1) === BACKLOG_LINES - 1, 60_000);
  last.child.kill('SIGTERM');
  assert.equal((await last.exited).code, 0, last.stderr());
  const resumed = last.seqs();

  const handledBefore = killedAfter.length;
  const resumedAt = resumed[0] ?? BACKLOG_LINES;
  const repeated = handledBefore - resumedAt;
  t.diagnostic(`backlog ${String(BACKLOG_LINES)} lines, ${(backlogBytes / 1e6).toFixed(1)} MB; killed after ${String(handledBefore)} lines handled`);
  t.diagnostic(`the restart resumed at line ${String(resumedAt)}: ${String(repeated)} lines (${String(Math.round(repeated * lineBytes))} bytes) handled again`);

  assert.ok(handledBefore < BACKLOG_LINES, 'the kill came during the catch-up');
  assert.deepEqual(killedAfter, Array.from({ length: handledBefore }, (_, i) => i), 'the killed run handled the backlog in order');
  assert.deepEqual(resumed, Array.from({ length: BACKLOG_LINES - resumedAt }, (_, i) => resumedAt + i), 'the restart handled the rest in order, nothing lost');
  assert.ok(repeated >= 0, `no line skipped (resumed at ${String(resumedAt)} after ${String(handledBefore)})`);
  assert.ok(repeated * lineBytes <= MAX_REPEATED_BYTES, `${String(repeated)} lines repeated, more than ${String(MAX_REPEATED_BYTES)} bytes' worth`);
});
