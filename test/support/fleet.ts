import type { TestContext } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab, type LabSwitch } from '../../src/lab/index.js';
import { readOr, remember, ROOT, waitFor } from '../agent-cli.js';
import { writeLabSite } from './lab-site.js';
import { startCluster, type TestCluster } from './postgres.js';

// Appliances sharing one PostgreSQL store, each `onramp run` following its own copy of a failover pair's log.
export const FLEET_PASSWORD = 'Site-Passw0rd-fleet';

export interface FleetLab {
  lab: Lab;
  /** The appliances started on it: killed before the lab stops (a failed test leaves them running). */
  children: ChildProcess[];
  sites: string;
  switches: LabSwitch[];
}

/**
 * A throwaway PostgreSQL server with the database `name`, and a folder for
 * the fleet's files (removed after the test, kept and printed with KEEP_FLEET
 * set); undefined when the test skips for want of PostgreSQL.
 */
export async function fleetDatabase(t: TestContext, name: string): Promise<{ cluster: TestCluster; dir: string; url: string } | undefined> {
  const cluster = await startCluster(t);
  if (cluster === undefined) return undefined;
  const dir = mkdtempSync(join(tmpdir(), `onramp-fleet-${name}-`));
  t.after(() => { if (process.env.KEEP_FLEET === undefined) rmSync(dir, { recursive: true, force: true }); else console.log(dir); });
  return { cluster, dir, url: await cluster.createDatabase(name) };
}

/** What a drifted switch's baseline has and its running config lacks: a remediation pushes these lines. */
export const DRIFT = ['snmp-server location hq rack 4', '!', 'interface eth-0-5', ' description uplink-a', '!', 'interface eth-0-6', ' description uplink-b', '!'];

/**
 * `count` fs-s5850 lab switches FS-S5850-SW001…, each the site's device with
 * its own running config as its baseline; those in `drifted` lack DRIFT,
 * those in `slow` answer each line after `slowMs`.
 */
export async function fleetLab(
  t: TestContext, dir: string, count: number, options: { slowMs?: number; slow?: string[]; drifted?: string[]; policy?: string } = {},
): Promise<FleetLab> {
  const specs = Array.from({ length: count }, (_, n) => {
    const hostname = `FS-S5850-SW${String(n + 1).padStart(3, '0')}`;
    const mac = `00:aa:${String(Math.floor(n / 256)).padStart(2, '0')}:00:${(n % 256).toString(16).padStart(2, '0')}:01`;
    return {
      hostname, personality: 'fs-s5850' as const, mac, username: 'admin', password: FLEET_PASSWORD,
      ...(options.slow?.includes(hostname) === true ? { faults: ['slow' as const] } : {}),
      // Enough lines that DRIFT stays within the guard rails' change ratio.
      ...(options.drifted?.includes(hostname) === true ? { runningConfig: portsConfig(hostname) } : {}),
    };
  });
  const lab = await Lab.start({ switches: specs, keyDir: join(dir, 'keys'), ...(options.slowMs === undefined ? {} : { slowMs: options.slowMs }) });
  const children: ChildProcess[] = [];
  t.after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await lab.stop();
  });
  const switches = specs.map((spec) => lab.get(spec.hostname));
  const baselines = Object.fromEntries(switches.map((sw) => {
    const running = sw.runningConfig();
    const drifted = options.drifted?.includes(sw.spec.hostname) === true;
    return [sw.spec.hostname, drifted ? running.replace(/^line vty/m, `${DRIFT.join('\n')}\nline vty`) : running];
  }));
  const sites = await writeLabSite(dir, lab, baselines, options.policy === undefined ? {} : { policy: options.policy });
  return { lab, sites, switches, children };
}

/** A running config with twelve described ports. */
function portsConfig(hostname: string): string {
  const ports = Array.from({ length: 12 }, (_, n) => `interface eth-0-${String(n + 20)}\n description access-${String(n + 1)}\n!\n`).join('');
  return `version 7.2.2\n!\nhostname ${hostname}\n!\nusername admin privilege 4 password ${FLEET_PASSWORD}\n!\n${ports}line vty 0 7\n privilege level 4\n!\nend\n`;
}

/** A DHCPACK line as ISC dhcpd logs it, for one lab switch. */
export function ackLine(sw: LabSwitch, time = 'Dec  2 20:00:00'): string {
  return `${time} dhcpsrv dhcpd[812]: DHCPACK on ${sw.address} to ${sw.spec.mac} (${sw.spec.hostname}) via eth1\n`;
}

export interface Appliance {
  name: string;
  input: string;
  log: string;
  state: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  stderr: () => string;
  append(lines: string[]): void;
  /** The log's events named `event`, parsed. */
  events(event: string): Record<string, unknown>[];
}

/** Starts `onramp run` (the shipped bundle) as appliance NAME on the cluster's database `url`, following its own input file. */
export async function startAppliance(t: TestContext, dir: string, fleet: FleetLab, cluster: TestCluster, url: string, name: string, extra: string[] = []): Promise<Appliance> {
  const input = join(dir, `${name}-dhcpd.log`);
  writeFileSync(input, '');
  const log = join(dir, `${name}.log`);
  const state = join(dir, `${name}-state`);
  const child = spawn(process.execPath, [
    join(ROOT, 'dist', 'bin', 'onramp.js'), 'run', `--conf=${join(ROOT, 'rules', 'dhcp.rules')}`, `--input=${input}`,
    `--sites=${fleet.sites}`, `--templates=${join(ROOT, 'templates')}`, `--state=${state}`, `--log=${log}`,
    '--store', url, '--name', name, ...extra,
  ], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...cluster.env(), ONRAMP_HQ_PASSWORD: FLEET_PASSWORD } });
  remember(child.pid ?? 0);
  fleet.children.push(child);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.after(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  await waitFor(`appliance ${name} to open its input`, () => readOr(log).includes('"event":"input.opened"') || child.exitCode !== null, 30_000);
  if (child.exitCode !== null) throw new Error(`appliance ${name} exited ${String(child.exitCode)}: ${stderr}`);
  return {
    name, input, log, state, child, exited,
    stderr: () => stderr,
    append: (lines) => { appendFileSync(input, lines.join('')); },
    events: (event) => readOr(log).split('\n').filter((line) => line.includes(`"event":"${event}"`)).map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
