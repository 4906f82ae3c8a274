import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KeaLeaseFile, parseDhcpLine, type DhcpLease, type DhcpParseOptions } from '../src/dhcp/index.js';
import { Engine, loadRules, type NativeActionSink } from '../src/engine/index.js';
import { silentLogger } from '../src/log/index.js';

/*
 * Logs written by the real servers in dhcp-netns.test.ts (ISC dhcpd 4.4.3-P1
 * in the foreground, dnsmasq 2.90 with --log-dhcp to a file, Kea 2.2.0 to its
 * own log file with a memfile lease CSV), each with one client: dhclient
 * sending host-name FS-S5850-NS1 or Switch from be:b5:de:01:12:a1. Each log
 * holds exactly one lease-granting line among discovers, offers, requests
 * and Kea's advertisements.
 */

const FIXTURES = join(import.meta.dirname, 'fixtures', 'dhcp');
const MAC = 'be:b5:de:01:12:a1';

async function leasesOf(name: string, options: DhcpParseOptions = {}): Promise<DhcpLease[]> {
  const text = await readFile(join(FIXTURES, name), 'utf8');
  return text.split('\n').map((line) => parseDhcpLine(line, options)).filter((lease) => lease !== null);
}

async function lineWith(name: string, marker: string): Promise<string> {
  const line = (await readFile(join(FIXTURES, name), 'utf8')).split('\n').find((candidate) => candidate.includes(marker));
  assert.ok(line !== undefined, `${name} has a line with ${marker}`);
  return line;
}

void test('real ISC dhcpd foreground log: one lease, header-less, with hostname and interface', async () => {
  const leases = await leasesOf('real-isc.log');
  assert.equal(leases.length, 1, 'DHCPDISCOVER, DHCPOFFER and DHCPREQUEST lines grant nothing');
  assert.deepEqual(leases[0], { server: 'isc', ip: '10.199.1.100', mac: MAC, host: 'FS-S5850-NS1', rawHost: 'FS-S5850-NS1', via: 'onr-29719-s' });
});

void test('real dnsmasq --log-dhcp file: one lease, transaction number and RFC 3164 header without a host', async () => {
  const leases = await leasesOf('real-dnsmasq.log', { now: new Date('2026-11-23T12:00:00Z') });
  assert.equal(leases.length, 1, 'DHCPOFFER, DHCPREQUEST and option dumps grant nothing');
  const [lease] = leases;
  assert.equal(lease?.server, 'dnsmasq');
  assert.equal(lease.ip, '10.199.2.119');
  assert.equal(lease.mac, MAC);
  assert.equal(lease.host, 'Switch');
  assert.equal(lease.via, 'onr-29719-s');
  assert.equal(lease.syslogHost, undefined, 'dnsmasq\'s own log file names no host: `dnsmasq-dhcp[pid]:` is the program');
  assert.equal(lease.time?.getUTCDate(), 23);
  assert.equal(lease.time.getUTCMonth(), 10);
});

void test('real Kea log: one lease (ALLOC, not ADVERT); its hostname only from the memfile lease CSV, lower-cased by Kea', async () => {
  const bare = await leasesOf('real-kea.log');
  assert.equal(bare.length, 1, 'DHCP4_LEASE_ADVERT grants nothing');
  assert.equal(bare[0]?.ip, '10.199.3.100');
  assert.equal(bare[0].mac, MAC);
  assert.equal(bare[0].host, undefined, 'the log line itself carries no hostname');

  const [lease] = await leasesOf('real-kea.log', { hostnames: new KeaLeaseFile(join(FIXTURES, 'real-kea-leases4.csv')) });
  assert.equal(lease?.server, 'kea');
  assert.equal(lease.host, 'fs-s5850-ns1', 'Kea stored the FS-S5850-NS1 that dhclient sent in lower case');
});

interface Onboarded {
  ip: string;
  mac: string;
  hostname: string;
}

async function onboardedByShippedRules(line: string): Promise<Onboarded[]> {
  const calls: Onboarded[] = [];
  const sink: NativeActionSink = {
    onboard: (ip, mac, hostname) => calls.push({ ip, mac, hostname }),
    check: () => undefined,
    provision: () => undefined,
    backup: () => undefined,
  };
  const engine = new Engine(await loadRules([join(import.meta.dirname, '..', 'rules', 'dhcp.rules')]), { logger: silentLogger(), sink });
  engine.processLine(line, 'dhcp.log');
  await engine.close();
  return calls;
}

void test('rules/dhcp.rules onboards the real ISC and dnsmasq lease lines', async () => {
  assert.deepEqual(await onboardedByShippedRules(await lineWith('real-isc.log', 'DHCPACK on')),
    [{ ip: '10.199.1.100', mac: MAC, hostname: 'FS-S5850-NS1' }]);
  assert.deepEqual(await onboardedByShippedRules(await lineWith('real-dnsmasq.log', 'DHCPACK(')),
    [{ ip: '10.199.2.119', mac: MAC, hostname: 'Switch' }]);
});

// KNOWN GAP (src/engine, src/agent): ptype=DHCP calls parseDhcpLine(line) with
// no hostname resolver, so a Kea lease line never has a hostname there and no
// DHCP rule can match it; `onramp run` has no option to name Kea's lease CSV.
// The end-to-end Kea run in dhcp-netns.test.ts therefore feeds the onboarder
// through parseDhcpLine + KeaLeaseFile + onboardLease instead of the engine.
void test('rules/dhcp.rules onboards the real Kea lease line', {
  todo: 'engine ptype=DHCP gets no Kea hostname resolver (KeaLeaseFile); Kea leases never match a DHCP rule',
}, async () => {
  assert.deepEqual(await onboardedByShippedRules(await lineWith('real-kea.log', 'DHCP4_LEASE_ALLOC')),
    [{ ip: '10.199.3.100', mac: MAC, hostname: 'fs-s5850-ns1' }]);
});
