import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { SeqRuns, until, type SeqRun } from './support/seq-runs.js';

// A SIGTERM while onramp starts, through the compiled CLI (built by `npm test` first). A start that
// finds the log rotated since the saved position reads every rotated generation before it opens the
// log: with a backlog that takes a while, and a stop asked for meanwhile must still be a clean stop
// (exit 0, position saved) rather than the signal's default end, which the next start pays for.


const BACKLOG_LINES = 100_000;
const AFTER_LINES = 100;

function lines(from: number, to: number): string {
  const prefix = 'Mar  3 04:05:06 dhcp01 dhcpd[2211]: DHCPACK on 10.12.0.77 to 64:9d:99:0c:00:41 (FS-S5850-48S6Q-fra-007) via 10.12.0.1';
  let text = '';
  for (let seq = from; seq < to; seq++) text += `${prefix} seq=${String(seq)}\n`;
  return text;
}

/** Index in a run's log of the first line with this event and text, -1 if none. */
function logIndex(stderr: string, text: string): number {
  return stderr.split('\n').findIndex((line) => line.includes(text));
}

void test('SIGTERM while the start-up drains a rotated backlog: exit 0 once it is read, position saved, the next run repeats nothing', { timeout: 120_000 }, async (t) => {
  const runs = new SeqRuns(t, 'onramp-stop-catch-up-');
  const path = runs.log;
  const startRun = (): SeqRun => runs.start();

  // A first run records a position (the end of the empty file).
  const first = startRun();
  assert.ok(await until(() => runs.hasPosition(), 20_000), `the first run saves a position:\n${first.stderr()}`);
  first.child.kill('SIGTERM');
  assert.equal((await first.exited).code, 0, first.stderr());

  // While it is down, the log fills and is rotated (rename+create): the next start drains dhcpd.log.1 first.
  for (let from = 0; from < BACKLOG_LINES; from += 10_000) appendFileSync(path, lines(from, from + 10_000));
  renameSync(path, `${path}.1`);
  writeFileSync(path, '');

  // Stopped as soon as it says anything: its first log line comes before the inputs are opened.
  const second = startRun();
  assert.ok(await until(() => second.stderr().includes('rules loaded from'), 20_000), `the second run starts:\n${second.stderr()}`);
  second.child.kill('SIGTERM');
  const ended = await second.exited;
  const log = second.stderr();
  assert.deepEqual(ended, { code: 0, signal: null }, `a SIGTERM during the start-up drain is a clean stop:\n${log}`);
  const stopping = logIndex(log, '"msg":"stopping"');
  const drained = logIndex(log, '"reason":"while-stopped"');
  assert.ok(stopping >= 0 && drained >= 0 && stopping < drained, `the SIGTERM came while dhcpd.log.1 was being drained:\n${log}`);
  const handled = second.seqs();
  assert.deepEqual(handled, Array.from({ length: BACKLOG_LINES }, (_, i) => i), 'the drain it was stopped in was finished, in order');

  appendFileSync(path, lines(BACKLOG_LINES, BACKLOG_LINES + AFTER_LINES));
  const third = startRun();
  await until(() => third.seqs().at(-1) === BACKLOG_LINES + AFTER_LINES - 1, 20_000);
  third.child.kill('SIGTERM');
  assert.equal((await third.exited).code, 0, third.stderr());
  assert.deepEqual(third.seqs(), Array.from({ length: AFTER_LINES }, (_, i) => BACKLOG_LINES + i), 'the next run starts right after the drained backlog: nothing repeated, nothing lost');
});
