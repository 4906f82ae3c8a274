import { isIPv4 } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { DhcpLease } from '../dhcp/index.js';
import { HostKeyStore } from '../device/index.js';
import type { LeaseDetails, NativeActionSink } from '../engine/index.js';
import { ExitCode } from '../exit-codes.js';
import { canonicalMac, inAllowedRange, type DeviceRef, type ExpectedDevice, type Inventory, type Site } from '../inventory/index.js';
import { Events, type Logger } from '../log/index.js';
import { isSafeName, type SharedStore, type StateStore } from '../state/index.js';
import { BackupStore, backupKeys, triggerOfLine, type BackupKey, type VersionStore } from '../backups/index.js';
import { ExecutionCounter } from './executions.js';
import type { FactoryLease } from './identity.js';
import { LearnedBook } from './learned.js';
import { LeaseGate } from './lease-gate.js';
import type { LeaseSeen } from './lease-identity.js';
import type { LockPolicy } from './job-locks.js';
import { JobScheduler, type SubmitResult } from './scheduler.js';
import type { DeviceConnector } from './session.js';
import { StatusBook } from './status.js';
import { VerifiedIdentities } from './verified-identities.js';
import { QUEUE_BOOK, saveQueue, takeQueue, type QueuedWork } from './work-queue.js';
import { FactoryWork } from './factory-work.js';
import { ReturnWatch } from './return-watch.js';
import { ImageChecker, type ImageServer } from '../firmware/index.js';
import { factoryKey, SETTLED, type Outcome, type WorkDeps } from './job-base.js';
import { ObservedFactoryWork, ObservedWork, type JobObserver } from './observed-work.js';
import { RestoreWork } from './restore-work.js';
import { ParkedSwitches } from './parked-switches.js';
import { DeviceWork } from './work.js';
import { FleetQueue, type JobClaims, type Resumption } from './fleet-queue.js';
import { HeldJobs } from './held-jobs.js';

export const DEFAULT_CONCURRENCY = 8;
/** How long a stop may take, as the systemd unit's TimeoutStopSec=360 allows: a push that cannot finish within it is rolled back. */
export const DEFAULT_STOP_TIMEOUT_MS = 360_000;
/** Kept back from the stop's time for what follows the jobs (the queue and input positions written, the log flushed). */
const STOP_MARGIN_MS = 5_000;
const FACTORY_HOSTNAME = 'switch';

/** A remediation's plan as a person is shown it: the exit code of its check, the lines (secrets masked), and the digest that confirms them. */
export interface PlanAnswer {
  exitCode: number;
  lines: string[];
  /** Absent when no plan was made (the device is in no site, could not be reached, or does not drift). */
  digest?: string;
  /** A confirmed plan that was not the plan now: nothing was sent, and these are the plan now. */
  changed?: true;
}

export interface OnboarderOptions {
  inventory: Inventory;
  /** This box's state directory. */
  state: StateStore;
  /** Where the state appliances share is kept (status, identities, host keys, learned switches, counters, queue); default `state`. */
  store?: SharedStore;
  logger: Logger;
  connector: DeviceConnector;
  /** Devices worked on at once, over all sites. */
  concurrency?: number;
  /** Decide and log, never connect. */
  dryRun?: boolean;
  /** ms since the epoch; injectable so tests control the renewal window. */
  now?: () => number;
  /** Backup versions kept per device (default DEFAULT_BACKUPS_KEEP). */
  backupsKeep?: number;
  /** Where backups go; default the state directory's files. */
  backups?: VersionStore;
  /** The keys of restorable sites; default each site's environment variable (a restorable site without one stops creation). */
  backupKeys?: ReadonlyMap<string, BackupKey>;
  /** How jobs wait for a switch another onramp process holds. */
  locks?: LockPolicy;
  /** With a shared store: the queue of the fleet, where each job is claimed before it is scheduled here. */
  claims?: JobClaims;
  /** The pins the connector checks host keys against; default the state directory's. */
  hostKeys?: HostKeyStore;
  /** Whether rules may schedule backups (the daemon; default): execution ids are then taken ahead (see ExecutionCounter). */
  schedulesBackups?: boolean;
  /** Told of every check, provisioning and backup as it starts and ends (metrics). */
  jobObserver?: JobObserver;
  /** How long a stop may take before the service manager kills onramp (`--stop-timeout`; default DEFAULT_STOP_TIMEOUT_MS). */
  stopTimeoutMs?: number;
  /** Serves the sites' image files (`--firmware-http`); closed with the onboarder. */
  imageServer?: ImageServer;
  /** `--firmware-timeout`: how long a reloaded switch has to come back, whatever its site says. */
  firmwareReturnTimeoutMs?: number;
}

