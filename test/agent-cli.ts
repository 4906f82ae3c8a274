import type { TestContext } from 'node:test';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive } from '../src/agent/pid-file.js';

// `onramp agent` driven through the compiled binary (built by `npm test` first), as operators drive it.
export const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'bin', 'onramp.js');

export interface Ran { code: number | null; stdout: string; stderr: string }

export function onramp(args: string[], cwd = ROOT): Ran {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** As onramp(), without blocking: for commands run at the same time. */
export function onrampAsync(args: string[], cwd = ROOT): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    child.once('error', reject);
    child.once('close', (code) => { resolve({ code, stdout, stderr }); });
  });
}

/** A scratch folder; every agent started in it is killed and the folder removed after the test. */
export function scratch(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-agent-'));
  t.after(() => {
    killAgents(join(dir, 'state', 'agents'));
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Every agent pid a test saw, and any pid file left in the state folder, is killed outright. */
const seenPids = new Set<number>();

function killAgents(agentsDir: string): void {
  const pids = new Set(seenPids);
  if (existsSync(agentsDir)) {
    for (const name of readdirSync(agentsDir).filter((file) => file.endsWith('.pid'))) {
      pids.add(Number(readFileSync(join(agentsDir, name), 'utf8').trim()));
    }
  }
  for (const pid of pids) {
    if (Number.isInteger(pid) && pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
  }
  seenPids.clear();
}

/** The pid of a process a test started, killed after the test if it is still there. */
export function remember(pid: number): number {
  seenPids.add(pid);
  return pid;
}

export function pidOf(stateDir: string, name: string): number {
  return remember(Number(readFileSync(join(stateDir, 'agents', `${name}.pid`), 'utf8').trim()));
}


// A stopped agent may stay a zombie until init reaps it: the product's own check counts that as gone.
export { alive };

export function readOr(path: string, fallback = ''): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : fallback;
}

export async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A rule file whose only rule writes `PREFIX <first word after "hello">` to `out`: no devices involved. */
export function writeRule(out: string, prefix: string): string {
  return `type=Single\nptype=RegExp\npattern=hello (\\S+)\ndesc=hello $1\naction=write ${out} ${prefix} $1\n`;
}
