import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDhcpLine, type DhcpLease } from '../src/dhcp/index.js';

// Messages as the servers write them (ISC dhcpd 4.4, dnsmasq 2.90, Kea 2.2).
interface Sample {
  name: string;
  program: string;
  pid: number;
  message: string;
  expect: Partial<DhcpLease>;
}

const samples: Sample[] = [
  {
    name: 'isc with hostname',
    program: 'dhcpd',
    pid: 812,
    message: 'DHCPACK on 10.77.0.100 to be:b5:de:01:12:a1 (FS-S5850-SRV) via eth1',
    expect: { server: 'isc', ip: '10.77.0.100', mac: 'be:b5:de:01:12:a1', host: 'FS-S5850-SRV', via: 'eth1' },
  },
  {
    name: 'isc without hostname, relayed',
    program: 'dhcpd',
    pid: 812,
    message: 'DHCPACK on 10.77.0.101 to 0c:c4:7a:0:1:ff via 10.77.1.1',
    expect: { server: 'isc', ip: '10.77.0.101', mac: '0c:c4:7a:00:01:ff', host: undefined, via: '10.77.1.1' },
  },
  {
    name: 'isc factory switch',
    program: 'dhcpd',
    pid: 812,
    message: 'DHCPACK on 10.77.0.102 to 64:9d:99:aa:bb:cc (Switch) via ens18',
    expect: { server: 'isc', ip: '10.77.0.102', mac: '64:9d:99:aa:bb:cc', host: 'Switch', via: 'ens18' },
  },
  {
    name: 'dnsmasq with hostname',
    program: 'dnsmasq-dhcp',
    pid: 3772,
    message: 'DHCPACK(eth1) 10.77.0.162 be:b5:de:01:12:a1 Switch',
    expect: { server: 'dnsmasq', ip: '10.77.0.162', mac: 'be:b5:de:01:12:a1', host: 'Switch', via: 'eth1' },
  },
  {
    name: 'dnsmasq without hostname (trailing space)',
    program: 'dnsmasq-dhcp',
    pid: 3772,
    message: 'DHCPACK(eth1) 10.77.0.163 be:b5:de:01:12:a2 ',
    expect: { server: 'dnsmasq', ip: '10.77.0.163', mac: 'be:b5:de:01:12:a2', host: undefined, rawHost: undefined },
  },
  {
    name: 'dnsmasq without hostname (no trailing space)',
    program: 'dnsmasq-dhcp',
    pid: 3772,
    message: 'DHCPACK(eth1) 10.77.0.164 be:b5:de:01:12:a3',
    expect: { server: 'dnsmasq', ip: '10.77.0.164', host: undefined },
  },
  {
    name: 'dnsmasq with log-dhcp transaction number',
    program: 'dnsmasq-dhcp',
    pid: 3772,
    message: '2845531398 DHCPACK(br0) 10.77.0.165 be:b5:de:01:12:a4 FS-S3900-ACC1',
    expect: { server: 'dnsmasq', ip: '10.77.0.165', host: 'FS-S3900-ACC1', via: 'br0' },
  },
  {
    name: 'kea allocation',
    program: 'kea-dhcp4',
    pid: 1234,
    message:
      'INFO  [kea-dhcp4.leases/1234.140187654321] DHCP4_LEASE_ALLOC [hwtype=1 be:b5:de:01:12:a1], cid=[no info], tid=0x5e1f2a: lease 10.77.0.100 has been allocated for 600 seconds',
    expect: { server: 'kea', ip: '10.77.0.100', mac: 'be:b5:de:01:12:a1', host: undefined },
  },
  {
    name: 'kea reuse with client id',
    program: 'kea-dhcp4',
    pid: 1234,
    message:
      'INFO  [kea-dhcp4.leases/1234.140187654321] DHCP4_LEASE_REUSE [hwtype=1 be:b5:de:01:12:a5], cid=[01:be:b5:de:01:12:a5], tid=0x1: lease 10.77.0.105 has been reused for 300 seconds',
    expect: { server: 'kea', ip: '10.77.0.105', mac: 'be:b5:de:01:12:a5' },
  },
  {
    name: 'isc option 82 log() line',
    program: 'dhcpd',
    pid: 812,
    message:
      'DHCPACK-OPT82 ip=10.77.0.110 mac=be:b5:de:1:12:a1 circuit-id=65:74:68:2d:30:2d:31:33 remote-id=0:4:0:a:1:d host=53:77:69:74:63:68',
    expect: {
      server: 'isc', ip: '10.77.0.110', mac: 'be:b5:de:01:12:a1', host: 'Switch',
      circuitId: 'eth-0-13', remoteId: '00:04:00:0a:01:0d',
    },
  },
];