/** Option-82 data a lease may carry (the engine's sink call has no room for it; onboardLease has). */
/** Option 82 ids, and the time of the lease's line (ms): how the shared queue tells one lease from a failover peer's copy of it. */
export type LeaseExtras = LeaseDetails;

/**
 * Decides what to do for each lease and schedules it: a known device is
 * checked for drift, a factory `Switch` is identified from the port map and
 * provisioned, anything else is reported. It is the engine's native action
 * sink (onboard / check / provision / backup).
 */
export class Onboarder implements NativeActionSink {
  readonly status: StatusBook;
  readonly work: DeviceWork;
  readonly factory: FactoryWork;
  private readonly restoring: RestoreWork;
  private readonly parked: ParkedSwitches;
  private readonly scheduler: JobScheduler<QueuedWork>;
  private readonly store: SharedStore;
  /** Aborted by stop(): from then on no job starts, and one not yet pushing ends `deferred`. */
  private readonly stopping = new AbortController();
  /** performance.now() by which the stop must be over; set by stop(). */
  private stopDeadline = Infinity;
  private readonly stopTimeoutMs: number;
  /** The jobs a stop left undone, written to the state directory by close(). */
  private readonly leftover: QueuedWork[] = [];
  private readonly logger: Logger;
  private readonly inventory: Inventory;
  private readonly now: () => number;
  private readonly dryRun: boolean;
  private readonly executions: ExecutionCounter;
  /** Per device key: the execution of a scheduled backup that has not started yet. */
  private readonly waitingBackups = new Map<string, number>();
  private readonly gate: LeaseGate;
  /** Leases of known devices waiting for their identity to be judged, in arrival order. */
  private admitting: Promise<void> = Promise.resolve();
  /** Switches reloading into a new OS, waiting for their next lease. */
  private readonly returns = new ReturnWatch();
  /** With a shared store: jobs are claimed in the fleet's queue before they are scheduled here. */
  private readonly fleet: FleetQueue | undefined;
  private readonly imageServer: ImageServer | undefined;

  private constructor(options: OnboarderOptions, status: StatusBook, executions: ExecutionCounter, keys: ReadonlyMap<string, BackupKey>, held: HeldJobs | undefined) {
    this.logger = options.logger;
    this.store = options.store ?? options.state;
    this.inventory = options.inventory;
    this.now = options.now ?? Date.now;
    this.dryRun = options.dryRun ?? false;
    this.status = status;
    this.executions = executions;
    this.stopTimeoutMs = options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
    const identities = new VerifiedIdentities(this.store);
    this.gate = new LeaseGate({ identities, status, logger: options.logger, store: this.store, sitesDir: options.inventory.baselinesDir, now: this.now });
    const deps: WorkDeps = {
      inventory: options.inventory, logger: options.logger, connector: options.connector, status,
      backups: options.backups ?? new BackupStore(options.state, options.backupsKeep), backupKeys: keys, learned: new LearnedBook(this.store),
      identities, hostKeys: options.hostKeys ?? new HostKeyStore(this.store), now: this.now,
      ...(options.locks === undefined ? {} : { locks: options.locks }), stopping: this.stopping.signal,
      stopLeftMs: () => this.stopDeadline - performance.now(),
      ...(options.claims === undefined ? {} : { storeUnreachable: (err: unknown) => this.fleet?.outage(err) === true }),
      firmware: {
        checker: new ImageChecker(this.now), returns: this.returns,
        ...(options.imageServer === undefined ? {} : { server: options.imageServer }),
        ...(options.firmwareReturnTimeoutMs === undefined ? {} : { returnTimeoutMs: options.firmwareReturnTimeoutMs }),
      },
    };
    this.imageServer = options.imageServer;
    const observer = options.jobObserver;
    this.work = observer === undefined ? new DeviceWork(deps) : new ObservedWork(deps, observer);
    this.factory = observer === undefined ? new FactoryWork(deps) : new ObservedFactoryWork(deps, observer);
    this.restoring = new RestoreWork(deps);
    this.parked = new ParkedSwitches({
      inventory: options.inventory, status, store: this.store, logger: options.logger, factory: this.factory, dryRun: this.dryRun,
      submit: (key, site, work, job) => { this.submit(key, site, work, job); },
    });
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.scheduler = new JobScheduler(concurrency, (err, key) => {
      this.logger.error({ err, device: key }, 'job failed unexpectedly');
    });
    this.fleet = options.claims === undefined || held === undefined ? undefined : new FleetQueue(options.claims, held, options.logger, this.now, concurrency);
    this.fleet?.begin((work, how) => { this.resume(work, how); }, () => this.admitting);
  }

