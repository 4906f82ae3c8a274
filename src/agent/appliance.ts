import { stat, writeFile } from 'node:fs/promises';
import type { BackupsDatabase, BackupsLocation } from '../backups/index.js';
import { ExitCode } from '../exit-codes.js';
import type { ImageServerAddress } from '../firmware/server.js';
import { createLogger, Events, tapLogLines, type Logger } from '../log/index.js';
import { syslogStream, SyslogUnavailableError } from '../log/syslog.js';
import { KeaLeaseFile } from '../dhcp/index.js';
import { Engine, loadRules, readInputsInTurn, RuleLoadError, type RuleMatches, type RuleSet } from '../engine/index.js';
import type { Metrics } from '../metrics/index.js';
import type { Onboarder } from '../onboard/index.js';
import type { InputSource } from '../input/index.js';
import { parseListenSpec, type InputRole, type ListenSpec } from '../input/roles.js';
import type { Notifier } from '../notify/index.js';
import { isUnreachable, type OpenedStore, type StoreFlags } from '../postgres/index.js';
import { StateStore, type SharedStore } from '../state/index.js';
import { EventJournal, type SharedTimeline } from '../journal/index.js';
import { WorkCounters } from './counters.js';
import { detachSelf, isDetachedCopy, reportRunning, writePidFile } from './daemon.js';
import { InputLineCounts } from './input-line-counts.js';
import { pidFileHolder, releasePidFile } from './pid-file.js';
import { lockInputs } from './input-locks.js';
import { checkInputPaths, expandInputsByRole } from './inputs.js';
import { LeaseTimes, logLease } from './lease-log.js';
import { ReloadableSink } from './reloadable-sink.js';
import { RoleGate } from './role-gate.js';
import { RuleStatsWriter, type RuleStats } from './rule-stats.js';

export interface ApplianceOptions {
  conf: string[];
  /** Lease inputs: SEC's --input, the DHCP server's log. */
  inputs: string[];
  /** An input file that does not exist yet is waited for instead of refused. */
  inputMayAppear: boolean;
  /** --config-input: switches' config-change syslog, as files. */
  configInputs?: string[];
  /** --sec-input: other logs, for SEC rules only. */
  secInputs?: string[];
  follow: boolean;
  fromStart: boolean;
  testOnly: boolean;
  detach: boolean;
  pidFile: string | undefined;
  logFile: string | undefined;
  syslogFacility: string | undefined;
  dumpFile: string;
  intevents: boolean;
  intcontexts: boolean;
  jointBuffer: boolean;
  bufferSize: number | undefined;
  secShellCompat: boolean;
  sitesDir: string;
  templatesDir: string;
  stateDir: string;
  /** `udp://HOST:PORT[?role=ROLE&allow=CIDR,…]` or `tcp://…` (see parseListenSpec). */
  listenSyslog: string[];
  /** Kea's memfile lease file: where `ptype=DHCP` finds hostnames Kea's log lines leave out. */
  keaLeases: string | undefined;
  /** Versions of a device kept in the backup store. */
  backupsKeep: number;
  /** `--backups git:DIR` (default the state directory's files) and its remote. */
  backups?: BackupsLocation;
  backupsRemote?: string;
  concurrency: number;
  /** `--store`, `--store-password-file`, `--name`: the state shared with other appliances. */
  store?: StoreFlags;
  /** `--takeover-after`: with --store, how long an appliance may go unheard before its jobs are taken over. */
  takeoverMs?: number;
  /** `--stop-timeout`: how long a stop may take (the unit's TimeoutStopSec); a push that cannot finish within it is rolled back. */
  stopTimeoutMs?: number;
  /** `--firmware-http ADDR:PORT`: where the sites' image files are served; without it a site image onramp must serve stops start-up. */
  firmwareHttp?: ImageServerAddress;
  /** `--firmware-timeout`: how long a reloaded switch has to come back, for every site. */
  firmwareTimeoutMs?: number;
  dryRun: boolean;
  pretty: boolean;
  logLevel: string;
  /** Keep the Prometheus metrics (Appliance.metrics), for an HTTP server to serve. */
  metrics?: boolean;
  /** `--http ADDR`: the web console, off unless given; with `--http-cert`/`--http-key` over TLS, users from `--users`. */
  http?: string;
  httpCert?: string;
  httpKey?: string;
  usersFile?: string;
}

