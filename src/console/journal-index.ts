import { canonicalMac } from '../inventory/index.js';
import { Events } from '../log/index.js';
import type { JournalEntry } from '../journal/index.js';
import { stateAfter, type DeviceState } from './device-state.js';

const RECENT = 200;
const PER_DEVICE = 300;
const FACTORY_PREFIX = 'switch ';

export interface LiveState {
  state: DeviceState;
  time: number;
  event: string;
  msg?: string;
}

/** A device's state changed: what the site page and the event stream are told. */
export interface StateChange extends LiveState {
  /** The device's key: its lower-case hostname, or `mac:…` for a factory switch not yet identified. */
  key: string;
  device: string;
  site?: string;
  /** A factory switch's key: the hostname it was identified as, once it was. */
  became?: string;
}

/** The key of the device an entry is about: a hostname, or a factory switch's MAC. */
function keyOf(entry: JournalEntry): string | undefined {
  const device = entry.device;
  if (device === undefined) return undefined;
  const lower = device.toLowerCase();
  if (lower === 'switch' || lower.startsWith(FACTORY_PREFIX)) {
    const mac = canonicalMac(entry.mac ?? lower.slice(FACTORY_PREFIX.length));
    return mac === undefined ? undefined : `mac:${mac}`;
  }
  return lower;
}

/**
 * The journal in memory, for the pages: the latest events, each device's
 * timeline, its last drift and where it stands now. Fed once with the
 * journal's contents and then entry by entry as they are logged.
 */
export class JournalIndex {
  private readonly recentEntries: JournalEntry[] = [];
  private readonly byDevice = new Map<string, JournalEntry[]>();
  private readonly drifts = new Map<string, JournalEntry>();
  private readonly states = new Map<string, LiveState>();
  /** A factory switch's MAC → the hostname it was identified as. */
  private readonly identified = new Map<string, string>();
  private readonly listeners = new Set<(entry: JournalEntry, changes: StateChange[]) => void>();
  private seq = 0;

  /** How many entries were added: the id of the last one. */
  get last(): number {
    return this.seq;
  }

  add(entry: JournalEntry): void {
    this.seq++;
    this.recentEntries.push(entry);
    if (this.recentEntries.length > RECENT * 2) this.recentEntries.splice(0, this.recentEntries.length - RECENT);
    const changes: StateChange[] = [];
    const key = keyOf(entry);
    if (key !== undefined) {
      const timeline = this.byDevice.get(key) ?? [];
      timeline.push(entry);
      if (timeline.length > PER_DEVICE * 2) timeline.splice(0, timeline.length - PER_DEVICE);
      this.byDevice.set(key, timeline);
      if (entry.event === Events.checkDrift) this.drifts.set(key, entry);
      const state = stateAfter(entry);
      const hostname = entry.details?.hostname;
      const identified = entry.event === Events.identityFound && key.startsWith('mac:') && typeof hostname === 'string' && state !== undefined;
      if (identified) this.identified.set(key, hostname.toLowerCase());
      const became = this.identified.get(key);
      if (state !== undefined) changes.push({ ...this.move(key, entry.device ?? key, entry, state), ...(became === undefined ? {} : { became }) });
      // Identified: the port map entry it became moves too.
      if (identified) changes.push(this.move(hostname.toLowerCase(), hostname, entry, state));
    }
    for (const listener of this.listeners) listener(entry, changes);
  }

  /** Last drift entries kept apart from the journal (they outlive its rotation). */
  addDrift(entry: JournalEntry): void {
    const key = keyOf(entry);
    if (key === undefined) return;
    const known = this.drifts.get(key);
    if (known === undefined || known.time < entry.time) this.drifts.set(key, entry);
  }

  listen(listener: (entry: JournalEntry, changes: StateChange[]) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  /** The newest entries, newest first. */
  recent(limit = 50): JournalEntry[] {
    return this.recentEntries.slice(-limit).reverse();
  }

  /** A device's events, newest first. */
  timeline(device: string, limit = 100): JournalEntry[] {
    return (this.byDevice.get(device.toLowerCase()) ?? []).slice(-limit).reverse();
  }

  lastDrift(device: string): JournalEntry | undefined {
    return this.drifts.get(device.toLowerCase());
  }

  /** Where the device stands by its latest event; `key` is a lower-case hostname or `mac:…`. */
  state(key: string): LiveState | undefined {
    return this.states.get(key);
  }

  /** The factory switches seen (by MAC) and what each became, when it was identified. */
  factorySwitches(): { key: string; mac: string; became?: string; live: LiveState }[] {
    const found: { key: string; mac: string; became?: string; live: LiveState }[] = [];
    for (const [key, live] of this.states) {
      if (!key.startsWith('mac:')) continue;
      const became = this.identified.get(key);
      found.push({ key, mac: key.slice(4), live, ...(became === undefined ? {} : { became }) });
    }
    return found;
  }

  /** The hostname a factory switch was identified as. */
  identifiedAs(key: string): string | undefined {
    return this.identified.get(key);
  }

  private move(key: string, device: string, entry: JournalEntry, state: DeviceState): StateChange {
    const live: LiveState = { state, time: entry.time, event: entry.event, ...(entry.msg === undefined ? {} : { msg: entry.msg }) };
    this.states.set(key, live);
    return { key, device, ...(entry.site === undefined ? {} : { site: entry.site }), ...live };
  }
}