  /** The sites as loaded: where notifications find their hooks. */
  get sites(): readonly Site[] {
    return this.inventory.sites;
  }

  /** Every device a site expects: configured, learned, and the port map's switches still to come. */
  expectedDevices(): ExpectedDevice[] {
    return this.inventory.expectedDevices();
  }

  /** Jobs waiting to start and jobs running, over all sites. */
  get jobs(): { queued: number; running: number } {
    return { queued: this.scheduler.queued, running: this.scheduler.active };
  }

  static async create(options: OnboarderOptions): Promise<Onboarder> {
    // First: a restorable site without its key is a site file problem, reported before any state is touched.
    const keys = options.backupKeys ?? backupKeys(options.inventory.sites);
    const store = options.store ?? options.state;
    const status = new StatusBook(store);
    await status.load();
    const executions = new ExecutionCounter(store, options.logger);
    await executions.load({ reserve: options.schedulesBackups !== false });
    // With a shared store: the jobs an earlier run held while it could not be reached are done first.
    const held = options.claims === undefined ? undefined : new HeldJobs(options.state, options.logger);
    await held?.load();
    return new Onboarder(options, status, executions, keys, held);
  }

  /** Sink: a lease-granting DHCPACK. */
  onboard(ip: string, mac: string, hostname: string, extras: LeaseExtras = {}): void {
    const seenAt = extras.leaseTime ?? this.now();
    const lease: FactoryLease = { ip, mac: canonicalMac(mac) ?? '' };
    if (extras.circuitId !== undefined) lease.circuitId = extras.circuitId;
    if (extras.remoteId !== undefined) lease.remoteId = extras.remoteId;
    // The engine validates lease fields; a value that is still not a clean name, MAC or address goes no further.
    if (!isIPv4(ip) || lease.mac === '' || !isSafeName(hostname)) {
      this.logger.warn({ event: Events.unknownDevice, ip: ip.slice(0, 64), result: 'skipped' }, 'lease refused: address, MAC or hostname not valid');
      return;
    }
    // A switch reloading into a new OS: its job is waiting for exactly this lease.
    if (this.returns.leaseSeen(lease.mac, ip)) return;
    // A parked switch leases under whatever name its parking config gave it.
    if (hostname.toLowerCase() === FACTORY_HOSTNAME || this.parked.isParked(lease.mac)) {
      this.onboardFactory(lease, seenAt);
      return;
    }
    const ref = this.inventory.findDevice(hostname);
    if (ref === undefined) {
      this.reportUnknown(hostname, ip, lease.mac);
      return;
    }
    this.admit(ref, { ip, mac: lease.mac }, true, seenAt);
  }

  /** A parsed lease, with the option-82 fields the sink call cannot carry. */
  onboardLease(lease: DhcpLease): void {
    if (lease.host === undefined) {
      this.logger.debug({ event: Events.unknownDevice, ip: lease.ip, mac: lease.mac, result: 'skipped' }, 'lease without a hostname');
      return;
    }
    const extras: LeaseExtras = {};
    if (lease.circuitId !== undefined) extras.circuitId = lease.circuitId;
    if (lease.remoteId !== undefined) extras.remoteId = lease.remoteId;
    if (lease.time !== undefined) extras.leaseTime = lease.time.getTime();
    this.onboard(lease.ip, lease.mac, lease.host, extras);
  }

  /** Sink: `check HOST` from a rule. */
  check(host: string, seenAt: number = this.now()): void {
    const ref = this.inventory.findDevice(host);
    if (ref === undefined) {
      this.reportUnknown(host);
      return;
    }
    this.scheduleCheck(ref, {}, false, seenAt);
  }

  /** Sink: `provision IP NAME`, IP within the subnets of NAME's site (a lease there). */
  provision(ip: string, name: string, seenAt: number = this.now()): void {
    const site = this.inventory.findDevice(name)?.site ?? this.inventory.findPortmapEntry(name)?.site;
    if (site === undefined || !isIPv4(ip)) {
      this.reportUnknown(name, ip);
      return;
    }
    if (this.inventory.siteForIp(ip) !== site) {
      const reason = `${ip} is not in the subnets of site ${site.name}`;
      this.logger.warn({ event: Events.identityMismatch, device: name, ip, site: site.name, result: 'skipped', reasons: [reason] }, `${reason}; ${name} is not provisioned there, nothing sent`);
      return;
    }
    this.submit(name.toLowerCase(), site, { kind: 'provision', ip, name }, async () =>
      (await this.work.provisionAs(ip, name, { dryRun: this.dryRun })).result, seenAt);
  }

