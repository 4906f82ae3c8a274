import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as pace } from 'node:timers/promises';
import type { TestContext } from 'node:test';

// Restart tests through the compiled CLI (built by `npm test` first): each run of `onramp run` follows
// one log whose lines end in `seq=N` and writes every N it handles to a file of its own, so that what
// each run handled, in what order, can be told exactly.

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');

export interface SeqRun {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The sequence numbers this run handled, in order. */
  seqs: () => number[];
  /** How much of them it has written so far: cheaper to poll than seqs(). */
  outBytes: () => number;
}

export async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await pace(5);
  }
  return true;
}

/** A log in a scratch folder (removed after the test, every run killed) and the runs that follow it. */
export class SeqRuns {
  readonly dir: string;
  readonly log: string;
  readonly runs: SeqRun[] = [];

  constructor(t: TestContext, prefix: string) {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
    mkdirSync(join(this.dir, 'log'));
    this.log = join(this.dir, 'log', 'dhcpd.log');
    writeFileSync(this.log, '');
    t.after(() => {
      for (const run of this.runs) if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
      rmSync(this.dir, { recursive: true, force: true });
    });
  }

  start(): SeqRun {
    const out = join(this.dir, `lines-${String(this.runs.length)}.txt`);
    const rules = join(this.dir, `run-${String(this.runs.length)}.rules`);
    writeFileSync(rules, ['type=Single', 'ptype=RegExp', 'pattern= seq=(\\d+)$', 'desc=line $1', `action=write ${out} $1`, ''].join('\n'));
    const child = spawn(process.execPath, [CLI, 'run', `--conf=${rules}`, `--input=${this.log}`, `--state=${join(this.dir, 'state')}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.on('exit', (code, signal) => { resolve({ code, signal }); });
    });
    const seqs = (): number[] => (existsSync(out) ? readFileSync(out, 'latin1').split('\n').filter((l) => l !== '').map(Number) : []);
    const run = { child, stderr: () => stderr, exited, seqs, outBytes: () => (existsSync(out) ? statSync(out).size : 0) };
    this.runs.push(run);
    return run;
  }

  /** Whether a run has saved a position yet (the first save happens once the log is opened). */
  hasPosition(): boolean {
    const positions = join(this.dir, 'state', 'positions');
    return existsSync(positions) && readdirSync(positions).some((f) => f.endsWith('.json'));
  }
}