/**
 * `onramp run`: rules are loaded and checked before anything else happens, so
 * a broken rule file stops start-up with its file:line and nothing runs.
 * Then inputs feed the engine line by line; native actions go to the
 * onboarding scheduler, which is only loaded when the rules can reach it.
 * With --detach all of that happens in the daemon, and the command returns
 * its start-up result.
 */
export async function runAppliance(options: ApplianceOptions): Promise<number> {
  if (options.detach && !options.testOnly) {
    const parentExit = await detachSelf();
    if (parentExit !== undefined) return parentExit;
  }
  if (options.pidFile !== undefined && !options.testOnly) {
    // Checked first so that a second instance fails before it opens anything; claimed once running.
    const holder = await pidFileHolder(options.pidFile);
    if (holder !== undefined) {
      process.stderr.write(`onramp run: ${options.pidFile}: onramp is already running with pid ${String(holder)}\n`);
      return ExitCode.BadInput;
    }
  }
  let rules: RuleSet;
  try {
    rules = await loadRules(options.conf, { bufferSize: options.bufferSize });
  } catch (err) {
    reportLoadError(err);
    // SEC exits 1 on an invalid rule set under --testonly; a failed start-up is bad input.
    return options.testOnly ? 1 : ExitCode.BadInput;
  }
  if (options.testOnly) {
    for (const { file, count } of rules.summary()) process.stdout.write(`${count} rules loaded from ${file}\n`);
    return ExitCode.Ok;
  }

  const logger = openLog(options);
  if (!isLogger(logger)) {
    process.stderr.write(`onramp run: ${logger.message}\n`);
    return ExitCode.Runtime;
  }
  // Listening before the inputs are opened: opening one can mean reading every generation rotated while
  // onramp was down, and a SIGTERM meanwhile would otherwise end the process before its position is saved.
  const stopSignal = listenForStop(logger);
  let counters: WorkCounters | undefined;
  let appliance: Appliance;
  try {
    // A run that follows its inputs is a daemon: what it did is counted across log rotations and restarts.
    if (options.follow) counters = await WorkCounters.attach(new StateStore(options.stateDir), logger);
    for (const { file, count } of rules.summary()) logger.info({ file, rules: count }, `${count} rules loaded from ${file}`);
    appliance = await startAppliance(options, rules, logger);
  } catch (err) {
    stopSignal.cancel();
    reportLoadError(err);
    await counters?.flush();
    // A shared store that cannot be reached is no fault of the settings: a runtime failure, to start again later.
    return options.store?.store !== undefined && isUnreachable(err) ? ExitCode.Runtime : ExitCode.BadInput;
  }
  let web: { close: () => Promise<void> } | undefined;
  if (options.http !== undefined) {
    try {
      web = await openConsole(options, appliance, logger);
    } catch (err) {
      stopSignal.cancel();
      process.stderr.write(`onramp run: ${err instanceof Error ? err.message : String(err)}\n`);
      await appliance.stop();
      await counters?.flush();
      return ExitCode.BadInput;
    }
  }
  const reloader = new RuleReloader(() => loadRules(options.conf, { bufferSize: options.bufferSize }), appliance, logger);
  await reloader.loaded(rules);
  let reloads = Promise.resolve();
  const reload = (signal: NodeJS.Signals): void => {
    reloads = reloads.then(() => reloader.reload(signal === 'SIGABRT' ? 'SIGABRT' : 'SIGHUP'));
  };
  const dump = (): void => {
    writeFile(options.dumpFile, appliance.dump(), { mode: 0o600 }).then(
      () => { logger.info({ signal: 'SIGUSR1', file: options.dumpFile }, 'state dumped'); },
      (err: unknown) => { logger.error({ signal: 'SIGUSR1', err }, `cannot write the dump file ${options.dumpFile}`); },
    );
  };
  const reopen = (): void => {
    appliance.reopenOutputs();
    logger.info({ signal: 'SIGUSR2' }, 'output files reopened');
  };
  // Listening before the pid file exists: whoever reads the pid may signal at once.
  process.on('SIGHUP', reload);
  process.on('SIGABRT', reload);
  process.on('SIGUSR1', dump);
  process.on('SIGUSR2', reopen);
  if (options.pidFile !== undefined) {
    try {
      await writePidFile(options.pidFile);
    } catch (err) {
      process.stderr.write(`onramp run: ${err instanceof Error ? err.message : String(err)}\n`);
      process.off('SIGHUP', reload);
      process.off('SIGABRT', reload);
      process.off('SIGUSR1', dump);
      process.off('SIGUSR2', reopen);
      stopSignal.cancel();
      await web?.close();
      await appliance.stop();
      await counters?.flush();
      return ExitCode.BadInput;
    }
  }
  await reportRunning();
  try {
    // Following never ends by itself; --notail ends when every input is drained.
    await Promise.race([stopSignal.stopped, appliance.drained]);
  } finally {
    process.off('SIGHUP', reload);
    process.off('SIGABRT', reload);
    process.off('SIGUSR1', dump);
    process.off('SIGUSR2', reopen);
    stopSignal.cancel();
    await reloads;
    // First: no action from the console starts once the stop has begun.
    await web?.close();
    await appliance.stop();
    await counters?.flush();
    if (options.pidFile !== undefined) await releasePidFile(options.pidFile);
  }
  return ExitCode.Ok;
}