  /**
   * Sink: `backup HOST`, HOST an inventory hostname or the address a device
   * was last seen at. Each backup that is queued is an execution with its own
   * id. A change made while a job for that device runs may come after the
   * config was fetched, so the backup is queued to follow that job; at most
   * one waits per device, and further changes are merged into it (it has not
   * fetched anything yet). `line`, the event that fired it, says what
   * triggered it and who made the change.
   */
  backup(host: string, line?: string): void {
    const ref = isSafeName(host) ? this.findHost(host) : undefined;
    if (ref === undefined) {
      this.reportUnknown(isSafeName(host) ? host : JSON.stringify(host.slice(0, 64)));
      return;
    }
    const fields = { device: ref.device.hostname, site: ref.site.name };
    const key = ref.device.hostname.toLowerCase();
    if (this.dryRun) {
      this.logger.info({ event: Events.backupScheduled, ...fields, dryRun: true, result: 'skipped' }, 'would back up the running config (dry run)');
      return;
    }
    const waiting = this.waitingBackups.get(key);
    if (waiting !== undefined) {
      this.logger.info(
        { event: Events.backupScheduled, ...fields, result: 'skipped', mergedInto: waiting, reason: 'a backup of this device is waiting to run' },
        `backup merged into execution ${String(waiting)}, which has not started yet`,
      );
      return;
    }
    const execution = this.executions.next();
    const queued = this.queueBackup(ref, execution, isIPv4(host) ? host : undefined, line);
    const after = queued === 'follow-up' ? { after: 'the job under way for this device' } : {};
    this.logger.info({ event: Events.backupScheduled, ...fields, execution, ...after }, `Scheduled backup with execution ID: ${String(execution)}`);
  }

  /** What it returns is known at once only on a box of its own; with a shared store the job is claimed first (`queued`). */
  private queueBackup(ref: DeviceRef, execution: number, ip: string | undefined, line: string | undefined, seenAt: number = this.now()): SubmitResult {
    const key = ref.device.hostname.toLowerCase();
    const work: QueuedWork = { kind: 'backup', device: ref.device.hostname, execution, ...(ip === undefined ? {} : { ip }), ...(line === undefined ? {} : { line }) };
    const trigger = triggerOfLine(line);
    const schedule = (): SubmitResult => {
      this.waitingBackups.set(key, execution);
      const queued = this.scheduler.submit(key, ref.site.name, ref.site.concurrency, async () => {
        this.waitingBackups.delete(key);
        this.ended(work, await this.outcomeOf(work, () => this.work.backup(ref, { execution, trigger, ...(ip === undefined ? {} : { ip }) })));
      }, { followUp: true, tag: work });
      if (queued === 'stopped') this.putOff(work);
      if (queued === 'merged') this.ended(work, 'merged');
      return queued;
    };
    if (this.fleet === undefined) return schedule();
    this.fleet.claim(work, () => { schedule(); }, seenAt);
    return 'queued';
  }

  /**
   * Runs a job; one that throws because the shared store went out of reach
   * (its outcome could not be recorded) is `deferred`: done again once the
   * store is back. Any other throw is the job failing unexpectedly.
   */
  private async outcomeOf(work: QueuedWork, job: () => Promise<Outcome>): Promise<Outcome> {
    try {
      return await job();
    } catch (err) {
      if (this.fleet?.outage(err) !== true) throw err;
      this.logger.warn({ event: Events.jobDeferred, work, err }, 'the job could not be recorded: the shared store cannot be reached; it is done again once it is back');
      return 'deferred';
    }
  }

  /** A job ended: with a shared store, its claim is ended too (or released, when a stop put it off). */
  private ended(work: QueuedWork, result: Outcome | 'merged'): void {
    if (result === 'deferred') {
      this.putOff(work);
      return;
    }
    void this.fleet?.end(work, result).catch((err: unknown) => {
      this.logger.warn({ err, work }, 'the end of the job could not be written to the shared queue; another appliance may do it again');
    });
  }

  /** A job a stop put off: on a box of its own it waits for the next start; with a shared store any appliance may take it at once. */
  private putOff(work: QueuedWork): void {
    if (this.fleet?.ticketOf(work) === undefined) {
      this.leftover.push(work);
      return;
    }
    void this.fleet.release(work).catch((err: unknown) => {
      this.logger.warn({ err, work }, 'the job put off could not be released in the shared queue; another appliance takes it over after the takeover time');
    });
  }

