import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDhcpLine, validateHostname, type DhcpLease } from '../src/dhcp/index.js';

// Values a client on the wire can put into its host-name option.
const HOSTILE: [string, string][] = [
  ['shell separator', 'Switch;reboot'],
  ['command substitution', '$(id)'],
  ['backticks', '`id`'],
  ['path traversal', '../../etc/passwd'],
  ['template injection', '{{constructor.constructor}}'],
  ['newline injection', 'Switch\nDHCPACK on 10.77.0.9 to aa:bb:cc:dd:ee:ff (FS-S5850-CORE1) via eth1'],
  ['NUL injection', 'Switch\0reboot'],
  ['1 KB name', 'A'.repeat(1024)],
  ['non-UTF-8 read as UTF-8', Buffer.from([0x53, 0x77, 0xff, 0xfe, 0x63, 0x68]).toString('utf8')],
  ['non-UTF-8 read as latin1', Buffer.from([0x53, 0x77, 0xff, 0xfe, 0x63, 0x68]).toString('latin1')],
  ['spaces', 'John s iPhone'],
  ['leading hyphen (option injection)', '-oProxyCommand=id'],
  ['empty label', 'FS..S5850'],
  ['quote', "Switch'"],
  ['glob and redirection', 'Sw*tch>x'],
  ['escape sequence', '\u001b[31mSwitch'],
];

type Build = (host: string) => string;
const formats: [string, Build][] = [
  ['isc', (h) => `Nov 22 20:09:01 dhcp1 dhcpd[812]: DHCPACK on 10.77.0.100 to be:b5:de:01:12:a1 (${h}) via eth1`],
  ['dnsmasq', (h) => `Nov 22 20:09:01 dhcp1 dnsmasq-dhcp[3772]: DHCPACK(eth1) 10.77.0.162 be:b5:de:01:12:a1 ${h}`],
  [
    'isc option 82',
    (h) =>
      `Nov 22 20:09:01 dhcp1 dhcpd[812]: DHCPACK-OPT82 ip=10.77.0.100 mac=be:b5:de:01:12:a1 circuit-id=none remote-id=none host=${[...Buffer.from(h, 'latin1')].map((b) => b.toString(16)).join(':')}`,
  ],
  [
    'kea (hostname from the lease file)',
    () =>
      'Nov 22 20:09:01 dhcp1 kea-dhcp4[1234]: INFO  [kea-dhcp4.leases/1234.1] DHCP4_LEASE_ALLOC [hwtype=1 be:b5:de:01:12:a1], cid=[no info], tid=0x5e1f2a: lease 10.77.0.100 has been allocated for 600 seconds',
  ],
];

function assertRejected(lease: DhcpLease | null, raw: string): void {
  assert.ok(lease, 'the lease itself is still reported');
  assert.equal(lease.host, undefined);
  assert.ok(lease.rawHost !== undefined && lease.rawHost.length > 0, 'rawHost kept for the rejection log');
  assert.ok(lease.rawHost.length <= 160, `rawHost is bounded (${String(lease.rawHost.length)})`);
  assert.match(lease.rawHost, /^[ -~…]*$/, 'rawHost is printable ASCII, everything else escaped');
  if (raw.length < 100 && /^[\x20-\x7e]*$/.test(raw)) assert.equal(lease.rawHost, raw);
}

for (const [format, build] of formats) {
  for (const [label, raw] of HOSTILE) {
    void test(`${format}: ${label} is refused and kept for logging`, () => {
      // A newline cannot be inside one log line: the writer splits it into two lines.
      const lines = build(raw).split('\n');
      const first = lines[0] ?? '';
      const hostnames = { hostnameFor: () => raw };
      const lease = parseDhcpLine(first, { hostnames });
      if (raw.includes('\n') && format === 'dnsmasq') {
        // dnsmasq's line ends after the name: what precedes the newline is a plain valid name.
        assert.equal(lease?.host, 'Switch');
      } else {
        assertRejected(lease, format === 'isc' || format === 'dnsmasq' ? (raw.split('\n')[0] ?? '') : raw);
      }
      for (const rest of lines.slice(1)) {
        assert.equal(parseDhcpLine(rest, { requireHeader: true }), null, 'the remainder forges nothing');
      }
    });
  }
}

void test('a hostname never reaches the lease unvalidated', () => {
  for (const [, raw] of HOSTILE) assert.equal(validateHostname(raw), null, JSON.stringify(raw));
});

void test('rejected values are escaped, not just cut', () => {
  const lease = parseDhcpLine('DHCPACK on 10.77.0.100 to be:b5:de:01:12:a1 (a\u0000b\u001bc\\d\u00ffe) via eth1');
  assert.equal(lease?.rawHost, 'a\\x00b\\x1bc\\\\d\\xffe');
  const long = parseDhcpLine(`DHCPACK on 10.77.0.100 to be:b5:de:01:12:a1 (${'x'.repeat(1024)}) via eth1`);
  assert.match(long?.rawHost ?? '', /^x{120}…\(1024 chars\)$/);
});

void test('servers that write a newline inside a hostname: a header is required to tell the halves apart', () => {
  const fragment = 'DHCPACK on 10.77.0.9 to aa:bb:cc:dd:ee:ff (FS-S5850-CORE1) via eth1';
  assert.ok(parseDhcpLine(fragment), 'dhcpd in the foreground writes exactly this');
  assert.equal(parseDhcpLine(fragment, { requireHeader: true }), null);
  assert.ok(parseDhcpLine(`Nov 22 20:09:01 dhcp1 dhcpd[812]: ${fragment}`, { requireHeader: true }));
});