/** The web console inside the appliance; loaded only when asked for. */
async function openConsole(options: ApplianceOptions, appliance: Appliance, logger: Logger): Promise<{ close: () => Promise<void> }> {
  const { startApplianceConsole } = await import('../console/index.js');
  return startApplianceConsole(appliance, {
    http: options.http ?? '', stateDir: options.stateDir, sitesDir: options.sitesDir,
    ...(options.httpCert === undefined ? {} : { httpCert: options.httpCert }),
    ...(options.httpKey === undefined ? {} : { httpKey: options.httpKey }),
    ...(options.usersFile === undefined ? {} : { usersFile: options.usersFile }),
    ...(options.backups === undefined ? {} : { backups: options.backups }),
  }, logger);
}

/** The structured log where the options send it; an Error when it cannot be opened (no syslog socket, an unwritable --log). */
function openLog(options: ApplianceOptions): Logger | Error {
  try {
    return createLogger({
      level: options.logLevel,
      pretty: options.pretty,
      destination: options.syslogFacility !== undefined
        ? syslogStream(options.syslogFacility)
        // A daemon has no terminal: without --log or --syslog its log goes nowhere, as SEC's does.
        : (options.logFile ?? (isDetachedCopy() ? '/dev/null' : 2)),
    });
  } catch (err) {
    if (err instanceof SyslogUnavailableError) return err;
    const code = (err as NodeJS.ErrnoException).code;
    if (options.logFile !== undefined && code !== undefined) return new Error(`--log=${options.logFile}: cannot open (${code})`);
    throw err;
  }
}

function isLogger(value: Logger | Error): value is Logger {
  return !(value instanceof Error);
}

/**
 * Resolves `stopped` at the first SIGTERM or SIGINT, whenever it comes. Once
 * it came, or after `cancel`, a further one has its default effect: a stop
 * that hangs can still be cut short.
 */