  /** Resolves when no job is queued or running and the status file is written. */
  async idle(): Promise<void> {
    await this.admitting;
    await this.fleet?.settled();
    await this.scheduler.idle();
    await this.status.flushed();
    await this.executions.flushed();
  }

  /**
   * SIGTERM/SIGINT: from now on no job starts and no session opens; a job
   * that has begun its push finishes it (save and verification, or
   * rollback) if the rest fits in the stop's time, and is rolled back if
   * not; one that has not is put off. Resolves when the running jobs have
   * ended. What was left undone is written down by close().
   */
  async stop(): Promise<void> {
    if (!this.stopping.signal.aborted) {
      // What follows the jobs needs its moment too: a tenth of a short stop, at most STOP_MARGIN_MS.
      this.stopDeadline = performance.now() + this.stopTimeoutMs - Math.min(STOP_MARGIN_MS, this.stopTimeoutMs / 10);
    }
    this.stopping.abort();
    await this.fleet?.stop();
    for (const work of this.scheduler.stop()) this.putOff(work);
    await this.idle();
  }

  /** Waits for the jobs to end; after a stop, writes the jobs left undone to the state directory for the next start. */
  async close(): Promise<void> {
    await this.idle();
    // No more sweeps for jobs to take over (a reload puts another onboarder in this one's place); jobs held stay in the state directory.
    await this.fleet?.stop();
    await this.imageServer?.close();
    if (!this.stopping.signal.aborted || this.leftover.length === 0) return;
    const jobs = this.leftover.splice(0);
    await saveQueue(this.store, jobs);
    this.logger.info({ event: Events.jobsSaved, jobs, count: jobs.length }, `${String(jobs.length)} job(s) not done written to ${this.store.where(QUEUE_BOOK)}; they run at the next start`);
  }

  /**
   * At start: queues again the jobs the last stop wrote down. The file is
   * not proof of anything: each job goes through the same checks as when it
   * first came (a check's lease through the identity gate, a provisioning
   * address through the site's subnets, a backup's address to its device),
   * and one that names no device of the inventory, or fails a check, is
   * passed over and reported.
   */
  async resumeQueued(): Promise<void> {
    const { jobs, invalid } = await takeQueue(this.store);
    if (invalid > 0) this.logger.warn({ event: Events.jobsResumed, invalid }, `${String(invalid)} entry(ies) of ${this.store.where(QUEUE_BOOK)} are not jobs; passed over`);
    if (jobs.length === 0) return;
    this.logger.info({ event: Events.jobsResumed, jobs, count: jobs.length }, `${String(jobs.length)} job(s) left by the last stop queued again`);
    for (const job of jobs) this.resume(job);
  }

  private passOver(job: QueuedWork, reason: string): void {
    this.logger.warn({ event: Events.jobsResumed, job, result: 'skipped', reason }, `queued job passed over: ${reason}`);
  }

  /** `how`: when the job was seen, and whether it is a lease as it first came (held while the shared store was out of reach) rather than one due already. */
  private resume(job: QueuedWork, how: Resumption = { seenAt: this.now(), renewal: false }): void {
    const { seenAt } = how;
    switch (job.kind) {
      case 'check': {
        const ref = this.inventory.findDevice(job.device);
        if (ref === undefined) {
          this.passOver(job, `${job.device} is not in the inventory`);
          return;
        }
        // Its lease is judged again, as when it came: the file says what the lease was, not that it may be the device.
        // Not held back by the renewal window when it was due already (a stop came, or its appliance was lost).
        if (job.ip !== undefined && job.mac !== undefined) this.admit(ref, { ip: job.ip, mac: job.mac }, how.renewal, seenAt);
        else this.scheduleCheck(ref, {}, false, seenAt);
        return;
      }
      case 'factory': {
        const lease: FactoryLease = { ip: job.ip, mac: job.mac };
        if (job.circuitId !== undefined) lease.circuitId = job.circuitId;
        if (job.remoteId !== undefined) lease.remoteId = job.remoteId;
        this.onboardFactory(lease, seenAt);
        return;
      }
      case 'provision':
        this.provision(job.ip, job.name, seenAt);
        return;
      case 'backup': {
        // As the rule that scheduled it named the device: by the address when it gave one, which must still be this device's.
        const ref = this.findHost(job.ip ?? job.device);
        if (ref?.device.hostname.toLowerCase() !== job.device.toLowerCase()) {
          this.passOver(job, job.ip === undefined ? `${job.device} is not in the inventory` : `${job.ip} is not where ${job.device} is configured or was last seen`);
          return;
        }
        this.queueBackup(ref, job.execution, job.ip, job.line, seenAt);
        return;
      }
    }
  }

