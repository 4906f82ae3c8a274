import { readRuleStats, type RuleStats } from '../agent/rule-stats.js';
import { openBackupsForReading, type BackupsDatabase, type BackupsLocation, type VersionStore } from '../backups/index.js';
import { HostKeyStore, type HostKeyListing } from '../device/index.js';
import { loadInventory, type Site } from '../inventory/index.js';
import { readJournal, readLastDrifts, journalPath, type EventJournal } from '../journal/index.js';
import { parseEntry } from '../journal/index.js';
import type { Logger } from '../log/index.js';
import { readStatus, restoreLearned, VerifiedIdentities, type DeviceStatus, type Onboarder, type VerifiedIdentity } from '../onboard/index.js';
import type { SharedStore, StateStore } from '../state/index.js';
import { applianceActions, readOnlyActions, type ConsoleActions } from './actions.js';
import type { MetricsEndpoint } from './metrics-route.js';
import { JournalIndex } from './journal-index.js';

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
  ruleStats(): RuleStats;
}

/** What a console reads besides the appliance: the state directory, and the shared store when there is one. */
export interface ConsoleStores {
  state: StateStore;
  /** Default: the state directory. */
  store?: SharedStore;
  backups?: BackupsLocation;
  backupsDatabase?: BackupsDatabase;
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

/** The console inside `onramp run`: the onboarder's own inventory and status book, the journal as it is written. */
export async function liveSource(appliance: LiveAppliance, options: { state: StateStore; sitesDir: string; backups?: BackupsLocation; logger: Logger }): Promise<ConsoleSource> {
  const journal = await loadedJournal(options.state, options.logger);
  const stop = appliance.journal.listen((entry) => { journal.add(entry); });
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
    close: () => {
      stop();
      return Promise.resolve();
    },
  };
}

/**
 * `onramp console --state DIR [--store URL]`: the state directory of an
 * appliance that runs elsewhere (or not at all), read as it is written; the
 * journal is followed, so the pages stay live while that appliance runs.
 * With a shared database, the status, host keys, identities and backups of
 * every appliance on it.
 */
export async function stateSource(options: ConsoleStores & { sitesDir: string; templatesDir: string; logger: Logger }): Promise<ConsoleSource> {
  const store: SharedStore = options.store ?? options.state;
  const inventory = await loadInventory(options.sitesDir, options.templatesDir);
  await restoreLearned(store, inventory);
  const journal = await loadedJournal(options.state, options.logger);
  const { tailFile } = await import('../input/index.js');
  const follower = tailFile({
    path: journalPath(options.state), fromStart: false, follow: true, logger: options.logger, encoding: 'utf8',
    onLine: (line) => {
      const entry = parseEntry(line);
      if (entry !== undefined) journal.add(entry);
    },
  });
  await follower.start();
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
    close: () => follower.stop(),
  };
}
