import { execFile } from 'node:child_process';

/** What git is run with: no prompts (a push to an ssh remote fails rather than asks), no pager, fixed language. */
const GIT_ENV = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C', GIT_SSH_COMMAND: 'ssh -o BatchMode=yes' };
const MAX_OUTPUT = 64 * 1024 * 1024;

/**
 * Another git process holds one of the repository's lock files (`index.lock`,
 * `HEAD.lock`, a ref's): git refuses at once rather than wait, and nothing
 * was changed, so the command may simply be run again.
 */
const LOCKED = /Unable to create '[^']*\.lock': File exists|cannot lock ref|Another git process seems to be running/;

/** How long a command locked out by another git process is retried: doubling pauses, about 20 s in all, then the error stands. */
export interface LockRetry {
  attempts: number;
  firstMs: number;
  maxMs: number;
}

const LOCK_RETRY: LockRetry = { attempts: 12, firstMs: 25, maxMs: 4000 };

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => { setTimeout(resolve, ms); });
}

function runOnce(dir: string, args: readonly string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd: dir, env: { ...GIT_ENV, ...env }, maxBuffer: MAX_OUTPUT }, (err, stdout, stderr) => {
      if (err === null) resolve(stdout);
      else reject(new GitError(args[0] ?? '', dir, stderr.trim() || err.message));
    });
  });
}

export class GitError extends Error {
  constructor(readonly command: string, readonly dir: string, readonly detail: string) {
    super(`git ${command} in ${dir} failed: ${detail}`);
    this.name = 'GitError';
  }

  get locked(): boolean {
    return LOCKED.test(this.detail);
  }
}

/**
 * Runs the system `git` with an argument vector (never a shell) in `dir`;
 * resolves with its stdout. Onramp's own writers of a repository take turns
 * (see GitBackupStore), but anything else may run git there too (an
 * operator's `git gc`, a cron job pulling it): a command refused for a lock
 * another git holds is run again after a pause, up to `retry.attempts` times.
 */
export async function git(dir: string, args: readonly string[], env: Record<string, string> = {}, retry: LockRetry = LOCK_RETRY): Promise<string> {
  let delay = retry.firstMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await runOnce(dir, args, env);
    } catch (err) {
      if (!(err instanceof GitError) || !err.locked) throw err;
      if (attempt >= retry.attempts) {
        throw new GitError(err.command, dir, `${err.detail} (still locked after ${String(attempt)} attempts; if no git process is running in ${dir}, a crashed one left the lock file: remove it)`);
      }
      await pause(delay);
      delay = Math.min(delay * 2, retry.maxMs);
    }
  }
}
