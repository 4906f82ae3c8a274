import { spawn } from 'node:child_process';
import type { NotifyPayload } from './payload.js';

/**
 * The only variables a hook program inherits: enough to run, nothing that
 * could hold a password (the site's credentials come from the environment).
 */
const PASSED_ENV = ['PATH', 'LANG', 'LC_ALL', 'TZ', 'HOME'];

function hookEnvironment(payload: NotifyPayload): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ONRAMP_EVENT: payload.event };
  for (const name of PASSED_ENV) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** Runs argv without a shell, the payload as one JSON document on stdin; exit 0 within `timeoutMs` is delivered. */
export function runExecHook(argv: readonly string[], payload: NotifyPayload, timeoutMs: number): Promise<void> {
  const [program, ...args] = argv;
  if (program === undefined) return Promise.reject(new Error('empty argv'));
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      shell: false, env: hookEnvironment(payload), stdio: ['pipe', 'ignore', 'ignore'], timeout: timeoutMs, killSignal: 'SIGKILL',
    });
    child.on('error', reject);
    // A program that exits without reading its stdin is its own business, not a failed write.
    child.stdin.on('error', () => undefined);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(signal === null ? `exit ${String(code)}` : `killed by ${signal} (timeout ${String(timeoutMs)} ms)`));
    });
    child.stdin.end(`${JSON.stringify(payload)}\n`);
  });
}
