import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeaLeaseFile, parseDhcpLine } from '../src/dhcp/index.js';

const HEADER = 'address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id\n';
const row = (ip: string, mac: string, host: string, lifetime = 600, state = 0): string =>
  `${ip},${mac},01:${mac},${String(lifetime)},1795464541,1,0,0,${host},${String(state)},,0\n`;
const ALLOC = (ip: string, mac: string): string =>
  `Nov 22 20:09:01 dhcp1 kea-dhcp4[1234]: INFO  [kea-dhcp4.leases/1234.140] DHCP4_LEASE_ALLOC [hwtype=1 ${mac}], cid=[no info], tid=0x5e1f2a: lease ${ip} has been allocated for 600 seconds`;

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-kea-'));
  t.after(() => { rmSync(dir, { recursive: true, force: true }); });
  return join(dir, 'kea-leases4.csv');
}

void test('the hostname of a Kea lease comes from the memfile, read as it grows', (t) => {
  const file = scratch(t);
  writeFileSync(file, HEADER + row('10.77.0.100', 'be:b5:de:01:12:a1', 'fs-s5850-srv'));
  const leases = new KeaLeaseFile(file);
  assert.equal(parseDhcpLine(ALLOC('10.77.0.100', 'be:b5:de:01:12:a1'), { hostnames: leases })?.host, 'fs-s5850-srv');
  appendFileSync(file, row('10.77.0.101', 'be:b5:de:01:12:a2', 'switch.hq.example.'));
  assert.equal(leases.hostnameFor('10.77.0.101', 'be:b5:de:01:12:a2'), 'switch.hq.example');
  assert.equal(leases.hostnameFor('10.77.0.101', 'be:b5:de:01:12:ff'), undefined, 'another MAC on that address');
  appendFileSync(file, row('10.77.0.100', 'be:b5:de:01:12:a1', 'fs-s5850-srv', 0));
  assert.equal(leases.hostnameFor('10.77.0.100', 'be:b5:de:01:12:a1'), undefined, 'released');
});

void test('a partial row waits for its newline; hostile names reach rawHost only', (t) => {
  const file = scratch(t);
  writeFileSync(file, HEADER + '10.77.0.102,be:b5:de:01:12:a3,,600,1795464541,1,0,0,$(id)&#x2c;x');
  const leases = new KeaLeaseFile(file);
  assert.equal(leases.hostnameFor('10.77.0.102', 'be:b5:de:01:12:a3'), undefined);
  appendFileSync(file, ',0,,0\n');
  const lease = parseDhcpLine(ALLOC('10.77.0.102', 'be:b5:de:01:12:a3'), { hostnames: leases });
  assert.equal(lease?.host, undefined);
  assert.equal(lease?.rawHost, '$(id),;x');
});

void test('after lease file cleanup replaces the file, older rows come from .1 and .2', (t) => {
  const file = scratch(t);
  writeFileSync(file, HEADER + row('10.77.0.100', 'be:b5:de:01:12:a1', 'old-name'));
  const leases = new KeaLeaseFile(file);
  assert.equal(leases.hostnameFor('10.77.0.100', 'be:b5:de:01:12:a1'), 'old-name');
  renameSync(file, `${file}.2`);
  writeFileSync(`${file}.1`, HEADER + row('10.77.0.103', 'be:b5:de:01:12:a4', 'kept'));
  writeFileSync(file, HEADER + row('10.77.0.100', 'be:b5:de:01:12:a1', 'new-name'));
  assert.equal(leases.hostnameFor('10.77.0.100', 'be:b5:de:01:12:a1'), 'new-name');
  assert.equal(leases.hostnameFor('10.77.0.103', 'be:b5:de:01:12:a4'), 'kept');
});
