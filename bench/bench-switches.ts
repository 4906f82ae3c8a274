/**
 * The emulated switches the device and fleet benchmarks work on: fs-s5850
 * and fs-s3900 in turn, each with its baseline, a drifted running config
 * for the ones that should be remediated, and the site that knows them all.
 */
import { createHash } from 'node:crypto';
import { labAddress, type LabSwitchSpec, type Personality } from '../src/lab/index.js';

export const BENCH_PASSWORD = 'bench-site-pw';
export const BENCH_PASSWORD_ENV = 'ONRAMP_BENCH_PASSWORD';
export const BENCH_USERNAME = 'admin';

export type Model = Extract<Personality, 'fs-s5850' | 'fs-s3900'>;

export interface BenchDevice {
  hostname: string;
  model: Model;
  ip: string;
  mac: string;
  drifted: boolean;
  baseline: string;
}

function s5850Baseline(hostname: string, n: number): string {
  return `version 7.2.2
!
hostname ${hostname}
!
username ${BENCH_USERNAME} privilege 4 password 8 $1$bench$${createHash('md5').update(hostname).digest('hex').slice(0, 22)}
!
snmp-server location bench rack ${Math.floor(n / 16)}
!
vlan database
 vlan 10 name users
 vlan 20 name voice
 vlan 77 name mgmt
!
interface eth-0-1
 description server-a
 switchport access vlan 10
!
interface eth-0-2
 description server-b
 switchport access vlan 20
!
interface eth-0-49
 description uplink
 switchport mode trunk
!
interface vlan77
 ip address 10.77.${Math.floor(n / 250)}.${(n % 250) + 2} 255.255.0.0
!
line vty 0 7
 privilege level 4
!
end
`;
}

/** FSOS 1.x lists every VLAN database entry as `VLAN N`, however it was typed: the baseline says it so. */
function s3900Baseline(hostname: string, n: number): string {
  return `hostname ${hostname}
!
username ${BENCH_USERNAME} privilege 15
username ${BENCH_USERNAME} password 7 ${createHash('md5').update(BENCH_PASSWORD).digest('hex')}
!
lldp system-name ${hostname}
!
snmp-server location bench rack ${Math.floor(n / 16)}
!
vlan database
 VLAN 1 name DefaultVlan media ethernet state active
 VLAN 10 name users media ethernet state active
 VLAN 77 name mgmt media ethernet state active
!
interface ethernet 1/1
 description desk-a
 switchport access vlan 10
!
interface ethernet 1/25
 description uplink
 switchport mode trunk
!
interface vlan 77
 ip address 10.77.${Math.floor(n / 250)}.${(n % 250) + 2} 255.255.0.0
!
line console
!
line vty
!
end
`;
}

/**
 * Drift of every kind a plan handles: a changed line, an extra block, a
 * missing line. The missing line is the last of its block because the lab
 * appends a re-added VLAN at the end of `vlan database` and the comparison
 * is order-sensitive.
 */
function drift(baseline: string, model: Model): string {
  const changed = baseline.replace(/^snmp-server location .*$/m, 'snmp-server location somewhere else');
  if (model === 'fs-s5850') {
    return changed
      .replace(' description server-b', ' description old-server')
      .replace('interface vlan77', 'interface eth-0-7\n shutdown\n!\ninterface vlan77')
      .replace(' vlan 77 name mgmt\n', '');
  }
  return changed
    .replace(' description desk-a', ' description old-desk')
    .replace('interface ethernet 1/25', 'interface ethernet 1/7\n shutdown\n!\ninterface ethernet 1/25')
    .replace(' VLAN 77 name mgmt media ethernet state active\n', '');
}

/** `count` switches, the even ones fs-s5850 and the odd ones fs-s3900; `drifted(n)` says which start drifted. */
export function benchDevices(count: number, drifted: (n: number) => boolean): BenchDevice[] {
  return Array.from({ length: count }, (_, n) => {
    const model: Model = n % 2 === 0 ? 'fs-s5850' : 'fs-s3900';
    const hostname = `${model === 'fs-s5850' ? 'FS-S5850' : 'FS-S3900'}-B${String(n + 1).padStart(3, '0')}`;
    const mac = `02:be:4c:00:${((n >> 8) & 0xff).toString(16).padStart(2, '0')}:${(n & 0xff).toString(16).padStart(2, '0')}`;
    const baseline = model === 'fs-s5850' ? s5850Baseline(hostname, n) : s3900Baseline(hostname, n);
    return { hostname, model, ip: labAddress(n), mac, drifted: drifted(n), baseline };
  });
}

/** The lab switch of a bench device: its baseline as running config, or the drifted one. */
export function labSpec(device: BenchDevice): LabSwitchSpec {
  return {
    hostname: device.hostname, personality: device.model, mac: device.mac, username: BENCH_USERNAME, password: BENCH_PASSWORD, address: device.ip,
    runningConfig: device.drifted ? drift(device.baseline, device.model) : device.baseline,
  };
}

/** The site of every bench device, remediating drift, at most `concurrency` of them at once. */
export function siteYaml(devices: BenchDevice[], port: number, concurrency: number): string {
  const lines = devices.map(
    (d) => `  - { hostname: ${d.hostname}, model: ${d.model}, ip: ${d.ip}, baseline: ${d.hostname}.cfg, vars: { mgmtIp: 10.77.0.2, uplinkPort: eth-0-49 } }`,
  );
  // retries: 0, so that a connection that needed a second attempt under load shows up as a failure, not as latency.
  return `name: bench
subnets: [127.77.0.0/16]
credentials: { username: ${BENCH_USERNAME}, passwordEnv: ${BENCH_PASSWORD_ENV} }
ssh: { port: ${port}, timeoutMs: 20000, retries: 0, hostKeys: pin }
policy: { onDrift: remediate, recheckAfter: 1h }
concurrency: ${concurrency}
vars:
  location: bench
  mgmtVlan: 77
  mgmtMask: 255.255.0.0
  vlans: [{ id: 10, name: users }, { id: 77, name: mgmt }]
devices:
${lines.join('\n')}
`;
}
