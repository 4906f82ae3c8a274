import { appendFile, mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { startAppliance, type Appliance } from '../agent/appliance.js';
import { loadRules } from '../engine/index.js';
import { digestBytes } from '../firmware/index.js';
import { Lab, labImage, type LabSwitchSpec } from '../lab/index.js';
import { Events, REDACT_PATHS, silentLogger } from '../log/index.js';
import type { RunningConsole } from '../console/index.js';
import { ExitCode } from '../exit-codes.js';
import { Narrator, type LogRecord } from './narrator.js';

const PACKAGE_ROOT = join(import.meta.dirname, '..', '..');
const PASSWORD_ENV = 'ONRAMP_DEMO_PASSWORD';
const STEP_TIMEOUT_MS = 60_000;
/** What the factory switch ships with, and what the site wants its model to run. */
const FACTORY_VERSION = '1.7.3';
const SITE_VERSION = '1.7.6';
/** The factory switch's reload into its new OS: a few seconds in the lab. */
const RELOAD_MS = 3000;

interface Scenario {
  title: string;
  /** The name the switch asks DHCP for. */
  dhcpName: string;
  /** The lab switch, when its name is not the one it asks DHCP for (two factory switches both say `Switch`). */
  labName?: string;
  /** Who the switch is once onramp is done with it. */
  finalName: string;
  mac: string;
  /** It ends as a known switch, checked again at the end; a parked one waits for an operator instead. */
  known: boolean;
}

const SCENARIOS: Scenario[] = [
  { title: 'a known switch that matches its baseline', dhcpName: 'FS-S5850-CORE1', finalName: 'FS-S5850-CORE1', mac: '64:9d:99:00:00:01', known: true },
  { title: 'a known switch that drifted (site policy: remediate)', dhcpName: 'FS-S5850-SRV', finalName: 'FS-S5850-SRV', mac: '64:9d:99:00:00:02', known: true },
  {
    title: `a factory-new switch cabled to FS-S5850-CORE1 port eth-0-12, on FSOS ${FACTORY_VERSION} where the site wants ${SITE_VERSION}`,
    dhcpName: 'Switch', finalName: 'FS-S3900-ACC1', mac: 'be:b5:de:01:12:c3', known: true,
  },
  {
    title: 'a factory-new switch on FS-S5850-CORE1 port eth-0-20, which the port map does not know: parked',
    dhcpName: 'Switch', labName: 'Switch-B', finalName: 'Switch be:b5:de:01:12:d4', mac: 'be:b5:de:01:12:d4', known: false,
  },
];

/**
 * `onramp demo` (npm start): the seed workflow on the embedded lab. Three
 * emulated switches answer real SSH on loopback; DHCPACK lines are appended
 * to a dhcpd log that onramp watches with the shipped rules, exactly as on
 * an appliance. Everything lives in a temporary folder that is removed at
 * the end, and nothing is left running.
 */
export async function runDemo(options: Record<string, unknown>): Promise<number> {
  const out = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  const dir = await mkdtemp(join(tmpdir(), 'onramp-demo-'));
  // The lab and the site share one throw-away password, handed over through the environment as a real site would.
  process.env[PASSWORD_ENV] = randomBytes(12).toString('base64url');
  let lab: Lab | undefined;
  let appliance: Appliance | undefined;
  let web: RunningConsole | undefined;
  try {
    const logPath = join(dir, 'dhcpd.log');
    await writeFile(logPath, '');
    let boots = 0;
    lab = await Lab.start({
      switches: await labSwitches(), keyDir: join(dir, 'lab-keys'), reloadMs: RELOAD_MS,
      // A switch back from its reload asks DHCP again: its DHCPACK lands in the log like any other.
      onBoot: (sw) => {
        const line = `Nov 23 10:01:${String(boots++).padStart(2, '0')} dhcp1 dhcpd[812]: DHCPACK on ${sw.address} to ${sw.spec.mac} (Switch) via eth1`;
        out(`  + ${line}   (back from its reload)`);
        void appendFile(logPath, `${line}\n`);
      },
    });
    await writeSite(dir, lab);

    out(`onramp demo: ${String(SCENARIOS.length)} emulated switches answering real SSH on loopback\n`);
    for (const scenario of SCENARIOS) {
      const sw = lab.get(scenario.labName ?? scenario.dhcpName);
      out(`  ${scenario.dhcpName.padEnd(15)} ${`${sw.address}:${lab.port}`.padEnd(18)} ${sw.spec.personality.padEnd(9)} ${scenario.title}`);
    }
    out(`\nwatching ${logPath} with rules/dhcp.rules; site folder ${join(dir, 'sites')}\n`);

    const narrator = new Narrator(out);
    const logger = pino({ level: 'info', base: { pid: process.pid }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
      options.prettyLog === true ? pino.multistream([{ stream: narrator }, { stream: process.stderr }]) : narrator);
    const rules = await loadRules([join(PACKAGE_ROOT, 'rules', 'dhcp.rules')]);
    appliance = await startAppliance({
      inputs: [logPath], inputMayAppear: false, follow: true, fromStart: false, intevents: false, intcontexts: false, jointBuffer: false, bufferSize: undefined, secShellCompat: false,
      sitesDir: join(dir, 'sites'), templatesDir: join(PACKAGE_ROOT, 'templates'), stateDir: join(dir, 'state'),
      listenSyslog: [], keaLeases: undefined, backupsKeep: 50, concurrency: 4, dryRun: false,
      firmwareHttp: { host: '127.0.0.1', port: 0 }, metrics: true,
    }, rules, logger);
    const onboarder = appliance.onboarder;
    if (onboarder === undefined) throw new Error('rules/dhcp.rules has no onboard action');
    web = await openConsole(appliance, dir, out, options.keep === true);

    let failures = 0;
    for (const [index, scenario] of SCENARIOS.entries()) {
      const sw = lab.get(scenario.labName ?? scenario.dhcpName);
      const line = `Nov 23 10:00:0${index} dhcp1 dhcpd[812]: DHCPACK on ${sw.address} to ${scenario.mac} (${scenario.dhcpName}) via eth1`;
      out(`${index + 1}. ${scenario.title}\n  + ${line}`);
      const appended = performance.now();
      await appendFile(logPath, `${line}\n`);
      // A second factory switch also asks for `Switch`: it is known here only by what onramp calls it.
      const names = new Set([scenario.finalName, ...(scenario.labName === undefined ? [scenario.dhcpName] : [])]);
      const seenAt = records(narrator).length;
      await narrator.waitFor((r) => r.device !== undefined && names.has(r.device) && r.event !== Events.checkStart && r.event !== Events.dhcpAck, STEP_TIMEOUT_MS, `work on ${scenario.dhcpName}`);
      await onboarder.idle();
      const outcome = lastOutcome(records(narrator).slice(seenAt), names);
      const expected = scenario.known ? outcome !== undefined && outcome.result !== 'failed' && outcome.result !== 'unreachable' : outcome?.result === 'parked';
      if (!expected) failures++;
      out(`    ${outcome?.result ?? 'no result'} ${(performance.now() - appended).toFixed(0)} ms after the DHCPACK line was appended\n`);
    }

    const known = SCENARIOS.filter((each) => each.known);
    out(`re-checking the ${String(known.length)} known switches:`);
    for (const each of known) {
      const code = await onboarder.checkHost(each.finalName);
      if (code !== ExitCode.Ok) failures++;
    }
    const factory = lab.get(scenario(2).finalName);
    out(`\nthe factory switch now calls itself ${factory.hostname()}, runs FSOS ${factory.version()} (it came with ${FACTORY_VERSION}) and has saved its config (${factory.saves()} save).`);
    const parked = lab.get(scenario(3).labName ?? '');
    out(`the unknown one is parked as ${parked.hostname()}: access ports shut, the site login in place of the factory one; onramp status shows what it saw, and`);
    out(`  onramp assign ${scenario(3).mac} --as NAME   provisions it as a port map entry.`);
    out(failures === 0 ? 'demo finished: every switch is as its site says.' : `demo finished with ${failures} failure(s).`);
    if (options.keep === true) await untilEnter(`\nthe console is still at ${web.url}: press Enter to stop and clean up.`, out);
    return failures === 0 ? ExitCode.Ok : ExitCode.Runtime;
  } catch (err) {
    process.stderr.write(`onramp demo: ${err instanceof Error ? err.message : String(err)}\n`);
    return ExitCode.Runtime;
  } finally {
    await web?.close();
    await appliance?.stop();
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The web console on a free loopback port, with a throw-away operator: its URL and login are printed. */
async function openConsole(appliance: Appliance, dir: string, out: (line: string) => void, keep: boolean): Promise<RunningConsole> {
  const { startApplianceConsole, Users } = await import('../console/index.js');
  const password = randomBytes(9).toString('base64url');
  const stateDir = join(dir, 'state');
  await new Users(join(stateDir, 'users.json')).add('demo', 'operator', password);
  const web = await startApplianceConsole(appliance, { http: '127.0.0.1:0', stateDir, sitesDir: join(dir, 'sites') }, silentLogger());
  out(`web console: ${web.url}  (user demo, password ${password}; ${keep ? 'kept until you press Enter at the end' : 'live while the demo runs; npm start -- --keep keeps it'})\n`);
  return web;
}

/** Prints `prompt` and resolves at the first Enter (or when standard input ends). */
async function untilEnter(prompt: string, out: (line: string) => void): Promise<void> {
  out(prompt);
  const { createInterface } = await import('node:readline');
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => {
    lines.once('line', () => { resolve(); });
    lines.once('close', () => { resolve(); });
  });
  lines.close();
}

function scenario(index: number): Scenario {
  const found = SCENARIOS[index];
  if (found === undefined) throw new Error(`no demo scenario ${index}`);
  return found;
}

function records(narrator: Narrator): LogRecord[] {
  return narrator.records;
}

/** The last record that ended a piece of work on one of these devices. */
function lastOutcome(seen: LogRecord[], names: Set<string>): LogRecord | undefined {
  const ends = new Set<string>([Events.checkOk, Events.checkDrift, Events.provisionDone, Events.provisionFailed, Events.unreachable,
    Events.identityUnknown, Events.identityAmbiguous, Events.identityConflict, Events.checkFailed, Events.parked]);
  return seen.filter((r) => r.device !== undefined && names.has(r.device) && r.event !== undefined && ends.has(r.event)).at(-1);
}

async function labSwitches(): Promise<LabSwitchSpec[]> {
  const password = process.env[PASSWORD_ENV] ?? '';
  const baseline = (name: string): Promise<string> => readFile(join(PACKAGE_ROOT, 'baselines', 'hq', `${name}.cfg`), 'utf8');
  const srv = await baseline('FS-S5850-SRV');
  // Someone relabelled a server port and patched a spare one into the users' VLAN: the kind of drift a field visit leaves.
  const drifted = srv
    .replace(' description server-b', ' description temp-laptop')
    .replace('interface vlan77', 'interface eth-0-7\n description spare\n switchport access vlan 10\n!\ninterface vlan77');
  return [
    { hostname: 'FS-S5850-CORE1', personality: 'fs-s5850', mac: scenario(0).mac, username: 'admin', password, runningConfig: await baseline('FS-S5850-CORE1') },
    { hostname: 'FS-S5850-SRV', personality: 'fs-s5850', mac: scenario(1).mac, username: 'admin', password, runningConfig: drifted },
    {
      hostname: 'Switch', personality: 'fs-s3900', mac: scenario(2).mac, username: 'admin', password, version: FACTORY_VERSION,
      uplink: { device: 'FS-S5850-CORE1', port: 'eth-0-12', localPort: 'ethernet 1/25' },
    },
    {
      hostname: 'Switch-B', personality: 'fs-s3900', mac: scenario(3).mac, username: 'admin', password, version: FACTORY_VERSION,
      uplink: { device: 'FS-S5850-CORE1', port: 'eth-0-20', localPort: 'ethernet 1/26' },
    },
  ];
}

/** The example site of baselines/hq, moved onto the lab's loopback addresses and port. */
async function writeSite(dir: string, lab: Lab): Promise<void> {
  const site = join(dir, 'sites', 'lab');
  await mkdir(site, { recursive: true });
  for (const name of ['FS-S5850-CORE1', 'FS-S5850-SRV']) {
    await writeFile(join(site, `${name}.cfg`), await readFile(join(PACKAGE_ROOT, 'baselines', 'hq', `${name}.cfg`)));
  }
  const ip = (name: string): string => lab.get(name).address;
  // The OS images the site names, kept in its folder and served by onramp: the S3900's new one, and the S5850s' current one.
  const s3900 = labImage('fs-s3900', SITE_VERSION, 512 * 1024);
  const s5850 = labImage('fs-s5850', '7.2.2');
  await writeFile(join(site, `s3900-${SITE_VERSION}.bix`), s3900);
  await writeFile(join(site, 's5850-7.2.2.r'), s5850);
  await writeFile(join(site, 'site.yaml'), `name: lab
subnets: [127.77.0.0/16]
credentials: { username: admin, passwordEnv: ${PASSWORD_ENV} }
factoryCredentials: { username: admin, passwordEnv: ${PASSWORD_ENV} }
ssh: { port: ${lab.port}, timeoutMs: 10000, retries: 1, hostKeys: pin }
policy: { onDrift: remediate, recheckAfter: 1h }
firmware:
  fs-s3900: { version: ${SITE_VERSION}, image: s3900-${SITE_VERSION}.bix, sha256: ${digestBytes(s3900).sha256}, returnTimeout: 1m }
  fs-s5850: { version: 7.2.2, image: s5850-7.2.2.r, sha256: ${digestBytes(s5850).sha256} }
vars:
  location: hq
  mgmtVlan: 77
  mgmtMask: 255.255.255.0
  vlans: [{ id: 10, name: users }, { id: 20, name: voice }, { id: 77, name: mgmt }]
devices:
  - { hostname: FS-S5850-CORE1, model: fs-s5850, ip: ${ip('FS-S5850-CORE1')}, baseline: FS-S5850-CORE1.cfg, vars: { mgmtIp: 10.77.0.10, uplinkPort: eth-0-1 } }
  - { hostname: FS-S5850-SRV, model: fs-s5850, ip: ${ip('FS-S5850-SRV')}, baseline: FS-S5850-SRV.cfg, vars: { mgmtIp: 10.77.0.11, uplinkPort: eth-0-49 } }
portmap:
  - { uplink: { device: FS-S5850-CORE1, port: eth-0-12 }, hostname: FS-S3900-ACC1, model: fs-s3900, vars: { mgmtIp: 10.77.0.21, uplinkPort: 1/25 } }
`);
}
