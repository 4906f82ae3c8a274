import { ExitCode } from '../exit-codes.js';
import { isSyslogFacility, syslogFacilities } from '../log/syslog.js';
import { backupsFlags } from '../backups/cli-options.js';
import { parseImageServerAddress } from '../firmware/server.js';
import { parseDuration } from '../inventory/durations.js';
import { storeFlags } from '../postgres/index.js';
import { runAppliance, type ApplianceOptions } from './appliance.js';

/** Turns commander's option bag for `onramp run` into the appliance's options (SEC defaults where SEC has them). */
export async function runFromCli(raw: Record<string, unknown>): Promise<number> {
  const options = toApplianceOptions(raw);
  if (typeof options === 'string') {
    process.stderr.write(`onramp run: ${options}\n`);
    return ExitCode.BadInput;
  }
  return runAppliance(options);
}

function toApplianceOptions(raw: Record<string, unknown>): ApplianceOptions | string {
  const flag = (name: string): boolean => raw[name] === true;
  const text = (name: string): string | undefined => (typeof raw[name] === 'string' ? raw[name] : undefined);
  const list = (name: string): string[] => (Array.isArray(raw[name]) ? (raw[name] as string[]) : []);
  const conf = list('conf');
  if (conf.length === 0) return 'no rule files: give at least one --conf=GLOB';
  if (flag('tail') && flag('notail')) return '--tail and --notail contradict each other';
  const debug = typeof raw.debug === 'number' ? raw.debug : undefined;
  const bufsize = text('bufsize');
  const bufferSize = bufsize === undefined ? undefined : Number(bufsize);
  if (bufferSize !== undefined && (!Number.isInteger(bufferSize) || bufferSize < 0)) return `--bufsize: expected a whole number of lines, got "${bufsize ?? ''}"`;
  const facility = text('syslog');
  if (facility !== undefined && !isSyslogFacility(facility)) {
    return `--syslog: unknown facility ${JSON.stringify(facility)}; expected one of ${syslogFacilities().join(', ')}`;
  }
  const backups = backupsFlags(raw);
  if (typeof backups === 'string') return backups;
  const firmwareHttp = text('firmwareHttp') === undefined ? undefined : parseImageServerAddress(text('firmwareHttp') ?? '');
  if (typeof firmwareHttp === 'string') return `--firmware-http: ${firmwareHttp}`;
  const firmwareTimeout = text('firmwareTimeout');
  const firmwareTimeoutMs = firmwareTimeout === undefined ? undefined : parseDuration(firmwareTimeout);
  if (firmwareTimeout !== undefined && (firmwareTimeoutMs === undefined || firmwareTimeoutMs < 1000)) return `--firmware-timeout: expected a duration of at least 1s, such as "10m", got "${firmwareTimeout}"`;
  const http = text('http');
  if (http === undefined && (text('httpCert') !== undefined || text('httpKey') !== undefined)) return '--http-cert and --http-key need --http ADDR';
  if ((text('httpCert') === undefined) !== (text('httpKey') === undefined)) return '--http-cert and --http-key go together: give both for TLS, or neither';
  return {
    ...backups,
    conf,
    // As SEC: no input named at all means standard input.
    inputs: list('input').length + list('configInput').length + list('secInput').length > 0 ? list('input') : ['-'],
    configInputs: list('configInput'),
    secInputs: list('secInput'),
    inputMayAppear: flag('inputMayAppear'),
    follow: !flag('notail'),
    fromStart: flag('fromstart') && !flag('nofromstart'),
    testOnly: flag('testonly') && !flag('notestonly'),
    detach: flag('detach') && !flag('nodetach'),
    pidFile: text('pid'),
    logFile: text('log'),
    syslogFacility: facility,
    dumpFile: text('dump') ?? '/tmp/sec.dump',
    intevents: flag('intevents') && !flag('nointevents'),
    intcontexts: flag('intcontexts') && !flag('nointcontexts'),
    jointBuffer: flag('jointbuf') && !flag('nojointbuf'),
    bufferSize,
    secShellCompat: flag('secShellCompat'),
    sitesDir: text('sites') ?? 'baselines',
    templatesDir: text('templates') ?? 'templates',
    stateDir: text('state') ?? 'state',
    listenSyslog: list('listenSyslog'),
    keaLeases: text('keaLeases'),
    backupsKeep: typeof raw.backupsKeep === 'number' ? raw.backupsKeep : 50,
    concurrency: typeof raw.concurrency === 'number' ? raw.concurrency : 8,
    store: storeFlags(raw),
    ...(typeof raw.takeoverAfter === 'number' ? { takeoverMs: raw.takeoverAfter * 1000 } : {}),
    ...(typeof raw.stopTimeout === 'number' ? { stopTimeoutMs: raw.stopTimeout * 1000 } : {}),
    dryRun: flag('dryRun'),
    ...(firmwareHttp === undefined ? {} : { firmwareHttp }),
    ...(firmwareTimeoutMs === undefined ? {} : { firmwareTimeoutMs }),
    pretty: flag('pretty'),
    logLevel: debug !== undefined && debug >= 6 ? 'debug' : (text('logLevel') ?? 'info'),
    // The console serves /metrics: the appliance keeps them only then.
    ...(http === undefined ? {} : { http, metrics: true }),
    ...optional('httpCert', text('httpCert')),
    ...optional('httpKey', text('httpKey')),
    ...optional('usersFile', text('users')),
  };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Partial<Record<K, string>>);
}
