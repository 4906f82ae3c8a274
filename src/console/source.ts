import { readRuleStats, type RuleStats } from '../agent/rule-stats.js';
import { openBackupsForReading, type BackupsDatabase, type BackupsLocation, type VersionStore } from '../backups/index.js';
import { HostKeyStore, type HostKeyListing } from '../device/index.js';
import { loadInventory, type Site } from '../inventory/index.js';
import { readJournal, readLastDrifts, journalPath, parseEntry, type EventJournal, type SharedTimeline } from '../journal/index.js';
import type { Logger } from '../log/index.js';
import { readStatus, restoreLearned, VerifiedIdentities, type DeviceStatus, type Onboarder, type VerifiedIdentity } from '../onboard/index.js';
import type { SharedStore, StateStore } from '../state/index.js';
import { applianceActions, readOnlyActions, type ConsoleActions } from './actions.js';
import type { MetricsEndpoint } from './metrics-route.js';
import { JournalIndex } from './journal-index.js';
import { followTimeline, loadTimeline } from './timeline-follower.js';

/** Everything the pages and the API read, and the actions they may take. */
export interface ConsoleSource {
  /** `live`: inside `onramp run`; `read-only`: `onramp console` on a state directory. */
  readonly mode: 'live' | 'read-only';
  readonly journal: JournalIndex;
  readonly actions: ConsoleActions;
  sites(): readonly Site[];
  statuses(): Promise<DeviceStatus[]>;
  hostKeys(): Promise<HostKeyListing[]>;
  identity(hostname: string): Promise<VerifiedIdentity | undefined>;
  backups(): Promise<VersionStore>;
  ruleStats(): Promise<RuleStats | undefined>;
  /** What `/metrics` serves. */
  readonly metrics: MetricsEndpoint | undefined;
  close(): Promise<void>;
}

/** The parts of the running appliance the console reads. */
export interface LiveAppliance {
  readonly onboarder: Onboarder | undefined;
  readonly journal: EventJournal;
  readonly metrics: MetricsEndpoint | undefined;
  /** Where its status, host keys and identities are: its state directory, or the database it shares with others. */
  readonly store: SharedStore;
  /** With a database: where the backups are, unless --backups names a place. */
  readonly backupsDatabase: BackupsDatabase | undefined;
  /** With a database: the events of every appliance on it. */
  readonly timeline: SharedTimeline | undefined;
  ruleStats(): RuleStats;
}

/** What a console reads besides the appliance: the state directory, and the shared store when there is one. */
export interface ConsoleStores {
  state: StateStore;
  /** Default: the state directory. */
  store?: SharedStore;
  backups?: BackupsLocation;
  backupsDatabase?: BackupsDatabase;
  /** With a database: the fleet's timeline, shown instead of the state directory's journal. */
  timeline?: SharedTimeline;
}

interface Shared extends ConsoleStores {
  journal: JournalIndex;
}

async function loadedJournal(state: StateStore, logger: Logger): Promise<JournalIndex> {
  const index = new JournalIndex();
  const { entries, skipped } = await readJournal(state);
  if (skipped > 0) logger.warn({ skipped }, `${String(skipped)} line(s) of the event journal are not events; passed over`);
  for (const entry of entries) index.add(entry);
  for (const drift of await readLastDrifts(state)) index.addDrift(drift);
  return index;
}

function common(shared: Shared): Pick<ConsoleSource, 'journal' | 'hostKeys' | 'identity' | 'backups'> {
  const store = shared.store ?? shared.state;
  const identities = new VerifiedIdentities(store);
  return {
    journal: shared.journal,
    hostKeys: () => new HostKeyStore(store).list(),
    identity: (hostname) => identities.get(hostname),
    backups: () => openBackupsForReading(shared.state, shared.backups, shared.backupsDatabase),
  };
}

/**
 * The console inside `onramp run`: the onboarder's own inventory and status
 * book, the journal as it is written; with a shared database, the fleet's
 * timeline, this appliance's entries as they are logged and the others'
 * as they are recorded.
 */
export async function liveSource(appliance: LiveAppliance, options: { state: StateStore; sitesDir: string; backups?: BackupsLocation; logger: Logger }): Promise<ConsoleSource> {
  const { timeline } = appliance;
  const journal = timeline === undefined ? await loadedJournal(options.state, options.logger) : new JournalIndex();
  const from = timeline === undefined ? 0 : await loadTimeline(timeline, journal);
  const stopListening = appliance.journal.listen((entry) => { journal.add(entry); });
  const stopFollowing = timeline === undefined ? undefined : followTimeline(timeline, journal, { from, skipOwn: true, logger: options.logger });
  const stores: ConsoleStores = {
    state: options.state, store: appliance.store,
    ...(options.backups === undefined ? {} : { backups: options.backups }),
    ...(appliance.backupsDatabase === undefined ? {} : { backupsDatabase: appliance.backupsDatabase }),
  };
  return {
    mode: 'live',
    ...common({ ...stores, journal }),
    actions: applianceActions(() => appliance.onboarder, appliance.store, options.sitesDir),
    sites: () => appliance.onboarder?.sites ?? [],
    statuses: async () => appliance.onboarder?.status.all() ?? readStatus(appliance.store),
    ruleStats: () => Promise.resolve(appliance.ruleStats()),
    metrics: appliance.metrics,
    close: async () => {
      stopListening();
      await stopFollowing?.();
    },
  };
}

/**
 * `onramp console --state DIR [--store URL]`: the state directory of an
 * appliance that runs elsewhere (or not at all), read as it is written; the
 * journal is followed, so the pages stay live while that appliance runs.
 * With a shared database, the status, host keys, identities, backups and
 * timeline of every appliance on it, the timeline followed as it grows.
 */
export async function stateSource(options: ConsoleStores & { sitesDir: string; templatesDir: string; logger: Logger }): Promise<ConsoleSource> {
  const store: SharedStore = options.store ?? options.state;
  const inventory = await loadInventory(options.sitesDir, options.templatesDir);
  await restoreLearned(store, inventory);
  const journal = options.timeline === undefined ? await loadedJournal(options.state, options.logger) : new JournalIndex();
  const stopFollowing = options.timeline === undefined
    ? await followJournal(options.state, journal, options.logger)
    : followTimeline(options.timeline, journal, { from: await loadTimeline(options.timeline, journal), skipOwn: false, logger: options.logger });
  const { createMetrics, stateDirSource } = await import('../metrics/index.js');
  const metrics = createMetrics(stateDirSource({ state: options.state, store, expected: () => inventory.expectedDevices() }));
  const where = store.url === undefined ? `the state directory ${options.state.root}` : `the database ${store.url}`;
  return {
    mode: 'read-only',
    ...common({ ...options, journal }),
    actions: readOnlyActions(`read-only console on ${where}: actions are taken by the onramp run that works on it (onramp check, backup, hostkeys accept)`),
    sites: () => inventory.sites,
    statuses: () => readStatus(store),
    ruleStats: () => readRuleStats(options.state),
    metrics,
    close: stopFollowing,
  };
}

/** Adds to `index` each entry appended to the state directory's journal; returns the function that stops it. */
async function followJournal(state: StateStore, index: JournalIndex, logger: Logger): Promise<() => Promise<void>> {
  const { tailFile } = await import('../input/index.js');
  const follower = tailFile({
    path: journalPath(state), fromStart: false, follow: true, logger, encoding: 'utf8',
    onLine: (line) => {
      const entry = parseEntry(line);
      if (entry !== undefined) index.add(entry);
    },
  });
  await follower.start();
  return () => follower.stop();
}
