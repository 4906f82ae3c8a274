import { Counter, type Registry } from 'prom-client';
import { Events } from '../log/events.js';
import { lineNamesEvent } from '../log/tap.js';

const COUNTED: ReadonlySet<string> = new Set([Events.inputLineRejected, Events.inputSenderRefused, Events.hostkeyChanged]);

interface LoggedEvent {
  event?: unknown;
  path?: unknown;
  source?: unknown;
  reason?: unknown;
  rawHost?: unknown;
  count?: unknown;
  site?: unknown;
  device?: unknown;
}

/**
 * Counts taken from the log as it is written (the events the inputs and the
 * SSH layer log): lines rejected per input, and host keys refused. These
 * events are logged at warn or error, so any usual log level keeps them.
 */
export class LogEventCounts {
  private readonly rejected: Counter<'input' | 'reason'>;
  private readonly hostKeyRefusals: Counter<'site' | 'device'>;

  constructor(registry: Registry) {
    this.rejected = new Counter({
      name: 'onramp_input_lines_rejected_total',
      help: 'Input lines rejected, by input and reason (too-long, hostname: a DHCP hostname that is not a plain host name, sender: syslog from a sender not allowed).',
      labelNames: ['input', 'reason'],
      registers: [registry],
    });
    this.hostKeyRefusals = new Counter({
      name: 'onramp_hostkey_refusals_total',
      help: 'Sessions refused because the device offered a host key other than the one pinned, by site and device.',
      labelNames: ['site', 'device'],
      registers: [registry],
    });
  }

  observe(line: string): void {
    // Most lines are none of these: they are not parsed, and the look at them stops at their event's name, near the start.
    if (!lineNamesEvent(line, COUNTED)) return;
    let entry: LoggedEvent;
    try {
      entry = JSON.parse(line) as LoggedEvent;
    } catch {
      return;
    }
    switch (entry.event) {
      case Events.inputLineRejected:
        this.rejected.inc({ input: text(entry.path ?? entry.source), reason: text(entry.reason ?? (entry.rawHost === undefined ? 'other' : 'hostname')) });
        return;
      case Events.inputSenderRefused:
        // Logged once for many (see Tally): the line says how many it stands for.
        this.rejected.inc({ input: text(entry.path), reason: 'sender' }, positiveCount(entry.count));
        return;
      case Events.hostkeyChanged:
        this.hostKeyRefusals.inc({ site: text(entry.site), device: text(entry.device) });
        return;
      default:
        return;
    }
  }
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function positiveCount(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : 1;
}
