import { openBackupsForWriting, siteRemote, type BackupsDatabase, type BackupsLocation } from '../backups/index.js';
import { HostKeyStore } from '../device/index.js';
import { ImageServer, type ImageServerAddress } from '../firmware/index.js';
import { loadInventory, SiteFileError, type Inventory } from '../inventory/index.js';
import type { Logger } from '../log/index.js';
import type { SharedStore, StateStore } from '../state/index.js';
import type { FleetLocks, LockPolicy } from './job-locks.js';
import type { JobClaims } from './fleet-queue.js';
import type { JobObserver } from './observed-work.js';
import { restoreLearned } from './learned.js';
import { Onboarder } from './onboarder.js';
import { sshConnector, type DeviceConnector } from './session.js';

export interface CreateOnboarderOptions {
  sitesDir: string;
  templatesDir: string;
  state: StateStore;
  /** Where the state appliances share is kept; default `state`. */
  store?: SharedStore;
  logger: Logger;
  concurrency?: number;
  dryRun?: boolean;
  /** Defaults to real SSH sessions with host keys pinned in the state folder. */
  connector?: DeviceConnector;
  now?: () => number;
  /** Backup versions kept per device. */
  backupsKeep?: number;
  /** How jobs wait for a switch another onramp process holds. */
  locks?: LockPolicy;
  /** `--backups`: the state directory's files (default) or a git repository. */
  backups?: BackupsLocation;
  /** The shared store's database: backups go there unless `backups` says otherwise. */
  backupsDatabase?: BackupsDatabase;
  /** With a shared store: switch locks every appliance on it respects. */
  fleetLocks?: FleetLocks;
  /** With a shared store, for the appliance: the fleet's job queue. */
  claims?: JobClaims;
  /** `--backups-remote`: where the git store pushes; default the sites' `backups.remote`. */
  backupsRemote?: string;
  /** False for a one-shot command: no rule schedules backups there. */
  schedulesBackups?: boolean;
  /** Told of every check, provisioning and backup as it starts and ends (metrics). */
  jobObserver?: JobObserver;
  /** `--stop-timeout`: how long a stop may take. */
  stopTimeoutMs?: number;
  /** `--firmware-http ADDR:PORT`: serve the sites' image files there. */
  firmwareHttp?: ImageServerAddress;
  /** A site image onramp must serve without `firmwareHttp` is a start-up error (the daemon), not a failed upgrade later. */
  requireFirmwareHttp?: boolean;
  /** `--firmware-timeout`: how long a reloaded switch has to come back, for every site. */
  firmwareReturnTimeoutMs?: number;
}

/** With no image server, a site image that onramp would serve is a problem to stop at, at its line. */
function unservedImages(inventory: Inventory): SiteFileError | undefined {
  const problems = inventory.sites.flatMap((site) => site.firmware.flatMap((target) => target.image.kind !== 'file' ? [] : [{
    file: site.file, path: `firmware.${target.model}.image`,
    message: `${target.image.path} is served by onramp: give onramp run --firmware-http ADDR:PORT (the address switches fetch it from), or an http(s):// URL`,
    ...(target.source.line === undefined ? {} : { line: target.source.line }),
  }]));
  return problems.length === 0 ? undefined : new SiteFileError(problems);
}

/**
 * Loads and validates every site (throws SiteFileError listing all
 * problems), restores switches provisioned earlier, and returns the sink.
 */
export async function createOnboarder(options: CreateOnboarderOptions): Promise<Onboarder> {
  const inventory = await loadInventory(options.sitesDir, options.templatesDir);
  const store = options.store ?? options.state;
  await restoreLearned(store, inventory);
  const remote = options.backupsRemote ?? siteRemote(inventory.sites);
  if (options.backups?.store !== 'git' && options.backupsRemote === undefined && remote !== undefined) {
    options.logger.warn({ remote }, 'backups.remote names a git remote, but backups are in the state directory (give --backups git:DIR): nothing is pushed');
  }
  const hostKeys = new HostKeyStore(store, options.sitesDir);
  const connector = options.connector ?? sshConnector({ hostKeys, logger: options.logger });
  if (options.requireFirmwareHttp === true && options.firmwareHttp === undefined) {
    const unserved = unservedImages(inventory);
    if (unserved !== undefined) throw unserved;
  }
  const imageServer = options.firmwareHttp === undefined ? undefined : await ImageServer.start(options.firmwareHttp, options.logger);
  imageServer?.publish(inventory.sites);
  try {
    return await Onboarder.create({
      inventory, state: options.state, store, logger: options.logger, connector, hostKeys,
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(options.dryRun === undefined ? {} : { dryRun: options.dryRun }),
      ...(options.now === undefined ? {} : { now: options.now }),
      ...(options.backupsKeep === undefined ? {} : { backupsKeep: options.backupsKeep }),
      ...(options.locks === undefined && options.fleetLocks === undefined ? {} : {
        locks: { ...options.locks, ...(options.fleetLocks === undefined ? {} : { fleet: options.fleetLocks }) },
      }),
      ...(options.claims === undefined ? {} : { claims: options.claims }),
      ...(options.schedulesBackups === undefined ? {} : { schedulesBackups: options.schedulesBackups }),
      ...(options.jobObserver === undefined ? {} : { jobObserver: options.jobObserver }),
      ...(options.stopTimeoutMs === undefined ? {} : { stopTimeoutMs: options.stopTimeoutMs }),
      ...(options.backups === undefined && options.backupsDatabase === undefined ? {} : { backups: await openBackupsForWriting(options.state, {
        ...(options.backups === undefined ? {} : { location: options.backups }),
        ...(options.backupsDatabase === undefined ? {} : { database: options.backupsDatabase }),
        logger: options.logger,
        ...(options.backupsKeep === undefined ? {} : { keep: options.backupsKeep }),
        ...(remote === undefined ? {} : { remote }),
      }) }),
      ...(imageServer === undefined ? {} : { imageServer }),
      ...(options.firmwareReturnTimeoutMs === undefined ? {} : { firmwareReturnTimeoutMs: options.firmwareReturnTimeoutMs }),
    });
  } catch (err) {
    await imageServer?.close();
    throw err;
  }
}
