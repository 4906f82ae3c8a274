import { Writable } from 'node:stream';
import { Events } from '../log/index.js';

/** One structured log record as the narrator sees it. */
export interface LogRecord {
  event?: string;
  device?: string;
  ip?: string;
  result?: string;
  msg?: string;
  diff?: string;
  time?: number;
  [field: string]: unknown;
}

type Waiter = { match: (record: LogRecord) => boolean; resolve: (record: LogRecord) => void };

/**
 * Turns onramp's JSON log into the demo's account for people, and lets the
 * demo wait for an event instead of sleeping. It is a pino destination: each
 * write is one JSON line.
 */
export class Narrator extends Writable {
  private readonly waiters = new Set<Waiter>();
  readonly records: LogRecord[] = [];

  constructor(private readonly print: (line: string) => void) {
    super({ decodeStrings: false });
  }

  override _write(chunk: string | Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    for (const line of String(chunk).split('\n')) {
      if (line.trim() === '') continue;
      const record = JSON.parse(line) as LogRecord;
      this.records.push(record);
      this.tell(record);
      for (const waiter of this.waiters) {
        if (waiter.match(record)) {
          this.waiters.delete(waiter);
          waiter.resolve(record);
        }
      }
    }
    done();
  }

  /** Resolves with the first record (already seen or still to come) that matches, or rejects after timeoutMs. */
  waitFor(match: (record: LogRecord) => boolean, timeoutMs: number, what: string): Promise<LogRecord> {
    const seen = this.records.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const waiter: Waiter = {
        match,
        resolve: (record) => {
          clearTimeout(timer);
          resolve(record);
        },
      };
      this.waiters.add(waiter);
    });
  }

  private tell(record: LogRecord): void {
    const who = record.device ?? record.ip ?? '';
    const say = (mark: string, text: string): void => {
      this.print(`    ${mark} ${who}: ${text}`);
    };
    switch (record.event) {
      case Events.checkStart:
        say('·', `fetching the running config over SSH (${record.ip ?? '?'})`);
        break;
      case Events.checkOk:
        say('✓', record.msg ?? 'Configuration OK');
        break;
      case Events.checkDrift:
        say('✗', `drift against the baseline (+${String(record.added)} -${String(record.removed)} lines):`);
        for (const line of (record.diff ?? '').split('\n')) {
          if (line !== '') this.print(`        ${line}`);
        }
        break;
      case Events.backupSaved:
        say('·', 'running config backed up before the push');
        break;
      case Events.provisionStart:
        say('·', `${record.msg ?? 'pushing'} in config mode:`);
        if (Array.isArray(record.commands)) this.print(`        ${record.commands.map(String).join(' | ')}`);
        break;
      case Events.firmwareUpgradeStarted:
        say('·', `${record.msg ?? 'upgrading'}: fetching the image from onramp, selecting it for boot, reloading`);
        break;
      case Events.firmwareCompliance:
        say(record.result === 'ok' ? '✓' : '✗', record.msg ?? 'OS version');
        break;
      case Events.firmwareUpgradeDone:
      case Events.firmwareUpgradeFailed:
      case Events.identityFound:
      case Events.identityUnknown:
      case Events.identityAmbiguous:
      case Events.identityConflict:
      case Events.identityMismatch:
      case Events.identityModelMismatch:
      case Events.outsideRange:
      case Events.assigned:
      case Events.provisionDone:
      case Events.provisionFailed:
      case Events.unreachable:
      case Events.hostkeyChanged:
      case Events.unknownDevice:
      case Events.checkFailed:
        say(record.result === 'failed' || record.result === 'unreachable' ? '✗' : '✓', record.msg ?? record.event);
        break;
      case Events.parked:
        say('■', record.msg ?? 'parked');
        break;
      default:
        break;
    }
  }
}
