import { openBackupsForWriting, type BackupsLocation } from '../backups/index.js';
import { HostKeyStore } from '../device/index.js';
import { loadInventory } from '../inventory/index.js';
import type { Logger } from '../log/index.js';
import type { StateStore } from '../state/index.js';
import type { LockPolicy } from './job-locks.js';
import type { JobObserver } from './observed-work.js';
import { restoreLearned } from './learned.js';
import { Onboarder } from './onboarder.js';
import { sshConnector, type DeviceConnector } from './session.js';

export interface CreateOnboarderOptions {
  sitesDir: string;
  templatesDir: string;
  state: StateStore;
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
  /** `--backups-remote`: where the git store pushes. */
  backupsRemote?: string;
  /** False for a one-shot command: no rule schedules backups there. */
  schedulesBackups?: boolean;
  /** Told of every check, provisioning and backup as it starts and ends (metrics). */
  jobObserver?: JobObserver;
  /** `--stop-timeout`: how long a stop may take. */
  stopTimeoutMs?: number;
}

/**
 * Loads and validates every site (throws SiteFileError listing all
 * problems), restores switches provisioned earlier, and returns the sink.
 */
export async function createOnboarder(options: CreateOnboarderOptions): Promise<Onboarder> {
  const inventory = await loadInventory(options.sitesDir, options.templatesDir);
  await restoreLearned(options.state, inventory);
  const hostKeys = new HostKeyStore(options.state, options.sitesDir);
  const connector = options.connector ?? sshConnector({ hostKeys, logger: options.logger });
  const onboarder = await Onboarder.create({
    inventory, state: options.state, logger: options.logger, connector, hostKeys,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.dryRun === undefined ? {} : { dryRun: options.dryRun }),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.backupsKeep === undefined ? {} : { backupsKeep: options.backupsKeep }),
    ...(options.locks === undefined ? {} : { locks: options.locks }),
    ...(options.schedulesBackups === undefined ? {} : { schedulesBackups: options.schedulesBackups }),
    ...(options.jobObserver === undefined ? {} : { jobObserver: options.jobObserver }),
    ...(options.stopTimeoutMs === undefined ? {} : { stopTimeoutMs: options.stopTimeoutMs }),
    ...(options.backups === undefined ? {} : { backups: await openBackupsForWriting(options.state, {
      location: options.backups, logger: options.logger,
      ...(options.backupsKeep === undefined ? {} : { keep: options.backupsKeep }),
      ...(options.backupsRemote === undefined ? {} : { remote: options.backupsRemote }),
    }) }),
  });
  return onboarder;
}
