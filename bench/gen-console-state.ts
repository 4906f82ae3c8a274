/**
 * A state directory as a big site leaves it after weeks of work, for the
 * console benchmark: one site of `uplinks` core switches with `perUplink`
 * access switches in its port map each (40 × 49 + 40 = 2,000 devices), a
 * status for most of them, and `events` journal entries written by the
 * appliance's own journal (so the file is what a running onramp writes),
 * spread over the last 30 days. Deterministic: the same options give the
 * same state.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { Users } from '../src/console/index.js';
import { EventJournal } from '../src/journal/index.js';
import { Events } from '../src/log/index.js';
import { stateAfter } from '../src/onboard/device-state.js';
import type { DeviceStatus } from '../src/onboard/status.js';
import { StateStore } from '../src/state/index.js';

export const BENCH_SITE = 'dc1';
export const BENCH_USER = { name: 'bench', password: 'bench-Operator-Passw0rd' };

export interface ConsoleStateOptions {
  uplinks: number;
  perUplink: number;
  events: number;
}

export interface ConsoleState {
  sitesDir: string;
  stateDir: string;
  devices: number;
  /** The site password the site file names by environment variable. */
  env: Record<string, string>;
}

/** Small deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const coreName = (i: number): string => `DC1-CORE-${pad(i + 1, 2)}`;
const accessName = (i: number, port: number): string => `DC1-ACC-${pad(i + 1, 2)}-${pad(port + 1, 2)}`;
const coreIp = (i: number): string => `10.64.0.${String(i + 1)}`;
const accessIp = (i: number, port: number): string => `10.64.${String(i + 1)}.${String(port + 10)}`;
const hex = (n: number): string => n.toString(16).padStart(2, '0');
const macOf = (i: number, port: number): string => `02:64:00:${hex(i)}:${hex(port)}:01`;

export async function generateConsoleState(dir: string, options: ConsoleStateOptions): Promise<ConsoleState> {
  const root = join(import.meta.dirname, '..');
  const golden = await readFile(join(root, 'baselines', 'hq', 'FS-S5850-CORE1.cfg'), 'utf8');
  const sitesDir = join(dir, 'sites');
  const siteDir = join(sitesDir, BENCH_SITE);
  const stateDir = join(dir, 'state');
  await mkdir(siteDir, { recursive: true });
  const devices: string[] = [];
  const portmap: string[] = [];
  const names: { name: string; ip: string; mac: string }[] = [];
  for (let i = 0; i < options.uplinks; i++) {
    const name = coreName(i);
    devices.push(`  - { hostname: ${name}, model: fs-s5850, ip: ${coreIp(i)}, baseline: ${name}.cfg }`);
    await writeFile(join(siteDir, `${name}.cfg`), golden.replaceAll('FS-S5850-CORE1', name).replace('ip address 10.77.0.10 255.255.255.0', `ip address ${coreIp(i)} 255.255.255.0`));
    names.push({ name, ip: coreIp(i), mac: macOf(i, 99) });
    for (let port = 0; port < options.perUplink; port++) {
      const access = accessName(i, port);
      portmap.push(`  - { uplink: { device: ${name}, port: eth-0-${String(port + 1)} }, hostname: ${access}, model: fs-s3900, vars: { mgmtIp: ${accessIp(i, port)}, uplinkPort: 1/25 } }`);
      names.push({ name: access, ip: accessIp(i, port), mac: macOf(i, port) });
    }
  }
  await writeFile(join(siteDir, 'site.yaml'), `name: ${BENCH_SITE}
subnets: [10.64.0.0/16]
credentials: { username: admin, passwordEnv: ONRAMP_BENCH_PASSWORD }
factoryCredentials: { username: admin, passwordEnv: ONRAMP_BENCH_PASSWORD }
vars: { location: dc1, mgmtVlan: 77, mgmtMask: 255.255.255.0, vlans: [{ id: 10, name: users }, { id: 77, name: mgmt }] }
devices:
${devices.join('\n')}
portmap:
${portmap.join('\n')}
`);

  const state = new StateStore(stateDir);
  const rnd = random(16);
  const now = Date.now();
  const month = 30 * 24 * 3600 * 1000;
  // The status file, written whole: 2,000 records through the status book would rewrite it 2,000 times.
  const statuses: Record<string, DeviceStatus> = {};
  for (const { name, ip, mac } of names) {
    const r = rnd();
    if (r < 0.12) continue; // never seen: waiting
    const outcome: Pick<DeviceStatus, 'lastEvent' | 'action' | 'result'> = r < 0.7 ? { lastEvent: Events.checkOk, action: 'check', result: 'ok' }
      : r < 0.8 ? { lastEvent: Events.checkDrift, action: 'check', result: 'drift' }
        : r < 0.9 ? { lastEvent: Events.provisionDone, action: 'provision', result: 'provisioned' }
          : r < 0.96 ? { lastEvent: Events.unreachable, action: 'check', result: 'unreachable' }
            : { lastEvent: Events.planRefused, action: 'remediate', result: 'failed' };
    const time = now - Math.floor(rnd() * month);
    const status: DeviceStatus = { device: name, site: BENCH_SITE, ip, mac, ...outcome, time: new Date(time).toISOString(), checkedAt: time };
    if (outcome.result === 'drift') status.diff = { added: 1, removed: 1 };
    statuses[name.toLowerCase()] = { ...status, state: stateAfter(undefined, status) };
  }
  await state.writeJson(['status.json'], statuses);

  // The journal as the appliance writes it: events logged, and the journal's own tap keeping them.
  let clock = now - month;
  const logger = pino({ level: 'info', timestamp: () => `,"time":${String(clock)}` }, pino.destination({ dest: '/dev/null', sync: true }));
  const journal = new EventJournal(state, logger);
  const step = month / options.events;
  for (let n = 0; n < options.events; n++) {
    clock += step;
    const device = names[Math.floor(rnd() * names.length)] ?? names[0];
    if (device === undefined) break;
    const fields = { device: device.name, site: BENCH_SITE, ip: device.ip, mac: device.mac };
    switch (n % 5) {
      case 0:
        logger.info({ event: Events.dhcpAck, ...fields, source: '/var/log/dhcpd.log' }, `DHCPACK ${device.ip} to ${device.mac} (${device.name})`);
        break;
      case 1:
        logger.info({ event: Events.checkStart, ...fields }, 'checking configuration');
        break;
      case 2:
        if (rnd() < 0.2) {
          logger.warn({ event: Events.checkDrift, ...fields, result: 'drift', diff: '--- intended\n+++ running\n@@ -3 +3 @@\n-snmp-server location dc1\n+snmp-server location elsewhere\n', added: 1, removed: 1 }, 'configuration drift in snmp: +1 -1');
        } else {
          logger.info({ event: Events.checkOk, ...fields, result: 'ok' }, 'Configuration OK');
        }
        break;
      case 3:
        logger.info({ event: Events.backupSaved, ...fields, result: 'ok', version: String(n), cause: 'scheduled' }, `backup ${String(n)} saved`);
        break;
      default:
        logger.info({ event: Events.provisionStart, ...fields, lines: 2, commands: ['interface eth-0-1', ' description uplink'] }, 'pushing 2 line(s)');
        logger.info({ event: Events.provisionDone, ...fields, result: 'remediated', lines: 2 }, 'drift remediated with 2 line(s), saved and verified');
        n++;
        break;
    }
  }
  await journal.close();

  await new Users(join(stateDir, 'users.json')).add(BENCH_USER.name, 'operator', BENCH_USER.password);
  return { sitesDir, stateDir, devices: names.length, env: { ONRAMP_BENCH_PASSWORD: 'bench-Site-Passw0rd' } };
}
