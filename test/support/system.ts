import type { TestContext } from 'node:test';
import { spawnSync } from 'node:child_process';

/**
 * Gate for tests that need a system package (sec, sshd, dhcpd, …). Outside CI
 * a missing package skips the test with its reason; CI sets
 * ONRAMP_REQUIRE_SYSTEM_TESTS=1 so that the same skip fails there instead.
 * Returns true when the test may go on.
 */
export function requireSystem(t: TestContext, what: string, available: boolean, hint: string): boolean {
  if (available) return true;
  const reason = `${what} is not available (${hint})`;
  if (process.env.ONRAMP_REQUIRE_SYSTEM_TESTS === '1') {
    throw new Error(`required system test cannot run: ${reason}`);
  }
  t.skip(reason);
  return false;
}

/** True when `command` is on PATH (or is an existing absolute path). */
export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { stdio: 'ignore' }).status === 0;
}

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
