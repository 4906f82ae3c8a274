import { execFile } from 'node:child_process';

/** What git is run with: no prompts (a push to an ssh remote fails rather than asks), no pager, fixed language. */
const GIT_ENV = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C', GIT_SSH_COMMAND: 'ssh -o BatchMode=yes' };
const MAX_OUTPUT = 64 * 1024 * 1024;

/** Runs the system `git` with an argument vector (never a shell) in `dir`; resolves with its stdout. */
export function git(dir: string, args: readonly string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd: dir, env: { ...GIT_ENV, ...env }, maxBuffer: MAX_OUTPUT }, (err, stdout, stderr) => {
      if (err === null) resolve(stdout);
      else reject(new Error(`git ${args[0] ?? ''} in ${dir} failed: ${stderr.trim() || err.message}`));
    });
  });
}
