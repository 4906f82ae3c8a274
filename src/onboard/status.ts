import { Events, type Result } from '../log/index.js';
import type { StateStore } from '../state/index.js';
import { stateAfter, stateOf, type DeviceState } from './device-state.js';

const STATUS_FILE = ['status.json'];

export type Action = 'check' | 'remediate' | 'provision' | 'identify' | 'backup' | 'report' | 'restore';

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
}

export type StatusFile = Record<string, DeviceStatus>;

/** Every device seen, keyed by lower-case name (or `mac-…` for a switch not yet identified). */
export async function readStatus(state: StateStore): Promise<DeviceStatus[]> {
  const file = await state.readJson<StatusFile>(STATUS_FILE, {});
  return Object.values(file).sort((a, b) => a.device.localeCompare(b.device));
}

/** One update of the status file: applied to this process's copy at once, and to the file as it is on disk. */
type StatusChange = (entries: StatusFile) => void;

/**
 * The status file. This process's copy answers get() and all() at once;
 * every change is also applied to the file as it is on disk, under the
 * file's lock, so that the daemon and a one-shot command recording at the
 * same moment both keep their update. Changes are written in the order
 * they were made.
 */
export class StatusBook {
  private entries: StatusFile = {};
  /** Changes made here and not yet on disk, oldest first. */
  private readonly pending: StatusChange[] = [];
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly state: StateStore) {}

  async load(): Promise<void> {
    this.entries = await this.state.readJson<StatusFile>(STATUS_FILE, {});
  }

  get(device: string): DeviceStatus | undefined {
    return this.entries[device.toLowerCase()];
  }

  all(): DeviceStatus[] {
    return Object.values(this.entries);
  }

  /** Records an outcome; resolves once it is on disk. */
  record(status: DeviceStatus): Promise<void> {
    const key = status.device.toLowerCase();
    return this.change((entries) => {
      const previous = entries[key];
      // A later check or provisioning does not hide the last backup execution, nor a check the last plan,
      // nor any outcome the last lease refused for this device, nor a failure when it was last checked.
      const execution = status.execution ?? previous?.execution;
      const plan = status.plan ?? previous?.plan;
      const refusedLease = status.refusedLease ?? previous?.refusedLease;
      const checkedAt = status.checkedAt ?? previous?.checkedAt;
      entries[key] = {
        ...status, state: stateAfter(previous === undefined ? undefined : stateOf(previous), status),
        ...(checkedAt === undefined ? {} : { checkedAt }),
        ...(execution === undefined ? {} : { execution }), ...(plan === undefined ? {} : { plan }), ...(refusedLease === undefined ? {} : { refusedLease }),
      };
    });
  }

  /**
   * Notes a refused lease beside the device's last outcome, which it does not
   * change: address, MAC, result and check time stay what they were.
   */
  noteRefusedLease(device: string, site: string, lease: RefusedLease): Promise<void> {
    const key = device.toLowerCase();
    return this.change((entries) => {
      const current = entries[key];
      entries[key] = current === undefined
        ? { device, site, lastEvent: Events.identityMismatch, action: 'report', result: 'skipped', state: 'refused', time: lease.time, refusedLease: lease }
        : { ...current, refusedLease: lease };
    });
  }

  private change(change: StatusChange): Promise<void> {
    change(this.entries);
    this.pending.push(change);
    const write = async (): Promise<void> => {
      try {
        await this.state.exclusive(STATUS_FILE, async () => {
          const onDisk = await this.state.readJson<StatusFile>(STATUS_FILE, {});
          change(onDisk);
          await this.state.writeJson(STATUS_FILE, onDisk);
          // What other processes recorded shows here too; what this one has not written yet stays on top.
          for (const later of this.pending.slice(1)) later(onDisk);
          this.entries = onDisk;
        });
      } finally {
        this.pending.shift();
      }
    };
    const next = this.writing.then(write);
    this.writing = next.catch(() => undefined);
    return next;
  }

  flushed(): Promise<void> {
    return this.writing;
  }
}
