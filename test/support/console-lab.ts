import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Users } from '../../src/console/index.js';
import { Lab, type LabSwitchSpec } from '../../src/lab/index.js';

export const ROOT = join(import.meta.dirname, '..', '..');
/** Every secret the run is given: none may appear in any answer of the console. */
export const SECRETS = {
  site: 'Site-Passw0rd-console',
  factory: 'Factory-Passw0rd-console',
  operator: 'Operator-Passw0rd-console',
  viewer: 'Viewer-Passw0rd-console',
};
export const OPERATOR = { name: 'olga', password: SECRETS.operator };
export const VIEWER = { name: 'victor', password: SECRETS.viewer };

const CORE1 = readFileSync(join(ROOT, 'baselines/hq/FS-S5850-CORE1.cfg'), 'utf8');
const SRV = readFileSync(join(ROOT, 'baselines/hq/FS-S5850-SRV.cfg'), 'utf8');
/** The drift the device page shows: a relabelled server port. */
export const DRIFTED_LINE = ' description temp-laptop';

/** The three factory switches the site's port map expects, and who each becomes. */
export const FACTORY = [
  { lab: 'Switch', mac: 'be:b5:de:01:12:a1', becomes: 'FS-S3900-ACC2', how: 'mac' },
  { lab: 'Switch-2', mac: 'be:b5:de:01:12:b2', becomes: 'FS-S3900-ACC1', how: 'uplink eth-0-12' },
  { lab: 'Switch-3', mac: 'be:b5:de:01:12:c3', becomes: 'FS-S3900-ACC3', how: 'uplink eth-0-13' },
] as const;

export interface ConsoleLab {
  dir: string;
  stateDir: string;
  url: string;
  lab: Lab;
  /** Appends the DHCPACK of a lab switch to the watched log; returns when (ms since the epoch) it was written. */
  lease(labName: string, mac: string, dhcpName: string): number;
  /** The daemon's log so far. */
  log(): string;
  stop(): Promise<void>;
}

function switches(): LabSwitchSpec[] {
  const login = { username: 'admin', password: SECRETS.site };
  const factory = { username: 'admin', password: SECRETS.factory };
  return [
    { hostname: 'FS-S5850-CORE1', personality: 'fs-s5850', mac: '64:9d:99:00:00:01', ...login, runningConfig: CORE1 },
    { hostname: 'FS-S5850-SRV', personality: 'fs-s5850', mac: '64:9d:99:00:00:02', ...login, runningConfig: SRV.replace(' description server-b', DRIFTED_LINE) },
    { hostname: 'Switch', personality: 'fs-s3900', mac: FACTORY[0].mac, ...factory },
    { hostname: 'Switch-2', personality: 'fs-s3900', mac: FACTORY[1].mac, ...factory, uplink: { device: 'FS-S5850-CORE1', port: 'eth-0-12', localPort: 'ethernet 1/25' } },
    { hostname: 'Switch-3', personality: 'fs-s3900', mac: FACTORY[2].mac, ...factory, uplink: { device: 'FS-S5850-CORE1', port: 'eth-0-13', localPort: 'ethernet 1/25' } },
  ];
}

/**
 * A lab of two known switches and three factory ones, and `onramp run
 * --http 127.0.0.1:0` (the built binary) watching a dhcpd log with the
 * shipped rules, an operator and a viewer in its users file.
 */
export async function startConsoleLab(): Promise<ConsoleLab> {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-console-lab-'));
  const lab = await Lab.start({ switches: switches(), keyDir: join(dir, 'keys') });
  const ip = (name: string): string => lab.get(name).address;
  const site = join(dir, 'sites', 'hq');
  await mkdir(site, { recursive: true });
  await writeFile(join(site, 'FS-S5850-CORE1.cfg'), CORE1);
  await writeFile(join(site, 'FS-S5850-SRV.cfg'), SRV);
  await writeFile(join(site, 'site.yaml'), `name: hq
subnets: [127.77.0.0/16]
credentials: { username: admin, passwordEnv: ONRAMP_HQ_PASSWORD }
factoryCredentials: { username: admin, passwordEnv: ONRAMP_FACTORY_PASSWORD }
ssh: { port: ${String(lab.port)}, timeoutMs: 10000, retries: 1, hostKeys: pin }
policy: { onDrift: report, recheckAfter: 1h }
vars: { location: hq, mgmtVlan: 77, mgmtMask: 255.255.255.0, vlans: [{ id: 10, name: users }, { id: 20, name: voice }, { id: 77, name: mgmt }] }
devices:
  - { hostname: FS-S5850-CORE1, model: fs-s5850, ip: ${ip('FS-S5850-CORE1')}, baseline: FS-S5850-CORE1.cfg, vars: { mgmtIp: 10.77.0.10, uplinkPort: eth-0-1 } }
  - { hostname: FS-S5850-SRV, model: fs-s5850, ip: ${ip('FS-S5850-SRV')}, baseline: FS-S5850-SRV.cfg, vars: { mgmtIp: 10.77.0.11, uplinkPort: eth-0-49 } }
portmap:
  - { mac: "${FACTORY[0].mac}", hostname: FS-S3900-ACC2, model: fs-s3900, vars: { mgmtIp: 10.77.0.22, uplinkPort: 1/25 } }
  - { uplink: { device: FS-S5850-CORE1, port: eth-0-12 }, hostname: FS-S3900-ACC1, model: fs-s3900, vars: { mgmtIp: 10.77.0.21, uplinkPort: 1/25 } }
  - { uplink: { device: FS-S5850-CORE1, port: eth-0-13 }, hostname: FS-S3900-ACC3, model: fs-s3900, vars: { mgmtIp: 10.77.0.23, uplinkPort: 1/25 } }
`);
  const stateDir = join(dir, 'state');
  const users = new Users(join(stateDir, 'users.json'));
  await users.add(OPERATOR.name, 'operator', OPERATOR.password);
  await users.add(VIEWER.name, 'viewer', VIEWER.password);
  const input = join(dir, 'dhcpd.log');
  writeFileSync(input, '');
  const logFile = join(dir, 'onramp.log');
  const daemon: ChildProcess = spawn(process.execPath, [
    join(ROOT, 'dist', 'bin', 'onramp.js'), 'run', `--conf=${join(ROOT, 'rules', 'dhcp.rules')}`, `--input=${input}`,
    `--sites=${join(dir, 'sites')}`, `--templates=${join(ROOT, 'templates')}`, `--state=${stateDir}`, `--log=${logFile}`, '--http', '127.0.0.1:0',
  ], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ONRAMP_HQ_PASSWORD: SECRETS.site, ONRAMP_FACTORY_PASSWORD: SECRETS.factory } });
  let stderr = '';
  daemon.stderr?.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const log = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  const stop = async (): Promise<void> => {
    if (daemon.exitCode === null) {
      const exited = new Promise((resolve) => daemon.once('exit', resolve));
      daemon.kill('SIGTERM');
      await exited;
    }
    await lab.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  let url: string | undefined;
  while (url === undefined) {
    url = /"event":"console\.listening","url":"([^"]+)"/.exec(log())?.[1];
    if (url !== undefined) break;
    if (daemon.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`onramp run --http did not start: ${stderr}\n${log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    dir, stateDir, url, lab, log, stop,
    lease: (labName, mac, dhcpName) => {
      appendFileSync(input, `Dec  3 10:00:00 dhcp1 dhcpd[812]: DHCPACK on ${lab.get(labName).address} to ${mac} (${dhcpName}) via eth1\n`);
      return Date.now();
    },
  };
}
