import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { HostKeyStore } from '../../src/device/index.js';
import { Lab, type LabSwitchSpec } from '../../src/lab/index.js';
import { createOnboarder, readStatus, type DeviceStatus, type Onboarder } from '../../src/onboard/index.js';
import { StateStore } from '../../src/state/index.js';
import { memoryLogger, tempDir, writeTree, type LogRecord } from '../onboard-fakes.js';
import { FakeSshServer } from './fake-ssh-server.js';

/** The site password: a test fails if the fake server ever records it. */
export const SITE_PASSWORD = 'Core1-site-Passw0rd';
export const CORE1 = 'FS-S5850-CORE1';
export const CORE1_MAC = '00:aa:bb:00:00:01';
/** The attacker's lease, as issue 14 filed it. */
export const SPOOF = { ip: '127.77.0.50', mac: '11:22:33:44:55:69' };

const ROOT = join(import.meta.dirname, '..', '..');
const BASELINE = await readFile(join(ROOT, 'baselines/hq/FS-S5850-CORE1.cfg'), 'utf8');

export interface IdentityWorldOptions {
  /** CORE1's `ip:` in the site file: its lab address by default, or `dhcp`. */
  ip?: 'dhcp';
  hostKeys?: 'pin' | 'tofu-on-move';
  onDrift?: 'report' | 'remediate';
  /** Adds factory credentials and a port map entry for FACTORY_MAC. */
  portmap?: boolean;
}

/** The MAC of the port map entry FS-S3900-ACC2 (with `portmap: true`). */
export const FACTORY_MAC = 'be:b5:de:01:12:a1';

const PORTMAP = `factoryCredentials: { username: admin, passwordEnv: ONRAMP_IDENTITY_PASSWORD }
vars: { location: hq, mgmtVlan: 77, mgmtMask: 255.255.255.0, vlans: [{ id: 77, name: mgmt }] }
portmap:
  - { mac: "${FACTORY_MAC}", hostname: FS-S3900-ACC2, model: fs-s3900, vars: { mgmtIp: 10.77.0.22, uplinkPort: 1/25 } }
`;

/**
 * CORE1 as a real lab switch over SSH, its site, an onboarder on a fresh
 * state directory, and an attacker's SSH server at 127.77.0.50 on the lab's
 * port, which records every password offered to it.
 */
export interface IdentityWorld {
  lab: Lab;
  trap: FakeSshServer;
  onboarder: Onboarder;
  state: StateStore;
  records: LogRecord[];
  /** Options a command needs to work on this world's sites and state. */
  cli: Record<string, unknown>;
  sitesDir: string;
  core1Address: string;
  keyDir: string;
  /** A lease line reaching the appliance, then waiting until its work is done. */
  lease(ip: string, mac: string, hostname?: string): Promise<void>;
  events(event: string): LogRecord[];
  status(): Promise<DeviceStatus | undefined>;
  pins(): Promise<string[]>;
  /** Another lab, e.g. CORE1 itself moved to a new address (same key directory: same host key). */
  startSwitch(address: string, keyDir?: string): Promise<Lab>;
}

function core1Spec(address?: string): LabSwitchSpec {
  return {
    hostname: CORE1, personality: 'fs-s5850', mac: CORE1_MAC, username: 'admin', password: SITE_PASSWORD, runningConfig: BASELINE,
    ...(address === undefined ? {} : { address }),
  };
}

export async function identityWorld(t: TestContext, options: IdentityWorldOptions = {}): Promise<IdentityWorld> {
  process.env.ONRAMP_IDENTITY_PASSWORD = SITE_PASSWORD;
  const { dir, remove } = await tempDir('onramp-identity-');
  const keyDir = join(dir, 'keys');
  const lab = await Lab.start({ switches: [core1Spec()], keyDir });
  const extraLabs: Lab[] = [];
  const trap = await FakeSshServer.start({ address: SPOOF.ip, port: lab.port });
  const core1Address = lab.get(CORE1).address;
  const ip = options.ip ?? core1Address;
  await writeTree(dir, {
    'sites/hq/site.yaml': `name: hq
subnets: [127.77.0.0/16]
credentials: { username: admin, passwordEnv: ONRAMP_IDENTITY_PASSWORD }
ssh: { port: ${String(lab.port)}, timeoutMs: 5000, retries: 0, hostKeys: ${options.hostKeys ?? 'pin'} }
policy: { onDrift: ${options.onDrift ?? 'report'}, recheckAfter: 1h }
devices:
  - { hostname: ${CORE1}, model: fs-s5850, ip: ${ip}, baseline: FS-S5850-CORE1.cfg }
${options.portmap === true ? PORTMAP : ''}`,
    'sites/hq/FS-S5850-CORE1.cfg': BASELINE,
  });
  const memory = memoryLogger();
  const state = new StateStore(join(dir, 'state'));
  const sitesDir = join(dir, 'sites');
  const templatesDir = join(ROOT, 'templates');
  const onboarder = await createOnboarder({ sitesDir, templatesDir, state, logger: memory.logger });
  t.after(async () => {
    await onboarder.close();
    await Promise.all([lab.stop(), trap.stop(), ...extraLabs.map((extra) => extra.stop())]);
    await remove();
  });
  return {
    lab, trap, onboarder, state, records: memory.records, core1Address, keyDir, sitesDir,
    cli: { sites: sitesDir, templates: templatesDir, state: state.root },
    lease: async (leaseIp, mac, hostname = CORE1) => {
      onboarder.onboard(leaseIp, mac, hostname);
      await onboarder.idle();
    },
    events: (event) => memory.records.filter((record) => record.event === event),
    status: async () => (await readStatus(state)).find((entry) => entry.device === CORE1),
    pins: async () => (await new HostKeyStore(state).list()).map((pin) => `${pin.owner} ${pin.fingerprint}`),
    startSwitch: async (address, otherKeys) => {
      const extra = await Lab.start({ switches: [core1Spec(address)], keyDir: otherKeys ?? keyDir, port: lab.port });
      extraLabs.push(extra);
      return extra;
    },
  };
}
