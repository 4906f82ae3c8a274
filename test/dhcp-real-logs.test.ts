import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KeaLeaseFile, parseDhcpLine, type DhcpLease, type DhcpParseOptions } from '../src/dhcp/index.js';
import { Engine, loadRules, type NativeActionSink } from '../src/engine/index.js';
import { silentLogger } from '../src/log/index.js';
import { tempDir } from './onboard-fakes.js';

/*
 * Logs written by the real servers in dhcp-netns.test.ts (ISC dhcpd 4.4.3-P1
 * in the foreground, dnsmasq 2.90 with --log-dhcp to a file, Kea 2.2.0 to its
 * own log file with a memfile lease CSV). One client, be:b5:de:01:12:a1,
 * leased twice: first sending host-name FS-S5850-NS1 or Switch, then, after a
 * restart with its lease file, sending none. Each log holds exactly those two
 * lease-granting lines among discovers, offers, requests, option dumps and
 * Kea's advertisements.
 */

const FIXTURES = join(import.meta.dirname, 'fixtures', 'dhcp');
const MAC = 'be:b5:de:01:12:a1';
const IFACE = 'onr-31758-s';

async function linesOf(name: string): Promise<string[]> {
  return (await readFile(join(FIXTURES, name), 'utf8')).split('\n');
}

async function leasesOf(name: string, options: DhcpParseOptions = {}): Promise<DhcpLease[]> {
  return (await linesOf(name)).map((line) => parseDhcpLine(line, options)).filter((lease) => lease !== null);
}

async function lineWith(name: string, marker: string): Promise<string> {
  const line = (await linesOf(name)).find((candidate) => candidate.includes(marker));
  assert.ok(line !== undefined, `${name} has a line with ${marker}`);
  return line;
}

void test('real ISC dhcpd foreground log: header-less lease lines; dhcpd repeats the stored hostname when the client sends none', async () => {
  const leases = await leasesOf('real-isc.log');
  const expected = { server: 'isc', ip: '10.199.1.100', mac: MAC, host: 'FS-S5850-NS1', rawHost: 'FS-S5850-NS1', via: IFACE };
  assert.deepEqual(leases, [expected, expected], 'DHCPDISCOVER, DHCPOFFER and DHCPREQUEST lines grant nothing');
});

void test('real dnsmasq --log-dhcp file: transaction numbers, an RFC 3164 header without a host, a line ending after the MAC', async () => {
  const leases = await leasesOf('real-dnsmasq.log', { now: new Date('2026-11-23T12:00:00Z') });
  assert.equal(leases.length, 2, 'DHCPOFFER, DHCPREQUEST and option dumps grant nothing');
  const [named, unnamed] = leases;
  assert.equal(named?.server, 'dnsmasq');
  assert.equal(named.ip, '10.199.2.119');
  assert.equal(named.mac, MAC);
  assert.equal(named.host, 'Switch');
  assert.equal(named.via, IFACE);
  assert.equal(named.syslogHost, undefined, 'dnsmasq\'s own log file names no host: `dnsmasq-dhcp[pid]:` is the program');
  assert.equal(named.time?.getUTCDate(), 23);
  assert.equal(named.time.getUTCMonth(), 10);

  const acks = (await linesOf('real-dnsmasq.log')).filter((line) => line.includes('DHCPACK('));
  assert.ok(acks[1]?.endsWith(`${MAC} `), 'with no hostname the line ends in a space after the MAC');
  assert.ok(unnamed?.time instanceof Date);
  assert.deepEqual({ ...unnamed, time: null }, { server: 'dnsmasq', ip: '10.199.2.119', mac: MAC, via: IFACE, time: null }, 'no host, no rawHost');
});

void test('real Kea log: ALLOC lines (not ADVERT); hostnames only from the memfile lease CSV, lower-cased by Kea', async () => {
  const bare = await leasesOf('real-kea.log');
  assert.equal(bare.length, 2, 'DHCP4_LEASE_ADVERT grants nothing');
  for (const lease of bare) {
    assert.equal(lease.ip, '10.199.3.100');
    assert.equal(lease.mac, MAC);
    assert.equal(lease.host, undefined, 'a Kea log line carries no hostname');
  }

  // As when following: each lease row is in the CSV by the time its ALLOC line is read, the later one not yet.
  const [header = '', first = '', second = ''] = await linesOf('real-kea-leases4.csv');
  const { dir, remove } = await tempDir('onramp-kea-real-');
  try {
    const csv = join(dir, 'kea-leases4.csv');
    await writeFile(csv, `${header}\n${first}\n`);
    const hostnames = new KeaLeaseFile(csv);
    const [allocFirst, allocSecond] = (await linesOf('real-kea.log')).filter((line) => line.includes('DHCP4_LEASE_ALLOC'));
    const named = parseDhcpLine(allocFirst ?? '', { hostnames });
    assert.equal(named?.server, 'kea');
    assert.equal(named.host, 'fs-s5850-ns1', 'Kea stored the FS-S5850-NS1 that dhclient sent in lower case');
    await appendFile(csv, `${second}\n`);
    // The renewal's row has no name, but the lease is still the same device's (as dhcpd repeats the stored name).
    assert.equal(parseDhcpLine(allocSecond ?? '', { hostnames })?.host, 'fs-s5850-ns1', 'the renewed lease keeps the name of its device');
  } finally {
    await remove();
  }
});

interface Onboarded {
  ip: string;
  mac: string;
  hostname: string;
}

async function onboardedByShippedRules(line: string, dhcpHostnames?: KeaLeaseFile): Promise<Onboarded[]> {
  const calls: Onboarded[] = [];
  const sink: NativeActionSink = {
    onboard: (ip, mac, hostname) => calls.push({ ip, mac, hostname }),
    check: () => undefined,
    provision: () => undefined,
    backup: () => undefined,
  };
  const engine = new Engine(await loadRules([join(import.meta.dirname, '..', 'rules', 'dhcp.rules')]), { logger: silentLogger(), sink, dhcpHostnames });
  engine.processLine(line, 'dhcp.log');
  await engine.close();
  return calls;
}

void test('rules/dhcp.rules onboards the real ISC and dnsmasq lease lines', async () => {
  assert.deepEqual(await onboardedByShippedRules(await lineWith('real-isc.log', 'DHCPACK on')),
    [{ ip: '10.199.1.100', mac: MAC, hostname: 'FS-S5850-NS1' }]);
  const [named, unnamed] = (await linesOf('real-dnsmasq.log')).filter((line) => line.includes('DHCPACK('));
  assert.deepEqual(await onboardedByShippedRules(named ?? ''), [{ ip: '10.199.2.119', mac: MAC, hostname: 'Switch' }]);
  assert.deepEqual(await onboardedByShippedRules(unnamed ?? ''), [], 'a lease without a hostname matches no rule');
});

void test('rules/dhcp.rules onboards the real Kea lease line, its hostname taken from the lease file (--kea-leases)', async () => {
  const leases = new KeaLeaseFile(join(FIXTURES, 'real-kea-leases4.csv'));
  assert.deepEqual(await onboardedByShippedRules(await lineWith('real-kea.log', 'DHCP4_LEASE_ALLOC'), leases),
    [{ ip: '10.199.3.100', mac: MAC, hostname: 'fs-s5850-ns1' }]);
});