function listenForStop(logger: Logger): { stopped: Promise<void>; cancel: () => void } {
  let cancel = (): void => undefined;
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      cancel();
      logger.info({ signal }, 'stopping');
      resolve();
    };
    cancel = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  return { stopped, cancel };
}

export interface Appliance {
  /** The onboarding scheduler, when the rules use native actions. */
  readonly onboarder: Onboarder | undefined;
  /** The device events logged, as the state directory keeps them; listeners hear each as it comes. */
  readonly journal: EventJournal;
  /** Where status, host keys and identities are kept: the state directory, or the database shared with other appliances. */
  readonly store: SharedStore;
  /** With a shared database: where backups are kept unless --backups names a place. */
  readonly backupsDatabase: BackupsDatabase | undefined;
  /** With a shared database: the events of every appliance on it, which the console shows. */
  readonly timeline: SharedTimeline | undefined;
  /** The rule files loaded and how many events each rule matched. */
  ruleStats(): RuleStats;
  /** Resolves when every input has ended (only happens without --tail). */
  readonly drained: Promise<void>;
  /**
   * SIGHUP: new rules, and site files when the rules use native actions.
   * Throws (RuleLoadError, SiteFileError) before anything changed when the
   * site files are broken. The engine is restarted as SEC restarts on HUP:
   * contexts, correlation operations and variables start empty.
   */
  reload(rules: RuleSet): Promise<void>;
  /**
   * SIGABRT: as reload(), but SEC's soft restart: contexts and variables are
   * kept, and so are the correlation operations of rule files that did not change.
   */
  softReload(rules: RuleSet, unchanged: (file: string) => boolean): Promise<void>;
  /** SIGUSR1: the engine's state (rules, operations, contexts, variables) as text, as SEC dumps it. */
  dump(): string;
  /** SIGUSR2: reopen the files `write` actions append to, after a log rotation moved them. */
  reopenOutputs(): void;
  /** Events each rule matched since the rules were loaded. */
  ruleMatches(): RuleMatches[];
  /** The Prometheus metrics, when started with `metrics`. */
  readonly metrics: Metrics | undefined;
  /** Stops reading, lets device work in flight finish, flushes outputs. */
  stop(): Promise<void>;
}

/**
 * Wires inputs → engine → onboarding and starts reading. Site files are
 * validated here (SiteFileError) before any input is opened.
 */
