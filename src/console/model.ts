import { isIPv4 } from 'node:net';
import { subnetContains, type PortmapEntry, type Site } from '../inventory/index.js';
import { Events } from '../log/index.js';
import type { JournalEntry } from '../journal/index.js';
import type { DeviceStatus } from '../onboard/index.js';
import { bucketOf, stateOf, type DeviceState } from './device-state.js';
import type { JournalIndex, LiveState } from './journal-index.js';
import type {
  Counts, DeviceDetail, DeviceRow, Drift, EventView, FactoryRow, OsView, PortRow, SiteDetail, SiteSummary,
} from './schemas.js';
import type { ConsoleSource } from './source.js';

/** A status record written this long after the journal's latest event is still that event's outcome. */
const SAME_OUTCOME_MS = 5_000;

interface Standing {
  state: DeviceState;
  since?: string;
  lastEvent?: string;
  message?: string;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Where a device stands: the journal's latest event, unless the status book knows of something newer. */
function standing(live: LiveState | undefined, status: DeviceStatus | undefined): Standing | undefined {
  const statusTime = status === undefined ? NaN : Date.parse(status.time);
  if (live !== undefined && (status === undefined || !(live.time + SAME_OUTCOME_MS < statusTime))) {
    return { state: live.state, since: iso(live.time), lastEvent: live.event, ...(live.msg === undefined ? {} : { message: firstLine(live.msg) }) };
  }
  if (status === undefined) return undefined;
  return {
    state: stateOf(status), since: status.time, lastEvent: status.lastEvent, ...(status.message === undefined ? {} : { message: firstLine(status.message) }),
  };
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

function emptyCounts(): Counts {
  return { ok: 0, drift: 0, provisioning: 0, failed: 0, unknown: 0 };
}

export function eventView(entry: JournalEntry): EventView {
  return {
    time: iso(entry.time), event: entry.event, level: entry.level,
    ...(entry.msg === undefined ? {} : { msg: entry.msg }),
    ...(entry.device === undefined ? {} : { device: entry.device }),
    ...(entry.site === undefined ? {} : { site: entry.site }),
    ...(entry.ip === undefined ? {} : { ip: entry.ip }),
    ...(entry.mac === undefined ? {} : { mac: entry.mac }),
    ...(entry.result === undefined ? {} : { result: entry.result }),
    ...(entry.appliance === undefined ? {} : { appliance: entry.appliance }),
    ...(entry.details === undefined ? {} : { details: entry.details }),
  };
}

function driftOf(entry: JournalEntry | undefined): Drift | undefined {
  const details = entry?.details;
  if (entry === undefined || details === undefined || typeof details.diff !== 'string') return undefined;
  return {
    time: iso(entry.time), diff: details.diff,
    added: typeof details.added === 'number' ? details.added : 0, removed: typeof details.removed === 'number' ? details.removed : 0,
  };
}

/** Its OS version: what the last firmware check found, else what `show version` said when onramp last reached it. */
function osOf(status: DeviceStatus | undefined): OsView | undefined {
  const firmware = status?.firmware;
  const version = firmware?.running ?? status?.facts?.version;
  if (firmware === undefined) return version === undefined ? undefined : { version };
  return {
    ...(version === undefined ? {} : { version }), wanted: firmware.wanted, compliant: firmware.compliant,
    ...(firmware.upgradedFrom === undefined ? {} : { upgradedFrom: firmware.upgradedFrom }),
  };
}

/**
 * The pages' and the API's view of the sites, built on each request from
 * the source: the sites' devices and port maps, the status book, and the
 * journal's latest word on each device.
 */
export class ConsoleModel {
  constructor(readonly source: ConsoleSource) {}

  private get journal(): JournalIndex {
    return this.source.journal;
  }

  private async statusMap(): Promise<Map<string, DeviceStatus>> {
    return new Map((await this.source.statuses()).map((status) => [status.device.toLowerCase(), status]));
  }

  async siteSummaries(): Promise<SiteSummary[]> {
    const statuses = await this.statusMap();
    return this.source.sites().map((site) => {
      const detail = this.siteOf(site, statuses);
      return { name: site.name, counts: detail.counts, devices: detail.devices.length + detail.portmap.filter((row) => !this.isDevice(site, row.hostname)).length };
    });
  }

  async site(name: string): Promise<SiteDetail | undefined> {
    const site = this.source.sites().find((candidate) => candidate.name === name);
    return site === undefined ? undefined : this.siteOf(site, await this.statusMap());
  }

  async devices(): Promise<DeviceRow[]> {
    const statuses = await this.statusMap();
    const rows = this.source.sites().flatMap((site) => this.siteOf(site, statuses).devices);
    const listed = new Set(rows.map((row) => row.device.toLowerCase()));
    // Seen, but in no site: unknown hostnames and factory switches not identified.
    for (const status of statuses.values()) {
      if (listed.has(status.device.toLowerCase())) continue;
      rows.push(this.row(status.device, undefined, undefined, status));
    }
    return rows;
  }

  async device(name: string): Promise<DeviceDetail | undefined> {
    const key = name.toLowerCase();
    const statuses = await this.statusMap();
    const status = statuses.get(key);
    const found = this.source.sites().flatMap((site) => site.devices.map((device) => ({ site, device }))).find(({ device }) => device.hostname.toLowerCase() === key);
    const mapped = found === undefined
      ? this.source.sites().flatMap((site) => site.portmap.map((entry) => ({ site, entry }))).find(({ entry }) => entry.hostname.toLowerCase() === key)
      : undefined;
    if (status === undefined && found === undefined && mapped === undefined && this.journal.timeline(key, 1).length === 0) return undefined;
    const hostname = found?.device.hostname ?? mapped?.entry.hostname ?? status?.device ?? name;
    const now = standing(this.journal.state(key), status) ?? { state: 'waiting' as const };
    const identity = await this.source.identity(hostname);
    const pins = await this.source.hostKeys();
    const pin = pins.find((candidate) => candidate.owner.toLowerCase() === key);
    const refused = this.journal.timeline(key).find((entry) => entry.event === Events.hostkeyChanged);
    const refusedKey = typeof refused?.details?.fingerprint === 'string' && refused.details.fingerprint !== pin?.fingerprint
      ? { fingerprint: refused.details.fingerprint, time: iso(refused.time), ...(typeof refused.details.pinned === 'string' ? { pinned: refused.details.pinned } : {}) }
      : undefined;
    const drift = driftOf(this.journal.lastDrift(key));
    const ip = status?.ip ?? identity?.ip ?? found?.device.ip;
    const mac = status?.mac ?? identity?.mac ?? found?.device.mac ?? mapped?.entry.mac;
    const site = found?.site.name ?? mapped?.site.name ?? status?.site;
    const model = found?.device.model ?? mapped?.entry.model;
    const profile = found?.device.profile ?? mapped?.entry.profile;
    const facts = status?.facts;
    const os = osOf(status);
    return {
      device: hostname,
      ...(site === undefined ? {} : { site }),
      ...(ip === undefined ? {} : { ip }),
      ...(mac === undefined || mac === '' ? {} : { mac }),
      ...(model === undefined ? {} : { model }),
      ...(profile === undefined ? {} : { profile }),
      ...(facts?.serial === undefined ? {} : { serial: facts.serial }),
      ...(facts?.model === undefined ? {} : { reportedModel: facts.model }),
      ...(os === undefined ? {} : { os }),
      ...(status?.appliance === undefined ? {} : { appliance: status.appliance }),
      ...now,
      ...(status === undefined ? {} : { result: status.result }),
      ...(status?.message === undefined ? {} : { message: status.message }),
      ...(pin === undefined ? {} : { hostKey: { fingerprint: pin.fingerprint, source: pin.source, pinnedAt: pin.pinnedAt, ...(pin.address === undefined ? {} : { address: pin.address }) } }),
      ...(refusedKey === undefined ? {} : { refusedKey }),
      ...(drift === undefined ? {} : { lastDrift: drift }),
      ...(status?.plan === undefined ? {} : { plan: status.plan }),
      ...(status?.features === undefined ? {} : { features: status.features }),
    };
  }

  events(device: string | undefined, limit: number): EventView[] {
    return (device === undefined ? this.journal.recent(limit) : this.journal.timeline(device, limit)).map(eventView);
  }

  private isDevice(site: Site, hostname: string): boolean {
    return site.devices.some((device) => device.hostname.toLowerCase() === hostname.toLowerCase());
  }

  private row(device: string, site: Site | undefined, model: string | undefined, status: DeviceStatus | undefined, ip?: string): DeviceRow {
    const now = standing(this.journal.state(device.toLowerCase()), status) ?? { state: 'waiting' as const };
    const address = status?.ip ?? ip;
    return {
      device,
      ...(site === undefined ? (status?.site === undefined ? {} : { site: status.site }) : { site: site.name }),
      ...(address === undefined ? {} : { ip: address }),
      ...(model === undefined ? {} : { model }),
      ...now,
    };
  }

  private portRow(site: Site, entry: PortmapEntry, statuses: Map<string, DeviceStatus>): PortRow {
    const key = entry.hostname.toLowerCase();
    const status = statuses.get(key);
    const byMac = entry.mac === undefined ? undefined : this.journal.state(`mac:${entry.mac}`);
    const now = standing(this.journal.state(key), status) ?? (byMac === undefined ? { state: 'waiting' as const } : standing(byMac, undefined)) ?? { state: 'waiting' as const };
    const device = site.devices.find((candidate) => candidate.hostname.toLowerCase() === key);
    const ip = status?.ip ?? device?.ip;
    return {
      ...(entry.uplink === undefined ? {} : { uplink: { device: entry.uplink.device, port: entry.uplink.port } }),
      ...(entry.mac === undefined ? {} : { mac: entry.mac }),
      ...(entry.circuitId === undefined ? {} : { circuitId: entry.circuitId }),
      ...(entry.remoteId === undefined ? {} : { remoteId: entry.remoteId }),
      hostname: entry.hostname, model: entry.model,
      ...(ip === undefined ? {} : { ip }),
      ...now,
    };
  }

  private siteOf(site: Site, statuses: Map<string, DeviceStatus>): SiteDetail {
    const mapped = new Set(site.portmap.map((entry) => entry.hostname.toLowerCase()));
    const devices = site.devices.filter((device) => !mapped.has(device.hostname.toLowerCase()))
      .map((device) => this.row(device.hostname, site, device.model, statuses.get(device.hostname.toLowerCase()), device.ip));
    const portmap = site.portmap.map((entry) => this.portRow(site, entry, statuses));
    const factory: FactoryRow[] = [];
    for (const seen of this.journal.factorySwitches()) {
      if (seen.became !== undefined && mapped.has(seen.became)) continue;
      if (site.portmap.some((entry) => entry.mac === seen.mac)) continue;
      const status = statuses.get(`switch ${seen.mac}`);
      if (status !== undefined && status.site !== site.name) continue;
      if (status === undefined && !this.seenAt(site, seen.key)) continue;
      factory.push({
        mac: seen.mac, state: seen.live.state, since: iso(seen.live.time),
        ...(seen.live.msg === undefined ? {} : { message: firstLine(seen.live.msg) }), ...(seen.became === undefined ? {} : { became: seen.became }),
      });
    }
    const counts = emptyCounts();
    for (const row of [...devices, ...portmap]) counts[bucketOf(row.state)]++;
    return { name: site.name, counts, devices, portmap, factory };
  }

  /** A factory switch whose lease was in one of the site's subnets. */
  private seenAt(site: Site, key: string): boolean {
    const ip = this.journal.timeline(key, 20).find((entry) => entry.ip !== undefined)?.ip;
    return ip !== undefined && isIPv4(ip) && site.subnets.some((subnet) => subnetContains(subnet, ip));
  }
}