interface Header {
  name: string;
  build(program: string, pid: number, message: string): string;
  syslogHost?: string;
  time?: string;
}

const NOW = new Date(2026, 10, 23, 9, 0, 0);
const headers: Header[] = [
  { name: 'no header', build: (_p, _i, m) => m },
  {
    name: 'RFC 3164',
    build: (p, i, m) => `Nov 22 20:09:01 dhcp1 ${p}[${String(i)}]: ${m}`,
    syslogHost: 'dhcp1',
    time: new Date(2026, 10, 22, 20, 9, 1).toISOString(),
  },
  {
    name: 'RFC 3164 with PRI and a one-digit day',
    build: (p, i, m) => `<30>Nov  2 20:09:01 dhcp1 ${p}[${String(i)}]: ${m}`,
    syslogHost: 'dhcp1',
    time: new Date(2026, 10, 2, 20, 9, 1).toISOString(),
  },
  {
    name: 'RFC 3339 (rsyslog default on Debian 12)',
    build: (p, i, m) => `2026-11-22T20:09:01.123456+00:00 dhcp1 ${p}[${String(i)}]: ${m}`,
    syslogHost: 'dhcp1',
    time: '2026-11-22T20:09:01.123Z',
  },
  {
    name: 'RFC 5424',
    build: (p, i, m) => `<30>1 2026-11-22T20:09:01.123Z dhcp1 ${p} ${String(i)} - - ${m}`,
    syslogHost: 'dhcp1',
    time: '2026-11-22T20:09:01.123Z',
  },
  {
    name: 'RFC 5424 with structured data and BOM',
    build: (p, i, m) => `<30>1 2026-11-22T21:09:01.123+01:00 dhcp1 ${p} ${String(i)} ack [origin ip="10.77.0.1" x="a\\]b"] \uFEFF${m}`,
    syslogHost: 'dhcp1',
    time: '2026-11-22T20:09:01.123Z',
  },
];

for (const header of headers) {
  for (const sample of samples) {
    void test(`${sample.name} — ${header.name}`, () => {
      const line = header.build(sample.program, sample.pid, sample.message);
      const lease = parseDhcpLine(line, { now: NOW });
      assert.ok(lease, `no lease from: ${line}`);
      for (const [key, value] of Object.entries(sample.expect)) {
        assert.deepEqual(lease[key as keyof DhcpLease], value, key);
      }
      assert.equal(lease.syslogHost, header.syslogHost);
      assert.equal(lease.time?.toISOString(), header.time);
    });
  }
}

