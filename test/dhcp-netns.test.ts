import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KeaLeaseFile, parseDhcpLine, type DhcpLease } from '../src/dhcp/index.js';
import { Events } from '../src/log/index.js';
import { tempDir, writeTree } from './onboard-fakes.js';
import {
  createVethLab, DHCP_SERVER_BINARIES, leaseAddress, netnsUnavailable, NsProcess, readText, removeStaleLabs, startDhcpServer, waitFor,
  type DhcpServerKind, type VethLab,
} from './support/netns.js';
import { hasCommand, requireSystem } from './support/system.js';

/*
 * Real DHCP end to end: ISC dhcpd, dnsmasq and Kea, one after another, in a
 * server namespace; dhclient in a client namespace leases an address over a
 * veth pair, and an emulated switch then answers SSH on that address inside
 * the client namespace. onramp follows the server's real log from inside the
 * server namespace (the only place that reaches the leased address) and
 * checks or provisions the switch: `onramp run` with rules/dhcp.rules (and,
 * for Kea, --kea-leases naming its lease file).
 *
 * ONRAMP_DHCP_CAPTURE_DIR=test/fixtures/dhcp copies each server's log (and
 * Kea's lease CSV) there as real-<server>.log, the fixtures of
 * dhcp-real-logs.test.ts (*.log is git-ignored: add them with `git add -f`).
 */

const ROOT = join(import.meta.dirname, '..');
const PASSWORD = 'netns-lab-pw';
const CLIENT_MAC = 'be:b5:de:01:12:a1';
const PREFIX = `onr-${process.pid}`;
const CORE1 = await readFile(join(ROOT, 'baselines/hq/FS-S5850-CORE1.cfg'), 'utf8');
const NS1_CONFIG = CORE1.replaceAll('FS-S5850-CORE1', 'FS-S5850-NS1');

interface Scenario {
  kind: DhcpServerKind;
  /** Third octet of this run's 10.199.N.0/24. */
  net: number;
  /** What dhclient sends as host-name. */
  sends: 'FS-S5850-NS1' | 'Switch';
}

const SCENARIOS: Scenario[] = [
  { kind: 'isc', net: 1, sends: 'FS-S5850-NS1' },
  { kind: 'dnsmasq', net: 2, sends: 'Switch' },
  { kind: 'kea', net: 3, sends: 'FS-S5850-NS1' },
];

const PACKAGES: Record<DhcpServerKind, string> = { isc: 'isc-dhcp-server', dnsmasq: 'dnsmasq-base', kea: 'kea-dhcp4-server' };

const unavailable = netnsUnavailable();
let lab: VethLab | undefined;
let root: { dir: string; remove: () => Promise<void> } | undefined;

before(async () => {
  root = await tempDir('onramp-dhcp-netns-');
  if (unavailable === undefined) {
    const stale = removeStaleLabs();
    if (stale.length > 0) process.stderr.write(`removed namespaces left by earlier runs: ${stale.join(', ')}\n`);
    lab = createVethLab(PREFIX, CLIENT_MAC);
  }
});

after(async () => {
  lab?.destroy();
  await root?.remove();
});

function siteYaml(scenario: Scenario, address: string, port: number): string {
  return `name: netns
subnets: [10.199.${scenario.net}.0/24]
credentials: { username: admin, passwordEnv: ONRAMP_NETNS_PASSWORD }
factoryCredentials: { username: admin, passwordEnv: ONRAMP_NETNS_PASSWORD }
ssh: { port: ${port}, timeoutMs: 5000, retries: 0, hostKeys: pin }
policy: { onDrift: report, recheckAfter: 1h }
vars:
  location: hq
  mgmtVlan: 77
  mgmtMask: 255.255.255.0
  vlans: [{ id: 10, name: users }, { id: 77, name: mgmt }]
devices:
  - { hostname: FS-S5850-NS1, model: fs-s5850, ip: ${scenario.sends === 'Switch' ? `10.199.${scenario.net}.2` : address}, baseline: FS-S5850-NS1.cfg, vars: { mgmtIp: 10.77.0.10, uplinkPort: eth-0-1 } }
portmap:
  - { mac: "${CLIENT_MAC}", hostname: FS-S3900-ACC2, model: fs-s3900, vars: { mgmtIp: 10.77.0.22, uplinkPort: 1/25 } }
`;
}

