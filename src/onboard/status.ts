import { Events, type Result } from '../log/index.js';
import type { Book, SharedStore } from '../state/index.js';
import { stateAfter, stateOf, type DeviceState } from './device-state.js';

/** Device status by lower-case device name (or `switch …` for a switch not yet identified). */
export const STATUS_BOOK: Book<DeviceStatus> = { name: 'status', file: 'status.json' };
/** With a database, how often this process's copy takes in what others recorded (a state directory: after every write). */
const SHARED_REFRESH_MS = 1000;

export type Action = 'check' | 'remediate' | 'provision' | 'identify' | 'park' | 'backup' | 'report' | 'restore';

/** The last scheduled backup of a device. */
export interface ExecutionStatus {
  id: number;
  result: Result;
  /** ISO time it ended. */
  time: string;
  /** The version it saved; absent when the config was unchanged or the backup failed. */
  version?: string;
}

/** One guard-rail refusal as stored: its class, reason and offending lines (secrets masked). */
export interface RefusalRecord {
  class: string;
  reason: string;
  lines: string[];
}

/** The last remediation or provisioning plan of a device: pushed, or refused with the reasons. */
export interface PlanRecord {
  outcome: 'pushed' | 'refused';
  /** ISO time it was decided. */
  time: string;
  /** The lines typed, or that would have been (secrets masked). */
  lines: string[];
  refusals?: RefusalRecord[];
}

/**
 * The last lease (or address) that named a device but could not be it: a
 * device.identity.mismatch, or a host key refused away from where the device
 * was last seen. Nothing was done with it.
 */
export interface RefusedLease {
  ip: string;
  /** The lease's MAC; absent when no lease named the address (a command did). */
  mac?: string;
  /** ISO time it came. */
  time: string;
  reasons: string[];
}

/** The OS version a switch was found on, against the one its site names for its model. */
export interface FirmwareStatus {
  /** As the switch reported it; absent when it could not be read. */
  running?: string;
  wanted: string;
  compliant: boolean;
  /** The version it ran before onramp upgraded it. */
  upgradedFrom?: string;
}

/** What a switch said about itself (`show version`) when onramp reached it. */
export interface FactsRecord {
  /** The profile family whose output it was (`fs-s3900`). */
  family?: string;
  serial?: string;
  model?: string;
  version?: string;
}

/** Why a factory switch was parked. */
/** `firmware`: its OS upgrade failed (a refused image, a failed step, a switch back on the wrong version, or one that came back too late). */
export type ParkReason = 'unknown' | 'ambiguous' | 'conflict' | 'model-mismatch' | 'firmware';

/** A parked switch: what was seen of it, for an operator to say what it is (`onramp assign`). */
export interface ParkedRecord {
  reason: ParkReason;
  /** The port map entries it might have been (ambiguous), or the one it could not be (conflict, model mismatch). */
  candidates?: string[];
  mac: string;
  serial?: string;
  model?: string;
  /** Its LLDP neighbours: `SYSTEM PORT (local PORT)`. */
  lldp?: string[];
  /** The uplink switch and port it hangs off, from LLDP or the uplinks' MAC tables: `DEVICE PORT`. */
  uplink?: string;
  /** ISO time it was parked. */
  time: string;
}

/** What `onramp status` shows for one device. */
export interface DeviceStatus {
  device: string;
  site?: string;
  ip?: string;
  mac?: string;
  lastEvent: string;
  action: Action;
  result: Result;
  /** Where the device stands after this outcome (see DEVICE_STATES); absent in files written before it was recorded. */
  state?: DeviceState;
  /** ISO time of the last outcome. */
  time: string;
  /** ms since the epoch of the last completed check, for the renewal window; kept when a later job fails. */
  checkedAt?: number;
  diff?: { added: number; removed: number };
  message?: string;
  execution?: ExecutionStatus;
  plan?: PlanRecord;
  /** Compliance features of the last check: which match the intended config and which do not. */
  features?: { name: string; compliant: boolean }[];
  refusedLease?: RefusedLease;
  firmware?: FirmwareStatus;
  facts?: FactsRecord;
  /** Set while the switch is parked (result `parked`). */
  parked?: ParkedRecord;
  /** With a shared store: the appliance that recorded this outcome. */
  appliance?: string;
}

type StatusEntries = Record<string, DeviceStatus>;

/** Every device seen, sorted by name. */
export async function readStatus(store: SharedStore): Promise<DeviceStatus[]> {
  return Object.values(await store.all(STATUS_BOOK)).sort((a, b) => a.device.localeCompare(b.device));
}

/** Names in no inventory kept in the status book, the newest: enough to see what a LAN sends, bounded against a flood. */
export const MAX_UNKNOWN_DEVICES = 1000;

function isUnknownName(status: DeviceStatus): boolean {
  return status.lastEvent === Events.unknownDevice && status.site === undefined;
}

/** The keys of the oldest names in no inventory beyond `keep`; the devices onramp knows are never among them. */
function oldestUnknown(entries: Record<string, DeviceStatus>, keep: number): string[] {
  const unknown = Object.entries(entries).filter(([, entry]) => isUnknownName(entry));
  if (unknown.length <= keep) return [];
  unknown.sort(([, a], [, b]) => a.time.localeCompare(b.time));
  return unknown.slice(0, unknown.length - keep).map(([key]) => key);
}

/** One update of one device's status: applied to this process's copy at once, and to the store's record as it is then. */
interface StatusChange {
  key: string;
  change: (current: DeviceStatus | undefined) => DeviceStatus;
}

