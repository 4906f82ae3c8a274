import { readRuleStats, type RuleStats } from '../agent/rule-stats.js';
import { openBackupsForReading, type BackupsLocation, type VersionStore } from '../backups/index.js';
import { HostKeyStore, type HostKeyListing } from '../device/index.js';
import { loadInventory, type Site } from '../inventory/index.js';
import { readJournal, readLastDrifts, journalPath, type EventJournal } from '../journal/index.js';
import { parseEntry } from '../journal/index.js';
import type { Logger } from '../log/index.js';
import { readStatus, restoreLearned, VerifiedIdentities, type DeviceStatus, type Onboarder, type VerifiedIdentity } from '../onboard/index.js';
import type { StateStore } from '../state/index.js';
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
  ruleStats(): RuleStats;
}

interface Shared {
  state: StateStore;
  backups: BackupsLocation | undefined;
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
  const identities = new VerifiedIdentities(shared.state);
  return {
    journal: shared.journal,
    hostKeys: () => new HostKeyStore(shared.state).list(),
    identity: (hostname) => identities.get(hostname),
    backups: () => openBackupsForReading(shared.state, shared.backups),
  };
}

/** The console inside `onramp run`: the onboarder's own inventory and status book, the journal as it is written. */
export async function liveSource(appliance: LiveAppliance, options: { state: StateStore; sitesDir: string; backups?: BackupsLocation; logger: Logger }): Promise<ConsoleSource> {
  const journal = await loadedJournal(options.state, options.logger);
  const stop = appliance.journal.listen((entry) => { journal.add(entry); });
  return {
    mode: 'live',
    ...common({ state: options.state, backups: options.backups, journal }),
    actions: applianceActions(() => appliance.onboarder, options.state, options.sitesDir),
    sites: () => appliance.onboarder?.sites ?? [],
    statuses: async () => appliance.onboarder?.status.all() ?? readStatus(options.state),
    ruleStats: () => Promise.resolve(appliance.ruleStats()),
    metrics: appliance.metrics,
    close: () => {
      stop();
      return Promise.resolve();
    },
  };
}

/**
 * `onramp console --state DIR`: the state directory of an appliance that
 * runs elsewhere (or not at all), read as it is written; the journal is
 * followed, so the pages stay live while that appliance runs.
 */
export async function stateSource(options: {
  state: StateStore; sitesDir: string; templatesDir: string; backups?: BackupsLocation; logger: Logger;
}): Promise<ConsoleSource> {
  const inventory = await loadInventory(options.sitesDir, options.templatesDir);
  await restoreLearned(options.state, inventory);
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
  const metrics = createMetrics(stateDirSource({ state: options.state, expected: () => inventory.expectedDevices() }));
  return {
    mode: 'read-only',
    ...common({ state: options.state, backups: options.backups, journal }),
    actions: readOnlyActions(`read-only console on the state directory ${options.state.root}: actions are taken by the onramp run that works on it (onramp check, backup, hostkeys accept)`),
    sites: () => inventory.sites,
    statuses: () => readStatus(options.state),
    ruleStats: () => readRuleStats(options.state),
    metrics,
    close: () => follower.stop(),
  };
}
