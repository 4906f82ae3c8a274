import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { alive } from '../src/agent/pid-file.js';

void test('an exited process that its parent has not reaped yet (a zombie) is not alive', async (t) => {
  // The forked child exits at once; perl sets no SIGCHLD handler and never waits for it (a shell would reap it).
  const parent = spawn('perl', ['-e', '$| = 1; my $p = fork(); exit 0 unless $p; print "$p\n"; sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
  t.after(() => parent.kill('SIGKILL'));
  const pid = await new Promise<number>((resolve) => parent.stdout.once('data', (chunk: Buffer) => { resolve(Number(chunk.toString().trim())); }));
  const state = (): string => {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  };
  for (let i = 0; i < 100 && state() !== 'Z'; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(state(), 'Z', 'the child is a zombie');
  assert.doesNotThrow(() => process.kill(pid, 0), 'signal 0 still reaches it');
  assert.equal(alive(pid), false);
  assert.equal(alive(process.pid), true);
  assert.equal(alive(parent.pid ?? 0), true);
});