export async function startAppliance(
  options: Pick<ApplianceOptions, 'inputs' | 'configInputs' | 'secInputs' | 'inputMayAppear' | 'follow' | 'fromStart' | 'intevents' | 'intcontexts' | 'jointBuffer' | 'bufferSize' | 'secShellCompat' | 'sitesDir' | 'templatesDir' | 'stateDir' | 'listenSyslog' | 'keaLeases' | 'backupsKeep' | 'backups' | 'backupsRemote' | 'concurrency' | 'stopTimeoutMs' | 'dryRun' | 'metrics' | 'firmwareHttp' | 'firmwareTimeoutMs' | 'store' | 'takeoverMs'>,
  rules: RuleSet,
  logger: Logger,
): Promise<Appliance> {
  const state = new StateStore(options.stateDir);
  // The shared store, when several appliances share one (--store); opened first, as it is where every job records.
  const shared = options.store?.store === undefined ? undefined : await openSharedStore(state, options.store, options, logger);
  const inputLines = new InputLineCounts();
  // prom-client is loaded only when metrics are asked for; a scrape reads the parts below, all in memory.
  const metrics = options.metrics === true
    ? await import('../metrics/index.js').then(({ createMetrics, applianceSource }) => createMetrics(applianceSource({
        onboarder: () => sink.onboarder,
        inputLines: () => inputLines.all(),
        ruleMatches: () => engine.ruleMatches(),
      })))
    : undefined;
  const untapMetrics = metrics === undefined ? undefined : tapLogLines(logger, (line) => { metrics.observeLogLine(line); });
  // First: it hears everything logged from here on, the jobs a stop left over included.
  const journal = new EventJournal(state, logger, shared?.timeline === undefined || shared.appliance === undefined ? {} : { shared: { timeline: shared.timeline, appliance: shared.appliance } });
  // The device layer (SSH, templates, site files) is loaded only when a rule can reach it.
  const onboarderFor = async (ruleSet: RuleSet): Promise<Onboarder | undefined> =>
    ruleSet.usesNativeActions()
      ? (await import('../onboard/index.js')).createOnboarder({
          sitesDir: options.sitesDir,
          templatesDir: options.templatesDir,
          state,
          ...(shared === undefined ? {} : { store: shared.store }),
          ...(shared?.backups === undefined ? {} : { backupsDatabase: shared.backups }),
          ...(shared?.locks === undefined ? {} : { fleetLocks: shared.locks }),
          ...(shared?.claims === undefined ? {} : { claims: shared.claims }),
          logger,
          concurrency: options.concurrency,
          ...(options.stopTimeoutMs === undefined ? {} : { stopTimeoutMs: options.stopTimeoutMs }),
          requireFirmwareHttp: true,
          ...(options.firmwareHttp === undefined ? {} : { firmwareHttp: options.firmwareHttp }),
          ...(options.firmwareTimeoutMs === undefined ? {} : { firmwareReturnTimeoutMs: options.firmwareTimeoutMs }),
          dryRun: options.dryRun,
          backupsKeep: options.backupsKeep,
          ...(options.backups === undefined ? {} : { backups: options.backups }),
          ...(options.backupsRemote === undefined ? {} : { backupsRemote: options.backupsRemote }),
          ...(metrics === undefined ? {} : { jobObserver: metrics.jobs }),
        })
      : undefined;
  const listeners = options.listenSyslog.map(listenSpec);
  const sink = new ReloadableSink(await onboarderFor(rules));
  // Hooks hear the events the onboarder logs; without native actions there are none to hear, and nothing is loaded.
  let notifier: Notifier | undefined;
  const notifyFor = async (onboarder: Onboarder | undefined): Promise<void> => {
    if (onboarder !== undefined) notifier ??= new (await import('../notify/index.js')).Notifier(logger, { stateDir: options.stateDir });
    notifier?.useSites(onboarder?.sites ?? []);
  };
  await notifyFor(sink.onboarder);
  await sink.onboarder?.resumeQueued();
  const keaLeases = options.keaLeases === undefined ? undefined : new KeaLeaseFile(options.keaLeases);
  const inputs = await checkInputPaths(
    await expandInputsByRole({ lease: options.inputs, 'config-change': options.configInputs ?? [], sec: options.secInputs ?? [] }),
    { mayAppear: options.inputMayAppear, follow: options.follow },
  );
  // A followed file has one follower: two would act on each of its lines twice. A replay (--notail) is the operator's own.
  const releaseInputs = await lockInputs(options.follow ? inputs.map(({ path }) => path) : []);
  const contexts = new Map(inputs.map(({ path, context }) => [path, context]));
  const roles = new Map<string, InputRole>([
    ...inputs.map(({ path, role }): [string, InputRole] => [path, role]),
    ...listeners.map(({ name, role }): [string, InputRole] => [name, role]),
  ]);
  const leaseTimes = new LeaseTimes(sink);
  const gate = new RoleGate(leaseTimes, () => engine.inputOfCurrentEvent(), roles, logger);
  const engine: Engine = new Engine(rules, {
    logger,
    sink: gate,
    secShellCompat: options.secShellCompat,
    intevents: options.intevents,
    // An input with its own context turns internal contexts on for all, as in SEC.
    intcontexts: options.intcontexts || inputs.some(({ context }) => context !== undefined),
    jointBuffer: options.jointBuffer,
    bufferSize: options.bufferSize,
    dhcpHostnames: keaLeases,
  });
  engine.start();
  const ruleStats = new RuleStatsWriter(state, () => engine.ruleMatches(), logger);
  // Leases are logged when the rules read them (ptype=DHCP); a plain SEC rule set pays nothing for the parsing.
  let leaseRules = rules.usesDhcpPatterns();
  const onLine = (line: string, source: string): void => {
    if (metrics !== undefined) inputLines.add(source);
    const lease = leaseRules ? logLease(line, source, keaLeases, logger) : undefined;
    leaseTimes.during(lease, () => { engine.processLine(line, source, contexts.get(source)); });
  };
  const paths = inputs.map(({ path }) => path);
  const sources: InputSource[] = [];
  let drained: Promise<void>;
  if (!options.follow && options.listenSyslog.length === 0) {
    // --notail: every input from its start to its end, a line from each in turn, as SEC reads them.
    // Nothing to watch, so the watcher (chokidar) is not even loaded. Lines no rule can match are
    // passed over undecoded (never when rules read leases: those lines are checked for hostile hostnames).
    drained = new Promise<void>((resolve) => {
      readInputsInTurn(paths, onLine, engine.lineFilter());
      resolve();
    });
  } else {
    const { readStdin, tailFile, PositionStore, listenSyslog } = await import('../input/index.js');
    const positions = options.follow && !options.fromStart ? new PositionStore(state) : undefined;
    for (const path of paths) {
      sources.push(
        path === '-'
          ? readStdin({ onLine, logger, encoding: 'latin1' })
          : tailFile({ path, fromStart: options.fromStart || !options.follow, follow: options.follow, onLine, logger, positions, encoding: 'latin1' }),
      );
    }
    for (const { name, url, role, allow } of listeners) {
      if (allow?.cidrs.length === 0) logger.warn({ path: name, role }, `${url} is a ${role} listener with no allowed senders (allow=): every message to it is dropped`);
      // Named as given, options included, so that two listeners are two inputs even on the same address.
      sources.push(listenSyslog({ url: name, onLine, logger, ...(allow === undefined ? {} : { allow }) }));
    }
    await Promise.all(sources.map((source) => source.start()));
    drained = Promise.all(sources.map((source) => source.done)).then(() => undefined);
  }

  // The assignments `onramp assign` writes are taken up within a second, whoever wrote them.
  await sink.onboarder?.takeAssignments();
  const ticker = setInterval(() => {
    engine.tick();
    void sink.onboarder?.takeAssignments();
  }, 1000);
  return {
    get onboarder() {
      return sink.onboarder;
    },
    journal,
    store: shared?.store ?? state,
    backupsDatabase: shared?.backups,
    timeline: shared?.timeline,
    ruleStats() {
      return ruleStats.current();
    },
    drained,
    reload(next: RuleSet) {
      return replaceRules(next, () => {
        engine.restart(next);
      });
    },
    softReload(next: RuleSet, unchanged: (file: string) => boolean) {
      return replaceRules(next, () => {
        engine.softRestart(next, unchanged);
      });
    },
    dump() {
      return engine.dump();
    },
    reopenOutputs() {
      engine.reopenOutputs();
    },
    ruleMatches() {
      return engine.ruleMatches();
    },
    metrics,
    async stop() {
      clearInterval(ticker);
      // First of all: no job, session or push starts from here on.
      const halted = sink.stop();
      await Promise.all(sources.map((source) => source.stop()));
      await releaseInputs();
      await engine.close();
      gate.close();
      await halted;
      await sink.close();
      await notifier?.close();
      untapMetrics?.();
      await ruleStats.close();
      await journal.close();
      await shared?.close();
    },
  };

  async function replaceRules(next: RuleSet, restartEngine: () => void): Promise<void> {
    if (next.usesNativeActions()) {
      const { loadInventory } = await import('../inventory/index.js');
      const { backupKeys, siteRemote } = await import('../backups/index.js');
      // What creating the onboarder would refuse is refused here, so the configuration in force stays.
      const inventory = await loadInventory(options.sitesDir, options.templatesDir);
      backupKeys(inventory.sites);
      siteRemote(inventory.sites);
    }
    restartEngine();
    ruleStats.reloaded();
    leaseRules = next.usesDhcpPatterns();
    await sink.replace(async () => {
      try {
        return await onboarderFor(next);
      } catch (err) {
        // The site files changed again between validation and use.
        logger.error({ err }, 'site files failed to load after validation: native actions are dropped until the next reload');
        return undefined;
      }
    });
    await notifyFor(sink.onboarder);
  }
}

