/**
 * Emulated switches in processes of their own, so that serving a thousand
 * SSH logins is spread over the machine's cores and not counted against the
 * appliance or the benchmark. Each process runs one Lab (bench/lab-child.ts)
 * and answers over IPC: started (its port), report (what each switch went
 * through), stop.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { LabSwitchSpec } from '../src/lab/index.js';

/** What one lab switch went through, as the bench checks it. */
export interface SwitchReport {
  /** The hostname it was started with. */
  hostname: string;
  logins: number;
  mostSessionsAtOnce: number;
  saves: number;
  runningConfig: string;
  startupConfig: string;
}

export interface LabReport {
  switches: SwitchReport[];
  /** CPU the lab process used since it started, seconds. */
  cpuSeconds: number;
}

export type ToLab =
  | { type: 'start'; switches: LabSwitchSpec[]; keyDir: string; port?: number; slowMs?: number }
  | { type: 'report' }
  | { type: 'stop' };

export type FromLab =
  | { type: 'started'; port: number }
  | { type: 'report'; report: LabReport }
  | { type: 'failed'; message: string };

const CHILD = join(new URL('.', import.meta.url).pathname, 'lab-child.ts');

/** One lab process. */
export class LabProcess {
  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
  ) {}

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /**
   * Starts a lab of `switches` on `port` (every switch its own loopback
   * address; default a free port); `slowMs`: how long the `slow` fault makes
   * a switch take to answer each command.
   */
  static async start(switches: LabSwitchSpec[], keyDir: string, options: { port?: number; slowMs?: number } = {}): Promise<LabProcess> {
    const child = fork(CHILD, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const answer = await ask(child, { type: 'start', switches, keyDir, ...options });
    if (answer.type !== 'started') {
      child.kill('SIGKILL');
      throw new Error(`lab process: ${answer.type === 'failed' ? answer.message : `unexpected ${answer.type}`}`);
    }
    return new LabProcess(answer.port, child);
  }

  async report(): Promise<LabReport> {
    const answer = await ask(this.child, { type: 'report' });
    if (answer.type !== 'report') throw new Error(`lab process: ${answer.type === 'failed' ? answer.message : `unexpected ${answer.type}`}`);
    return answer.report;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => { resolve(); }));
    this.child.send({ type: 'stop' } satisfies ToLab);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Sends `message` and waits for the answer; a lab that exits instead fails. */
function ask(child: ChildProcess, message: ToLab): Promise<FromLab> {
  return new Promise((resolve, reject) => {
    const onMessage = (answer: FromLab): void => {
      child.off('exit', onExit);
      resolve(answer);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      child.off('message', onMessage);
      reject(new Error(`lab process ended (${signal ?? `exit ${String(code)}`}) before it answered ${message.type}`));
    };
    child.once('message', onMessage);
    child.once('exit', onExit);
    child.send(message);
  });
}