void test('lines that grant no lease are null', () => {
  const lines = [
    'Nov 22 20:09:01 dhcp1 dhcpd[812]: DHCPACK to 10.77.0.5 (be:b5:de:01:12:a1) via eth1',
    'Nov 22 20:09:01 dhcp1 dhcpd[812]: DHCPINFORM from 10.77.0.5 via eth1',
    'Nov 22 20:09:01 dhcp1 dhcpd[812]: DHCPREQUEST for 10.77.0.100 from be:b5:de:01:12:a1 (Switch) via eth1',
    'Nov 22 20:09:01 dhcp1 dhcpd[812]: DHCPOFFER on 10.77.0.100 to be:b5:de:01:12:a1 (Switch) via eth1',
    'Nov 22 20:09:01 dhcp1 dhcpd[812]: DHCPNAK on 10.77.0.100 to be:b5:de:01:12:a1 via eth1',
    'Nov 22 20:09:01 dhcp1 dnsmasq-dhcp[3772]: DHCPOFFER(eth1) 10.77.0.162 be:b5:de:01:12:a1',
    'Nov 22 20:09:01 dhcp1 kea-dhcp4[1234]: INFO  [kea-dhcp4.leases/1234.1] DHCP4_LEASE_ADVERT [hwtype=1 be:b5:de:01:12:a1], cid=[no info], tid=0x5e1f2a: lease 10.77.0.100 will be advertised',
    'Nov 22 20:09:01 dhcp1 sshd[99]: Accepted password for admin from 10.77.0.9 port 52344 ssh2',
    'DHCPACK on 10.77.0.300 to be:b5:de:01:12:a1 (Switch) via eth1',
    'DHCPACK on 10.77.0.100 to 01:be:b5:de:01:12:a1:ff (Switch) via eth1',
    '',
  ];
  for (const line of lines) assert.equal(parseDhcpLine(line), null, line);
});

void test('a hostname that imitates a DHCPACK line does not forge a lease', () => {
  const forged = 'x) via eth1 DHCPACK on 10.77.0.9 to aa:bb:cc:dd:ee:ff (FS-S5850-CORE1';
  assert.equal(parseDhcpLine(`Nov 22 20:09:01 dhcp1 dhcpd[812]: DHCPREQUEST for 10.77.0.100 from be:b5:de:01:12:a1 (${forged}) via eth1`), null);
  const lease = parseDhcpLine(`DHCPACK on 10.77.0.100 to be:b5:de:01:12:a1 (${forged}) via eth1`);
  assert.ok(lease);
  assert.equal(lease.ip, '10.77.0.100');
  assert.equal(lease.host, undefined);
  assert.equal(lease.via, 'eth1');
});

void test('a year-less RFC 3164 time is never placed in the future', () => {
  const lease = parseDhcpLine('Dec 31 23:59:59 dhcp1 dhcpd[812]: DHCPACK on 10.77.0.100 to be:b5:de:01:12:a1 via eth1', {
    now: new Date(2027, 0, 1, 0, 0, 5),
  });
  assert.equal(lease?.time?.getFullYear(), 2026);
});

void test('Kea standalone log file: its own local timestamp is the lease time', () => {
  const lease = parseDhcpLine(
    '2026-11-22 20:09:01.123 INFO  [kea-dhcp4.leases/1234.140187654321] DHCP4_LEASE_ALLOC [hwtype=1 be:b5:de:01:12:a1], cid=[no info], tid=0x5e1f2a: lease 10.77.0.100 has been allocated for 600 seconds',
  );
  assert.equal(lease?.time?.getTime(), new Date(2026, 10, 22, 20, 9, 1, 123).getTime());
});

void test('Kea hostname comes from the resolver', () => {
  const seen: string[] = [];
  const lease = parseDhcpLine(
    'kea-dhcp4[1234]: INFO  [kea-dhcp4.leases/1234.1] DHCP4_LEASE_ALLOC [hwtype=1 be:b5:de:01:12:a1], cid=[no info], tid=0x5e1f2a: lease 10.77.0.100 has been allocated for 600 seconds',
    { hostnames: { hostnameFor: (ip, mac) => { seen.push(`${ip} ${mac}`); return 'fs-s5850-srv'; } } },
  );
  assert.deepEqual(seen, ['10.77.0.100 be:b5:de:01:12:a1']);
  assert.equal(lease?.host, 'fs-s5850-srv');
});