/**
 * SIGHUP (full) and SIGABRT (soft) reloads. A broken new rule or site file
 * is reported with its file:line and changes nothing. A soft reload keeps
 * the operations of rule files whose size and modification time are those
 * of the last load, as SEC decides which files changed.
 */
class RuleReloader {
  private stamps = new Map<string, string>();

  constructor(
    private readonly load: () => Promise<RuleSet>,
    private readonly appliance: Appliance,
    private readonly logger: Logger,
  ) {}

  /** Remembers the files of the rules now running. */
  async loaded(rules: RuleSet): Promise<void> {
    this.stamps = await stampsOf(rules);
  }

  async reload(signal: 'SIGHUP' | 'SIGABRT'): Promise<void> {
    this.logger.info({ signal }, signal === 'SIGHUP' ? 'reloading rules and site files' : 'soft reload: rules of unchanged files keep their state');
    let rules: RuleSet;
    try {
      rules = await this.load();
      const next = await stampsOf(rules);
      if (signal === 'SIGHUP') {
        await this.appliance.reload(rules);
      } else {
        const before = this.stamps;
        await this.appliance.softReload(rules, (file) => before.get(file) !== undefined && before.get(file) === next.get(file));
      }
      this.stamps = next;
    } catch (err) {
      const errors: unknown[] = err instanceof AggregateError ? err.errors : [err];
      for (const e of errors) {
        if (e instanceof RuleLoadError) this.logger.error({ event: Events.ruleError, file: e.file, line: e.line }, e.message);
        else this.logger.error({ err: e }, e instanceof Error ? e.message : String(e));
      }
      this.logger.warn({ signal }, 'reload refused: the previous rules and site files stay in force');
      return;
    }
    for (const { file, count } of rules.summary()) this.logger.info({ file, rules: count }, `${count} rules loaded from ${file}`);
  }
}