/**
 * Device status. This process's copy answers get() and all() at once;
 * every change is also applied to the store's record as it is, under its
 * lock, so that the daemon and a one-shot command (or two appliances)
 * recording at the same moment both keep their update. Changes are written
 * in the order they were made; after a write the copy takes in what others
 * recorded meanwhile.
 */
export class StatusBook {
  private entries: StatusEntries = {};
  /** Changes made here and not yet written, oldest first. */
  private readonly pending: StatusChange[] = [];
  private writing: Promise<void> = Promise.resolve();
  private refreshing: Promise<void> | undefined;
  private refreshedAt = 0;

  /**
   * `maxUnknown`: how many names that are in no inventory are kept (the
   * newest). Anyone on the LAN chooses the hostname a lease reports; without
   * a bound, a stream of made-up names would grow the book without end.
   */
  constructor(private readonly store: SharedStore, private readonly limits: { maxUnknown: number } = { maxUnknown: MAX_UNKNOWN_DEVICES }) {}

  async load(): Promise<void> {
    this.entries = await this.store.all(STATUS_BOOK);
    this.refreshedAt = Date.now();
  }

  /** A device's status as the store has it now (another appliance may have recorded it since this copy was read). */
  async latest(device: string): Promise<DeviceStatus | undefined> {
    const key = device.toLowerCase();
    const stored = await this.store.get(STATUS_BOOK, key);
    if (stored !== undefined && !this.pending.some((change) => change.key === key)) this.entries[key] = structuredClone(stored);
    return this.entries[key];
  }

  get(device: string): DeviceStatus | undefined {
    return this.entries[device.toLowerCase()];
  }

  all(): DeviceStatus[] {
    return Object.values(this.entries);
  }

  /** Records an outcome; resolves once it is on disk. */
  record(status: DeviceStatus): Promise<void> {
    return this.change(status.device.toLowerCase(), (previous) => {
      // A later check or provisioning does not hide the last backup execution, nor a check the last plan,
      // nor any outcome the last lease refused for this device, nor a failure when it was last checked,
      // nor a later job that read nothing from `show version` what the switch said about itself.
      const execution = status.execution ?? previous?.execution;
      const plan = status.plan ?? previous?.plan;
      const refusedLease = status.refusedLease ?? previous?.refusedLease;
      const checkedAt = status.checkedAt ?? previous?.checkedAt;
      const facts = status.facts ?? previous?.facts;
      const appliance = status.appliance ?? this.store.appliance;
      return {
        ...status, ...(appliance === undefined ? {} : { appliance }), state: stateAfter(previous === undefined ? undefined : stateOf(previous), status),
        ...(checkedAt === undefined ? {} : { checkedAt }),
        ...(execution === undefined ? {} : { execution }), ...(plan === undefined ? {} : { plan }), ...(refusedLease === undefined ? {} : { refusedLease }),
        ...(facts === undefined ? {} : { facts }),
      };
    });
  }

  /**
   * Notes a refused lease beside the device's last outcome, which it does not
   * change: address, MAC, result and check time stay what they were.
   */
  noteRefusedLease(device: string, site: string, lease: RefusedLease): Promise<void> {
    return this.change(device.toLowerCase(), (current) => (current === undefined
      ? { device, site, lastEvent: Events.identityMismatch, action: 'report', result: 'skipped', state: 'refused', time: lease.time, refusedLease: lease }
      : { ...current, refusedLease: lease }));
  }

  private change(key: string, change: StatusChange['change']): Promise<void> {
    this.entries[key] = change(this.entries[key]);
    this.pending.push({ key, change });
    const write = async (): Promise<void> => {
      try {
        const { stored, dropped } = await this.store.edit(STATUS_BOOK, async (book) => {
          const next = change(await book.get(key));
          book.set(key, next);
          const forget = isUnknownName(next) ? oldestUnknown({ ...(await book.all()), [key]: next }, this.limits.maxUnknown) : [];
          for (const old of forget) book.delete(old);
          return { stored: next, dropped: forget };
        });
        // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
        for (const old of dropped) delete this.entries[old];
        this.entries[key] = this.pending.slice(1).reduce((shown, later) => (later.key === key ? later.change(shown) : shown), stored);
      } finally {
        this.pending.shift();
      }
      await this.refresh();
    };
    const next = this.writing.then(write);
    this.writing = next.catch(() => undefined);
    return next;
  }

  /** Takes in what other processes recorded; what this one has not written yet stays on top. */
  private async refresh(): Promise<void> {
    const every = this.store.url === undefined ? 0 : SHARED_REFRESH_MS;
    if (this.refreshing !== undefined || Date.now() - this.refreshedAt < every) return;
    this.refreshing = (async () => {
      try {
        const stored = await this.store.all(STATUS_BOOK);
        this.refreshedAt = Date.now();
        for (const { key, change } of this.pending) stored[key] = change(stored[key]);
        this.entries = stored;
      } finally {
        this.refreshing = undefined;
      }
    })();
    await this.refreshing;
  }

  /**
   * With a shared store: takes in what other appliances recorded (at most
   * once a second), before a decision that depends on it. A state directory
   * has no other appliance.
   */
  async catchUp(): Promise<void> {
    if (this.store.url === undefined) return;
    await this.refreshing;
    await this.refresh();
  }

  flushed(): Promise<void> {
    return this.writing;
  }
}
