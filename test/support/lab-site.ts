import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Lab } from '../../src/lab/index.js';

export interface LabSiteOptions {
  /** The site's `policy:` (default `{ onDrift: report, recheckAfter: 1h }`). */
  policy?: string;
  /** Adds `factoryCredentials` from ONRAMP_FACTORY_PASSWORD. */
  factory?: boolean;
  /** More site.yaml text after `devices:` (a `portmap:`). */
  extra?: string;
}

/**
 * `DIR/sites/hq` for lab switches of the fs-s5850 family: each switch named
 * in `baselines` is a device at its lab address with that baseline, logged in
 * to with ONRAMP_HQ_PASSWORD. Returns the sites folder.
 */
export async function writeLabSite(dir: string, lab: Lab, baselines: Record<string, string>, options: LabSiteOptions = {}): Promise<string> {
  const sites = join(dir, 'sites');
  await mkdir(join(sites, 'hq'), { recursive: true });
  const devices = Object.keys(baselines).map((name) =>
    `  - { hostname: ${name}, model: fs-s5850, ip: ${lab.get(name).address}, baseline: ${name}.cfg, vars: { mgmtIp: 10.77.0.10, uplinkPort: eth-0-1 } }\n`).join('');
  await writeFile(join(sites, 'hq', 'site.yaml'), `name: hq
subnets: [127.77.0.0/16]
credentials: { username: admin, passwordEnv: ONRAMP_HQ_PASSWORD }
${options.factory === true ? 'factoryCredentials: { username: admin, passwordEnv: ONRAMP_FACTORY_PASSWORD }\n' : ''}ssh: { port: ${String(lab.port)}, timeoutMs: 10000, retries: 0, hostKeys: pin }
policy: ${options.policy ?? '{ onDrift: report, recheckAfter: 1h }'}
vars: { location: hq, mgmtVlan: 77, mgmtMask: 255.255.255.0, vlans: [{ id: 10, name: users }, { id: 77, name: mgmt }] }
devices:
${devices}${options.extra ?? ''}`);
  for (const [name, baseline] of Object.entries(baselines)) await writeFile(join(sites, 'hq', `${name}.cfg`), baseline);
  return sites;
}
