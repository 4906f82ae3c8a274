import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/log/index.js';
import { PositionStore, tailFile, type TailSource } from '../../src/input/index.js';
import { StateStore } from '../../src/state/index.js';
import { numbered } from './logrotate.js';

// A log followed the way `onramp run` follows one (saved positions, restarts), for the rotation
// and truncation tests.

export interface FollowedLog {
  path: string;
  /** Every line any reader started by `start` handed on, in order. */
  lines: string[];
  /** Starts a reader from the saved position; `onLine` also hears each line, as it is handed on. */
  start: (onLine?: (line: string) => void) => Promise<TailSource>;
}

/** An empty `dhcpd.log` in a folder of its own, removed after the test. */
export function followedLog(t: TestContext, pollMs = 50): FollowedLog {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-followed-'));
  t.after(() => { rmSync(dir, { recursive: true, force: true }); });
  const path = join(dir, 'dhcpd.log');
  const state = new StateStore(join(dir, 'state'));
  writeFileSync(path, '');
  const lines: string[] = [];
  const start = async (onLine?: (line: string) => void): Promise<TailSource> => {
    const tail = tailFile({
      path, fromStart: false, follow: true, pollMs, logger: silentLogger(),
      positions: new PositionStore(state),
      onLine: (line) => {
        lines.push(line);
        onLine?.(line);
      },
    });
    await tail.start();
    return tail;
  };
  return { path, lines, start };
}

/** Waits for `condition`, at most `timeoutMs`; the assertions after it show what is missing if it never holds. */
export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

/** A reader that has handed on `line 0` … `line 99`, then stopped: its position is saved. */
export async function readHundredThenStop(log: FollowedLog): Promise<void> {
  const tail = await log.start();
  appendFileSync(log.path, numbered(0, 100));
  await waitFor(() => log.lines.length === 100);
  await tail.stop();
}

/**
 * What a log goes through while its reader is stopped: 100 more numbered
 * lines (from line 100) before each rotation, and 100 after the last.
 */
export function rotateWhileStopped(path: string, rotations: readonly ((path: string) => void)[]): void {
  let from = 100;
  for (const rotate of rotations) {
    appendFileSync(path, numbered(from, from + 100));
    rotate(path);
    from += 100;
  }
  appendFileSync(path, numbered(from, from + 100));
}
