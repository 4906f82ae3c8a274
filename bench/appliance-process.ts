/**
 * An `onramp run` of the shipped bundle, as a service runs it: following
 * its own DHCP log, its JSON log in a file the benchmark reads as it grows,
 * its peak RSS and CPU read from /proc before it is stopped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuSeconds, peakRssBytes } from './proc-stats.js';
import { CLI, ROOT, SERVICE_ENV } from './programs.js';

/** One line of the appliance's log, as far as the benchmark reads it. */
export interface LogRecord {
  time: number;
  level: number;
  msg?: string;
  event?: string;
  device?: string;
  result?: string;
}

export interface ApplianceSettings {
  name: string;
  /** Its own folder: input, log and state directory. */
  dir: string;
  sites: string;
  /** --store URL; undefined: the state directory alone. */
  store: string | undefined;
  concurrency: number;
  env: Record<string, string>;
  /** Options for node itself, before the program (--cpu-prof…). */
  nodeOptions?: string[];
}

export interface ApplianceUsage {
  peakRssBytes: number;
  cpuSeconds: number;
}

export class ApplianceProcess {
  readonly input: string;
  readonly log: string;
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;
  private stderr = '';
  private fd: number | undefined;
  private partial = '';
  private readonly buffer = Buffer.alloc(1 << 20);

  private constructor(readonly name: string, settings: ApplianceSettings) {
    mkdirSync(settings.dir, { recursive: true });
    this.input = join(settings.dir, 'dhcpd.log');
    this.log = join(settings.dir, 'onramp.log');
    writeFileSync(this.input, '');
    writeFileSync(this.log, '');
    this.child = spawn(process.execPath, [
      ...(settings.nodeOptions ?? []), CLI, 'run', `--conf=${join(ROOT, 'rules', 'dhcp.rules')}`, `--input=${this.input}`,
      `--sites=${settings.sites}`, `--templates=${join(ROOT, 'templates')}`, `--state=${join(settings.dir, 'state')}`, `--log=${this.log}`,
      `--concurrency=${String(settings.concurrency)}`,
      ...(settings.store === undefined ? [] : ['--store', settings.store, '--name', settings.name]),
    ], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...SERVICE_ENV, ...settings.env } });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { this.stderr += chunk; });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => { resolve(code); }));
  }

  /** Starts it and waits until it follows its input (at most a minute). */
  static async start(settings: ApplianceSettings, onRecord: (record: LogRecord) => void): Promise<ApplianceProcess> {
    const appliance = new ApplianceProcess(settings.name, settings);
    const deadline = Date.now() + 60_000;
    let opened = false;
    while (!opened) {
      for (const record of appliance.read()) {
        onRecord(record);
        if (record.event === 'input.opened') opened = true;
      }
      if (appliance.child.exitCode !== null) throw new Error(`appliance ${settings.name} exited ${String(appliance.child.exitCode)} at start: ${appliance.stderr.trim()}`);
      if (Date.now() > deadline) throw new Error(`appliance ${settings.name} did not open its input within a minute: ${appliance.stderr.trim()}`);
      if (!opened) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return appliance;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** Appends to the DHCP log it follows, as the DHCP server writes it. */
  append(text: string): void {
    appendFileSync(this.input, text);
  }

  /** The log records written since the last call. */
  read(): LogRecord[] {
    this.fd ??= openSync(this.log, 'r');
    const records: LogRecord[] = [];
    for (;;) {
      const n = readSync(this.fd, this.buffer, 0, this.buffer.length, null);
      if (n === 0) break;
      const lines = (this.partial + this.buffer.toString('utf8', 0, n)).split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) if (line !== '') records.push(JSON.parse(line) as LogRecord);
    }
    return records;
  }

  /** Peak RSS and CPU so far: read while it runs, as /proc forgets a process that has ended. */
  usage(): ApplianceUsage {
    return { peakRssBytes: peakRssBytes(this.pid) ?? NaN, cpuSeconds: cpuSeconds(this.pid) ?? NaN };
  }

  /** SIGTERM (work in flight finishes), then its exit code; killed if it takes longer than two minutes. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 120_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  errors(): string {
    return this.stderr;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
