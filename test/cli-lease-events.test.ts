import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onramp, scratch } from './agent-cli.js';

interface Record { event?: string; device?: string; ip?: string; mac?: string; server?: string }

void test('every lease line is logged as dhcp.ack, in each server format, whether or not a rule fires', (t) => {
  const dir = scratch(t);
  const rules = join(dir, 'r.rules');
  const log = join(dir, 'dhcpd.log');
  // Only FS-… hostnames fire the rule: the other leases are logged all the same.
  writeFileSync(rules, 'type=Single\nptype=DHCP\npattern=^FS-\ndesc=lease $+{host}\naction=write - $+{host}\n');
  writeFileSync(log, [
    'Nov 22 20:09:01 dhcp1 dhcpd[812]: DHCPACK on 10.77.0.21 to be:b5:de:01:12:21 (FS-S3900-ACC1) via eth1',
    'Nov 22 20:09:02 dhcp1 dhcpd[812]: DHCPREQUEST for 10.77.0.22 from be:b5:de:01:12:22 via eth1',
    'Nov 22 20:09:03 dhcp1 dnsmasq-dhcp[3772]: DHCPACK(eth1) 10.77.0.23 be:b5:de:01:12:23 Switch',
    '2026-11-22 20:09:04.123 INFO  [kea-dhcp4.leases/1234.140187654321] DHCP4_LEASE_ALLOC [hwtype=1 be:b5:de:01:12:24], cid=[no info], tid=0x5e1f2a: lease 10.77.0.24 has been allocated for 600 seconds',
    'Nov 22 20:09:05 dhcp1 dhcpd[812]: DHCPACK on 10.77.0.25 to be:b5:de:01:12:25 (Switch;reboot) via eth1',
    '',
  ].join('\n'));
  const result = onramp(['run', `--conf=${rules}`, `--input=${log}`, '--notail', `--state=${join(dir, 'state')}`]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'FS-S3900-ACC1\n');
  const records = result.stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record);
  const acks = records.filter((r) => r.event === 'dhcp.ack').map(({ device, ip, mac, server }) => ({ device, ip, mac, server }));
  assert.deepEqual(acks, [
    { device: 'FS-S3900-ACC1', ip: '10.77.0.21', mac: 'be:b5:de:01:12:21', server: 'isc' },
    { device: 'Switch', ip: '10.77.0.23', mac: 'be:b5:de:01:12:23', server: 'dnsmasq' },
    { device: undefined, ip: '10.77.0.24', mac: 'be:b5:de:01:12:24', server: 'kea' },
    { device: undefined, ip: '10.77.0.25', mac: 'be:b5:de:01:12:25', server: 'isc' },
  ]);
  assert.equal(records.filter((r) => r.event === 'input.line.rejected').length, 1, 'the hostile hostname is also reported as rejected');
});