  /** A device by inventory hostname, or by the address it was last seen at. */
  findHost(host: string): DeviceRef | undefined {
    const byName = this.inventory.findDevice(host);
    if (byName !== undefined || !isIPv4(host)) return byName;
    const configured = this.inventory.devices().find((ref) => ref.device.ip === host);
    if (configured !== undefined) return configured;
    const seen = this.status.all().find((status) => status.ip === host && this.inventory.findDevice(status.device) !== undefined);
    return seen === undefined ? undefined : this.inventory.findDevice(seen.device);
  }

  /** `onramp check HOST [--remediate]`: 0 OK (or remediated), 1 drift, 2 unknown host or bad site data, 3 device failure. */
  async checkHost(host: string, options: { remediate?: boolean } = {}): Promise<number> {
    const ref = this.findHost(host);
    if (ref === undefined) {
      this.reportUnknown(host);
      await this.status.flushed();
      return ExitCode.BadInput;
    }
    const outcome = await this.work.check(ref, isIPv4(host) ? { ip: host, remediate: options.remediate ?? false } : { remediate: options.remediate ?? false });
    await this.status.flushed();
    return exitCodeOf(outcome.result);
  }

  /**
   * `onramp check HOST --remediate --dry-run`: the remediation's lines for the
   * device as it is now, sent nowhere, and the digest that confirms them
   * (remediateConfirmed); 0 none, 1 drift, 2, 3.
   */
  async planHost(host: string): Promise<PlanAnswer> {
    return this.checkForPlan(host, { dryRun: true });
  }

  /**
   * `onramp check HOST --remediate --confirm DIGEST`, and the console's
   * confirmed remediation: the push sends only the plan of that digest,
   * made again from the config the job fetches under the device's lock. Any
   * other plan is not sent but answered (`changed`, exit 1) with its lines
   * and digest, to be shown and confirmed in turn. Else as checkHost.
   */
  async remediateConfirmed(host: string, digest: string): Promise<PlanAnswer> {
    return this.checkForPlan(host, { confirmed: digest });
  }

  private async checkForPlan(host: string, how: { dryRun: true } | { confirmed: string }): Promise<PlanAnswer> {
    const ref = this.findHost(host);
    if (ref === undefined) {
      this.reportUnknown(host);
      await this.status.flushed();
      return { exitCode: ExitCode.BadInput, lines: [] };
    }
    const outcome = await this.work.check(ref, { ...(isIPv4(host) ? { ip: host } : {}), remediate: true, ...how });
    await this.status.flushed();
    return {
      exitCode: exitCodeOf(outcome.result), lines: outcome.lines ?? [],
      ...(outcome.digest === undefined ? {} : { digest: outcome.digest }), ...(outcome.changed === true ? { changed: true } : {}),
    };
  }

  /** `onramp provision IP --as NAME [--dry-run] [--factory]`: the lines, and 0, 2 or 3. */
  async provisionHost(ip: string, name: string, options: { dryRun?: boolean; factory?: boolean } = {}): Promise<{ exitCode: number; lines: string[] }> {
    if (!isIPv4(ip)) return { exitCode: ExitCode.BadInput, lines: [] };
    const outcome = await this.work.provisionAs(ip, name, options);
    await this.status.flushed();
    return { exitCode: exitCodeOf(outcome.result), lines: outcome.lines };
  }

  /** `onramp backup HOST`: 0 saved (or unchanged), 2 unknown host, 3 device failure. */
  async backupHost(host: string): Promise<number> {
    const ref = this.findHost(host);
    if (ref === undefined) {
      this.reportUnknown(host);
      await this.status.flushed();
      return ExitCode.BadInput;
    }
    const result = await this.work.backup(ref, { trigger: { kind: 'manual' }, ...(isIPv4(host) ? { ip: host } : {}) });
    await this.status.flushed();
    return exitCodeOf(result);
  }

  /** `onramp restore HOST --version V [--dry-run]`: 0 restored (or the plan shown), 2 unknown host or a version that cannot be restored, 3 refused or failed. */
  async restoreHost(host: string, version: string, options: { dryRun?: boolean } = {}): Promise<{ exitCode: number; lines: string[]; message?: string }> {
    const ref = this.findHost(host);
    if (ref === undefined) {
      this.reportUnknown(host);
      await this.status.flushed();
      return { exitCode: ExitCode.BadInput, lines: [], message: `${host} is not a device of any site` };
    }
    const outcome = await this.restoring.restore(ref, version, { ...(isIPv4(host) ? { ip: host } : {}), ...(options.dryRun === true ? { dryRun: true } : {}) });
    await this.status.flushed();
    return { exitCode: exitCodeOf(outcome.result), lines: outcome.lines, ...(outcome.message === undefined ? {} : { message: outcome.message }) };
  }

