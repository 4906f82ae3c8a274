import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { silentLogger } from '../src/log/index.js';
import { PositionStore, tailFile, type TailSource } from '../src/input/index.js';
import { StateStore } from '../src/state/index.js';

async function waitFor(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

void test('a busy file rotated both ways, and restarted, yields every line exactly once', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-rotation-'));
  t.after(() => { rmSync(dir, { recursive: true, force: true }); });
  const path = join(dir, 'dhcpd.log');
  const state = new StateStore(join(dir, 'state'));
  const seen: string[] = [];
  const start = async (): Promise<TailSource> => {
    const tail = tailFile({
      path, fromStart: true, follow: true, pollMs: 50, logger: silentLogger(),
      positions: new PositionStore(state, { saveDelayMs: 20 }),
      onLine: (line) => { seen.push(line); },
    });
    await tail.start();
    return tail;
  };

  const TOTAL = 20_000;
  const BATCH = 40;
  writeFileSync(path, '');
  let tail = await start();
  let rotations = 0;
  let restarts = 0;
  for (let i = 0; i < TOTAL; i += BATCH) {
    let text = '';
    for (let j = i; j < i + BATCH; j++) text += j % 97 === 0 ? `DHCPACK on 10.77.${String(j % 200)}.1 to be:b5:de:01:12:a1 (Switch) via eth1 #${String(j)}\n` : `line ${String(j)}\n`;
    appendFileSync(path, text);
    if (i > 0 && i % 2000 === 0) {
      rotations += 1;
      const whileStopped = i % 6000 === 0;
      if (whileStopped) {
        await tail.stop();
        restarts += 1;
        appendFileSync(path, `line ${String(i + BATCH)}-down\n`);
      }
      // As logrotate does: older generations move up one before the file becomes .1.
      for (let n = 3; n >= 1; n--) if (existsSync(`${path}.${String(n)}`)) renameSync(`${path}.${String(n)}`, `${path}.${String(n + 1)}`);
      if (rotations % 2 === 0) {
        renameSync(path, `${path}.1`);
        writeFileSync(path, '');
      } else {
        copyFileSync(path, `${path}.1`);
        truncateSync(path, 0);
      }
      if (whileStopped) tail = await start();
    }
    await yieldToLoop();
  }
  const expectedCount = TOTAL + restarts;
  await waitFor('every line', () => seen.length >= expectedCount);
  await tail.stop();

  const counts = new Map<string, number>();
  for (const line of seen) counts.set(line, (counts.get(line) ?? 0) + 1);
  const repeated = [...counts].filter(([, n]) => n > 1);
  assert.deepEqual(repeated, [], 'no line read twice');
  assert.equal(seen.length, expectedCount, 'no line lost');
  assert.ok(rotations >= 9 && restarts >= 3, `${String(rotations)} rotations, ${String(restarts)} restarts`);
});
