import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { DeviceError, type DeviceTarget, type LldpNeighbor, type MacEntry } from '../src/device/index.js';
import type { Logger } from '../src/log/index.js';
import type { DeviceConnector, SessionLike } from '../src/onboard/index.js';

/** One emulated switch, in memory: enough for onboarding decisions, not a CLI. */
export class FakeSwitch {
  hostname: string;
  running: string;
  username = 'admin';
  password: string;
  saves = 0;
  readonly pushes: string[][] = [];
  lldp: LldpNeighbor[] = [];
  macs: MacEntry[] = [];
  reject?: string;
  unreachable = false;
  /** Replies to exec commands other than the config and LLDP/MAC shows (`show version`); any other command is rejected. */
  replies = new Map<string, string>();
  /** What the running config becomes after a push (the test's intended config). */
  afterPush?: string;
  /** What it becomes after each push in turn, before `afterPush` applies (a switch parked, then provisioned). */
  readonly afterPushes: string[] = [];
  /** Opened sessions wait for this before answering `show running-config`. */
  gate?: Promise<void>;

  constructor(hostname: string, password: string, running: string) {
    this.hostname = hostname;
    this.password = password;
    this.running = running;
  }

  apply(lines: string[]): void {
    for (const line of lines) {
      if (this.reject !== undefined && line === this.reject) {
        throw new DeviceError('rejected', `line rejected: ${line}`, { command: line, deviceMessage: "% Invalid input detected at '^' marker." });
      }
    }
    this.pushes.push(lines);
    for (const line of lines) {
      const host = /^hostname (\S+)$/.exec(line)?.[1];
      if (host !== undefined) this.hostname = host;
      const password = /^username \S+ privilege \d+ password (\S+)$/.exec(line)?.[1];
      if (password !== undefined) this.password = password;
    }
    const next = this.afterPushes.shift() ?? this.afterPush;
    if (next !== undefined) this.running = next;
  }
}

export class FakeNetwork implements DeviceConnector {
  readonly switches = new Map<string, FakeSwitch>();
  readonly opened: DeviceTarget[] = [];
  openNow = 0;
  maxOpen = 0;

  add(address: string, device: FakeSwitch): FakeSwitch {
    this.switches.set(address, device);
    return device;
  }

  open(target: DeviceTarget): Promise<SessionLike> {
    this.opened.push(target);
    const device = this.switches.get(target.host);
    if (device === undefined || device.unreachable) {
      return Promise.reject(new DeviceError('unreachable', `${target.host}:${target.port}: connection refused`));
    }
    if (target.username !== device.username || target.password !== device.password) {
      return Promise.reject(new DeviceError('auth', `${target.host}: authentication failed`));
    }
    this.openNow++;
    this.maxOpen = Math.max(this.maxOpen, this.openNow);
    let closed = false;
    const session: SessionLike = {
      hostname: () => device.hostname,
      run: (command) => {
        const reply = device.replies.get(command);
        if (reply !== undefined) return Promise.resolve(reply);
        return Promise.reject(new DeviceError('rejected', `${device.hostname} rejected "${command}"`, { command, deviceMessage: "% Invalid input detected at '^' marker." }));
      },
      // An in-memory switch has no OS to upgrade: the firmware tests run against the lab.
      dialogue: (command) => Promise.reject(new DeviceError('rejected', `${device.hostname} rejected "${command}"`, { command, deviceMessage: "% Invalid input detected at '^' marker." })),
      runningConfig: async () => {
        if (device.gate !== undefined) await device.gate;
        return device.running;
      },
      configure: (lines) => {
        device.apply(lines);
        return Promise.resolve();
      },
      save: () => {
        device.saves++;
        return Promise.resolve();
      },
      lldpNeighbors: () => Promise.resolve(device.lldp),
      macTable: () => Promise.resolve(device.macs),
      close: () => {
        if (!closed) this.openNow--;
        closed = true;
        return Promise.resolve();
      },
    };
    return Promise.resolve(session);
  }
}

export interface LogRecord {
  event?: string;
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A debug-level logger whose records the test can read. */
export function memoryLogger(): { logger: Logger; records: LogRecord[]; text: () => string } {
  const records: LogRecord[] = [];
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const text = chunk.toString();
      lines.push(text);
      for (const line of text.split('\n').filter((l) => l !== '')) records.push(JSON.parse(line) as LogRecord);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), records, text: () => lines.join('') };
}

export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    const full = join(root, path);
    await mkdir(join(full, '..'), { recursive: true });
    await writeFile(full, text);
  }
}

/** Waits for a condition, polling on the event loop; fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