  /**
   * Queues `job`, described by `work` (with a shared store, once it is
   * claimed); a job a stop puts off, or that comes after the stop, is kept
   * for the next start.
   */
  private submit(key: string, site: Site, work: QueuedWork, job: () => Promise<Outcome>, seenAt: number = this.now()): void {
    const schedule = (): void => {
      const result = this.scheduler.submit(key, site.name, site.concurrency, async () => {
        this.ended(work, await this.outcomeOf(work, job));
      }, { tag: work });
      if (result === 'stopped') this.putOff(work);
      if (result === 'merged') {
        this.ended(work, 'merged');
        this.logger.debug({ event: Events.dhcpSuppressed, device: key, site: site.name, reason: 'job already queued or running' }, 'merged into the job already under way');
      }
    };
    if (this.fleet === undefined) schedule();
    else this.fleet.claim(work, schedule, seenAt);
  }

  /** A factory switch leasing outside the site's onboard.allowedRanges: reported, and no connection made to it. */
  private reportOutsideRange(site: Site, lease: FactoryLease): void {
    const ranges = site.onboard.allowedRanges.map((range) => range.cidr).join(', ');
    const message = `${lease.ip} is outside onboard.allowedRanges (${ranges}): not touched`;
    this.logger.warn({ event: Events.outsideRange, device: factoryKey(lease.mac), ip: lease.ip, mac: lease.mac, site: site.name, result: 'skipped', allowedRanges: ranges }, message);
    this.status.record({
      device: factoryKey(lease.mac), site: site.name, ip: lease.ip, mac: lease.mac, lastEvent: Events.outsideRange, action: 'report', result: 'skipped',
      time: new Date(this.now()).toISOString(), message,
    }).catch((err: unknown) => { this.unrecorded(err, factoryKey(lease.mac)); });
  }

  private reportUnknown(hostname: string, ip?: string, mac?: string): void {
    this.logger.warn({ event: Events.unknownDevice, device: hostname, ip, mac, result: 'skipped' }, `${hostname} is not in the inventory and is not a factory switch`);
    this.status.record({
      device: hostname, lastEvent: Events.unknownDevice, action: 'report', result: 'skipped',
      time: new Date(this.now()).toISOString(), ...(ip === undefined ? {} : { ip }), ...(mac === undefined ? {} : { mac }),
    }).catch((err: unknown) => { this.unrecorded(err, hostname); });
  }

  /** A report the status could not take (the shared store out of reach): the warning above is what is left of it. */
  private unrecorded(err: unknown, device: string): void {
    this.fleet?.outage(err);
    this.logger.warn({ err, device }, 'the report could not be recorded in the status; it is in this log only');
  }

  /** A lease naming a known device goes through the gate first; leases are judged in the order they came. `renewal`: subject to the renewal window. */
  private admit(ref: DeviceRef, lease: LeaseSeen, renewal: boolean, seenAt: number): void {
    const held = (): boolean => {
      if (this.fleet?.holding !== true) return false;
      this.fleet.hold({ kind: 'check', device: ref.device.hostname, ...lease }, seenAt);
      return true;
    };
    if (held()) return;
    this.admitting = this.admitting.then(async () => {
      if (held()) return;
      if (await this.gate.admits(ref, lease)) this.scheduleCheck(ref, lease, renewal, seenAt);
    }).catch((err: unknown) => {
      // The shared store out of reach: the lease is judged when it is back.
      if (this.fleet?.outage(err) === true && held()) return;
      this.logger.error({ err, device: ref.device.hostname, ip: lease.ip }, 'lease identity could not be judged; nothing sent');
    });
  }

  /**
   * A renewal of a device checked recently at the same address is not
   * checked again, whatever its MAC (a lease whose MAC may not be this
   * device's never gets this far); a changed address that passed the
   * identity check, or a last result that was a failure, is.
   */
  private suppressed(ref: DeviceRef, ip: string): string | undefined {
    const last = this.status.get(ref.device.hostname);
    if (last?.checkedAt === undefined || !SETTLED.includes(last.result)) return undefined;
    if (last.ip !== ip) return undefined;
    const age = this.now() - last.checkedAt;
    if (age < 0 || age >= ref.site.policy.recheckAfterMs) return undefined;
    return `checked ${Math.round(age / 1000)}s ago (${last.result}); next check after ${Math.round(ref.site.policy.recheckAfterMs / 1000)}s`;
  }

