import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withOrigin } from '../src/input/syslog-origin.js';

const RECEIVED = new Date(2026, 10, 3, 9, 5, 7);
const CONFIG_I = '%SYS-5-CONFIG_I: Configured from console by admin on vty0 (10.0.0.5)';

void test('a header without a hostname gets the sender address, as rsyslog writes it', () => {
  const cases: [string, string][] = [
    // Cisco IOS defaults: sequence number, then the device's own timestamp (`*`: clock not synced).
    [`<189>45: *Nov 23 11:00:00.123: ${CONFIG_I}`, `<189>Nov  3 09:05:07 10.1.2.3 45: *Nov 23 11:00:00.123: ${CONFIG_I}`],
    [`<189>45: .Nov 23 2026 11:00:00: ${CONFIG_I}`, `<189>Nov  3 09:05:07 10.1.2.3 45: .Nov 23 2026 11:00:00: ${CONFIG_I}`],
    [`<189>*Mar  1 00:01:02.123: ${CONFIG_I}`, `<189>Nov  3 09:05:07 10.1.2.3 *Mar  1 00:01:02.123: ${CONFIG_I}`],
    [`<189>${CONFIG_I}`, `<189>Nov  3 09:05:07 10.1.2.3 ${CONFIG_I}`],
    // An RFC 3164 timestamp but no hostname before the sequence number or the message: the sender's timestamp stays.
    [`<189>Nov 23 11:00:00 45: ${CONFIG_I}`, `<189>Nov 23 11:00:00 10.1.2.3 45: ${CONFIG_I}`],
    [`<189>Nov 23 11:00:00 ${CONFIG_I}`, `<189>Nov 23 11:00:00 10.1.2.3 ${CONFIG_I}`],
    // RFC 5424 with the nil hostname.
    [`<189>1 2026-11-23T11:00:00Z - ios 45 - - ${CONFIG_I}`, `<189>1 2026-11-23T11:00:00Z 10.1.2.3 ios 45 - - ${CONFIG_I}`],
  ];
  for (const [sent, expected] of cases) assert.equal(withOrigin(sent, '10.1.2.3', RECEIVED), expected, sent);
  assert.equal(withOrigin(`<189>${CONFIG_I}`, '::ffff:10.1.2.3', RECEIVED), `<189>Nov  3 09:05:07 10.1.2.3 ${CONFIG_I}`, 'an IPv4-mapped address is written as IPv4');
});

void test('a header with a hostname is left as it came', () => {
  for (const sent of [
    `<189>Nov 23 11:00:00 FS-S5850-CORE1 45: *Nov 23 11:00:00.123: ${CONFIG_I}`,
    `<189>45: CORE1: *Nov 23 11:00:00.123: ${CONFIG_I}`,
    `<189>1 2026-11-23T11:00:00Z CORE1 ios 45 - - ${CONFIG_I}`,
    '<30>Nov 22 20:09:01 dhcp1 dhcpd[812]: DHCPACK on 10.77.0.100 to be:b5:de:01:12:a1 (FS-S5850-SRV) via eth1',
    'Nov 22 20:09:01 dhcp1 dhcpd[812]: DHCPACK on 10.77.0.100 to be:b5:de:01:12:a1 (FS-S5850-SRV) via eth1',
  ]) {
    assert.equal(withOrigin(sent, '10.1.2.3', RECEIVED), sent);
  }
});