async function stampsOf(rules: RuleSet): Promise<Map<string, string>> {
  const stamps = new Map<string, string>();
  for (const { file } of rules.summary()) {
    const info = await stat(file).catch(() => undefined);
    if (info !== undefined) stamps.set(file, `${String(info.size)}:${String(info.mtimeMs)}`);
  }
  return stamps;
}

/** The database several appliances share, with the fleet's job queue: the driver is loaded only here. */
async function openSharedStore(state: StateStore, flags: StoreFlags, options: Pick<ApplianceOptions, 'takeoverMs' | 'concurrency'>, logger: Logger): Promise<OpenedStore> {
  const { openStore, DEFAULT_DEDUPE_WINDOW_MS, DEFAULT_TAKEOVER_MS } = await import('../postgres/index.js');
  return openStore(state, flags, logger, {
    // A connection per job recording at once, and a few for the queue and readers.
    connections: options.concurrency + 4,
    queue: { takeoverMs: options.takeoverMs ?? DEFAULT_TAKEOVER_MS, windowMs: DEFAULT_DEDUPE_WINDOW_MS },
  });
}

function listenSpec(text: string): ListenSpec {
  const spec = parseListenSpec(text);
  if (typeof spec === 'string') throw new Error(`--listen-syslog ${spec}`);
  return spec;
}

function reportLoadError(err: unknown): void {
  const errors = err instanceof AggregateError ? err.errors : [err];
  for (const e of errors) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  }
}