  private scheduleCheck(ref: DeviceRef, lease: { ip?: string; mac?: string }, renewal: boolean, seenAt: number): void {
    const fields = { device: ref.device.hostname, ip: lease.ip, mac: lease.mac, site: ref.site.name };
    if (renewal && lease.ip !== undefined && lease.mac !== undefined) {
      const reason = this.suppressed(ref, lease.ip);
      if (reason !== undefined) {
        this.logger.debug({ event: Events.dhcpSuppressed, ...fields, reason }, `renewal not re-checked: ${reason}`);
        return;
      }
    }
    const work: QueuedWork = { kind: 'check', device: ref.device.hostname, ...lease };
    this.submit(ref.device.hostname.toLowerCase(), ref.site, work, async () => {
      if (this.dryRun) {
        this.logger.info({ event: Events.checkStart, ...fields, dryRun: true, result: 'skipped' }, 'would check configuration (dry run)');
        return 'skipped';
      }
      return (await this.work.check(ref, lease)).result;
    }, seenAt);
  }

  /**
   * Sink side of `onramp assign`: takes up the assignments written to the
   * shared store whose switch is parked. The appliance calls it every
   * second; a state directory's file is read only when it changed, a
   * database's book is one query.
   */
  takeAssignments(): Promise<void> {
    return this.parked.look().catch((err: unknown) => {
      this.logger.error({ err }, 'assignments could not be read');
    });
  }

  private onboardFactory(lease: FactoryLease, seenAt: number): void {
    const site = this.inventory.siteForIp(lease.ip);
    if (site === undefined) {
      this.logger.warn({ event: Events.identityUnknown, device: 'Switch', ip: lease.ip, mac: lease.mac, result: 'skipped' }, `no site has a subnet containing ${lease.ip}`);
      return;
    }
    if (!inAllowedRange(site.onboard, lease.ip)) {
      this.reportOutsideRange(site, lease);
      return;
    }
    if (this.store.url === undefined) {
      this.onboardSeenFactory(site, lease, seenAt);
      return;
    }
    // Another appliance may have parked or provisioned this switch: what it recorded decides, not this one's copy.
    this.admitting = this.admitting.then(() => this.status.catchUp()).then(() => { this.onboardSeenFactory(site, lease, seenAt); }, (err: unknown) => {
      if (this.fleet?.outage(err) === true) this.fleet.hold({ kind: 'factory', ...lease }, seenAt);
      else this.logger.error({ err, mac: lease.mac, ip: lease.ip }, 'lease of a factory switch could not be judged; nothing sent');
    });
  }

  /** A factory switch's lease in its site's allowed ranges: parked already, provisioned already under its old name, or new. */
  private onboardSeenFactory(site: Site, lease: FactoryLease, seenAt: number): void {
    if (this.parked.isParked(lease.mac)) {
      this.admitting = this.admitting.then(() => this.parked.leased(lease.ip, lease.mac)).catch((err: unknown) => {
        if (this.fleet?.outage(err) === true) {
          this.fleet.hold({ kind: 'factory', ...lease }, seenAt);
          return;
        }
        this.logger.error({ err, mac: lease.mac, ip: lease.ip }, 'lease of a parked switch could not be judged; nothing sent');
      });
      return;
    }
    // Still called `Switch` by DHCP after provisioning (the lease name is the client's old one): it is that device now.
    const became = this.status.all().find((status) => status.mac === lease.mac && !status.device.startsWith('Switch ') && SETTLED.includes(status.result));
    const ref = became === undefined ? undefined : this.inventory.findDevice(became.device);
    if (ref !== undefined) {
      this.admit(ref, { ip: lease.ip, mac: lease.mac }, true, seenAt);
      return;
    }
    this.submit(`mac ${lease.mac}`, site, { kind: 'factory', ...lease }, () => this.factory.provisionFactory(site, lease, { dryRun: this.dryRun }), seenAt);
  }
}

/** PRODUCT.md exit codes: 0 success, 1 finding, 2 bad input, 3 runtime failure. */
export function exitCodeOf(result: Outcome): number {
  switch (result) {
    case 'ok':
    case 'remediated':
    case 'provisioned':
    case 'restored':
    case 'skipped':
      return ExitCode.Ok;
    case 'drift':
    case 'parked':
      // Parked: onramp did its part, and an operator has to say what the switch is.
      return ExitCode.Finding;
    case 'bad-input':
      return ExitCode.BadInput;
    case 'failed':
    case 'unreachable':
    case 'deferred':
      return ExitCode.Runtime;
  }
}