interface LogRecord {
  event?: string;
  device?: string;
  msg?: string;
  [field: string]: unknown;
}

function records(watcher: NsProcess): LogRecord[] {
  return watcher.lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as LogRecord);
}

function nodeScript(script: string): string[] {
  return [process.execPath, '--import', 'tsx', join(ROOT, 'test', 'support', script)];
}

async function leasesIn(logPath: string, leasePath: string | undefined): Promise<DhcpLease[]> {
  const hostnames = leasePath === undefined ? undefined : new KeaLeaseFile(leasePath);
  const lines = (await readText(logPath)).split('\n');
  return lines.map((line) => parseDhcpLine(line, hostnames === undefined ? {} : { hostnames })).filter((lease) => lease !== null);
}

async function runScenario(t: TestContext, scenario: Scenario): Promise<void> {
  const binary = DHCP_SERVER_BINARIES[scenario.kind];
  if (!requireSystem(t, 'network namespaces', unavailable === undefined, unavailable ?? '')) return;
  if (!requireSystem(t, binary, hasCommand(binary), `install ${PACKAGES[scenario.kind]}`)) return;
  assert.ok(lab !== undefined && root !== undefined);
  const dir = join(root.dir, scenario.kind);
  await mkdir(dir, { recursive: true });
  const started: NsProcess[] = [];
  t.after(async () => {
    for (const child of started.reverse()) await child.stop();
  });

  // 1. A real server in the server namespace, a real client in the other.
  const net = lab.useSubnet(scenario.net);
  const server = await startDhcpServer(scenario.kind, lab, net, dir);
  started.push(server.daemon);
  const { address, dhclient } = await leaseAddress(lab, scenario.sends, dir);
  started.push(dhclient);
  await dhclient.stop();
  assert.match(address, new RegExp(`^10\\.199\\.${scenario.net}\\.\\d+$`));
  lab.assignClientAddress(address);

  // 2. The server's own lease line, parsed.
  let leases: DhcpLease[] = [];
  await waitFor(async () => {
    leases = await leasesIn(server.logPath, server.leasePath);
    return leases.some((lease) => lease.ip === address);
  }, 10_000, `a lease line for ${address} in ${server.logPath}`);
  const lease = leases.find((candidate) => candidate.ip === address);
  // Kea keeps hostnames lower-cased in its lease file.
  const expectedHost = scenario.kind === 'kea' ? scenario.sends.toLowerCase() : scenario.sends;
  assert.equal(lease?.server, scenario.kind);
  assert.equal(lease.mac, CLIENT_MAC);
  assert.equal(lease.host, expectedHost, `hostname of the ${scenario.kind} lease line`);

  // 3. An emulated switch answering SSH on the leased address, inside the client namespace.
  const configPath = join(dir, 'running.cfg');
  const factory = scenario.sends === 'Switch';
  await writeTree(dir, { 'running.cfg': factory ? '' : NS1_CONFIG });
  const labArgs = [
    '--address', address, '--hostname', scenario.sends, '--personality', factory ? 'fs-s3900' : 'fs-s5850',
    '--mac', CLIENT_MAC, '--key-dir', join(dir, 'keys'), ...(factory ? [] : ['--config', configPath]),
  ];
  const switchProcess = new NsProcess('lab switch', lab.clientNs, [...nodeScript('netns-lab.ts'), ...labArgs], {
    cwd: ROOT, env: { ...process.env, ONRAMP_LAB_PASSWORD: PASSWORD },
  });
  started.push(switchProcess);
  const port = Number(/^ready (\d+)$/.exec(await switchProcess.waitForLine(/^ready \d+$/, 30_000))?.[1]);

  // 4. onramp following the real log in the server namespace.
  await writeTree(dir, {
    'sites/netns/site.yaml': siteYaml(scenario, address, port),
    'sites/netns/FS-S5850-NS1.cfg': NS1_CONFIG,
  });
  const common = ['--sites', join(dir, 'sites'), '--state', join(dir, 'state')];
  const env = { ...process.env, ONRAMP_NETNS_PASSWORD: PASSWORD };
  // Kea's log lines carry no hostname: onramp reads them from Kea's lease file.
  const kea = server.leasePath === undefined ? [] : ['--kea-leases', server.leasePath];
  const watcher = new NsProcess('onramp run', lab.serverNs, [
    process.execPath, '--import', 'tsx', join(ROOT, 'src', 'cli.ts'), 'run', '--conf', join(ROOT, 'rules', 'dhcp.rules'),
    '--input', server.logPath, '--tail', '--fromstart', '--log-level', 'debug', ...kea, ...common,
  ], { cwd: ROOT, env });
  started.push(watcher);

  const done = factory ? Events.provisionDone : Events.checkOk;
  const device = factory ? 'FS-S3900-ACC2' : 'FS-S5850-NS1';
  const outcome = (): LogRecord | undefined => records(watcher).find((record) => record.event === done && record.device === device);
  await waitFor(() => {
    if (!watcher.running) throw new Error(`onramp exited:\n${watcher.output()}`);
    return outcome() !== undefined;
  }, 60_000, `${done} for ${device}; onramp said:\n${watcher.output()}`);

  // What the switch itself saw, printed by the lab process as it stops.
  await switchProcess.stop();
  const seen = JSON.parse(await switchProcess.waitForLine(/^\{/, 5000)) as { hostname: string; saves: number; commands: string[] };
  assert.ok(seen.commands.includes('show running-config'), `onramp read the running config over SSH on ${address}`);
  if (factory) {
    const found = records(watcher).find((record) => record.event === Events.identityFound && record.mac === CLIENT_MAC);
    assert.equal(found?.source, 'mac', 'the factory switch is identified by its MAC');
    assert.equal(outcome()?.result, 'provisioned');
    assert.equal(seen.hostname, 'FS-S3900-ACC2', 'the switch took its port map identity');
    assert.equal(seen.saves, 1);
  } else {
    assert.equal(outcome()?.msg, 'Configuration OK');
    assert.equal(outcome()?.ip, address);
    assert.equal(seen.saves, 0, 'a clean check changes nothing');
  }

  // 5. The same client again, now sending no hostname: a second lease line, seen by the running onramp.
  const again = await leaseAddress(lab, undefined, dir);
  started.push(again.dhclient);
  await again.dhclient.stop();
  assert.equal(again.address, address, 'the client got its address again');
  await waitFor(async () => (await leasesIn(server.logPath, server.leasePath)).length === leases.length + 1, 10_000, 'a second lease line');
  if (scenario.kind === 'isc' || scenario.kind === 'kea') {
    // dhcpd logs the hostname it stored with the lease; Kea wrote an empty one into its lease file, but the
    // lease is still the same device's. Either way this is a renewal of a device just checked.
    await waitFor(() => records(watcher).some((record) => record.event === Events.dhcpSuppressed && record.device === 'FS-S5850-NS1'),
      30_000, `the renewal to be suppressed; onramp said:\n${watcher.output()}`);
  }
  assert.equal(records(watcher).filter((record) => record.event === done).length, 1, 'one check or provisioning, not one per lease line');
  assert.ok(!watcher.output().includes(PASSWORD), 'the password never reaches onramp\'s log');
  await watcher.stop();

  const capture = process.env.ONRAMP_DHCP_CAPTURE_DIR;
  if (capture !== undefined && capture !== '') {
    await mkdir(capture, { recursive: true });
    await copyFile(server.logPath, join(capture, `real-${scenario.kind}.log`));
    if (server.leasePath !== undefined) await copyFile(server.leasePath, join(capture, `real-${scenario.kind}-leases4.csv`));
  }
}

for (const scenario of SCENARIOS) {
  const what = scenario.sends === 'Switch' ? 'a factory Switch is provisioned from the port map by MAC' : 'the known switch is Configuration OK';
  void test(`real ${scenario.kind}: dhclient sends ${scenario.sends}, the lease line parses and ${what}`, { timeout: 180_000 }, async (t) => {
    await runScenario(t, scenario);
  });
}
