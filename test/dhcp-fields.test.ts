import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseMac, stripSyslogHeader, validateHostname } from '../src/dhcp/index.js';

void test('normaliseMac accepts the spellings servers and switches use', () => {
  const want = 'be:b5:de:01:12:a1';
  for (const raw of ['be:b5:de:01:12:a1', 'BE:B5:DE:01:12:A1', 'be:b5:de:1:12:a1', 'be-b5-de-01-12-a1', 'beb5.de01.12a1', 'BEB5DE0112A1', ' be:b5:de:01:12:a1 ']) {
    assert.equal(normaliseMac(raw), want, raw);
  }
});

void test('normaliseMac refuses what is not a 48-bit MAC', () => {
  for (const raw of ['', 'be:b5:de:01:12', 'be:b5:de:01:12:a1:ff', 'be:b5-de:01:12:a1', 'gg:b5:de:01:12:a1', 'beb5.de01.12a', 'be:b5:de:001:12:a1', '$(id)']) {
    assert.equal(normaliseMac(raw), null, raw);
  }
});

void test('validateHostname keeps ordinary names as they are', () => {
  for (const name of ['Switch', 'FS-S5850-SRV', 'fs-s3900-acc1', 'sw1.site.example', 'android_1234', 'a', 'x'.repeat(63), `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`]) {
    assert.equal(validateHostname(name), name, name);
  }
});

void test('validateHostname refuses over-long labels and names and bad label edges', () => {
  for (const name of ['', 'x'.repeat(64), `${'a.'.repeat(127)}ab`, '-lead', 'trail-', '.lead', 'trail.', 'a..b', 'a b', 'é']) {
    assert.equal(validateHostname(name), null, name);
  }
});

void test('stripSyslogHeader: RFC 3164 with and without host and pid', () => {
  const now = new Date(2026, 10, 23);
  assert.deepEqual(stripSyslogHeader('Nov 22 20:09:01 dhcp1 dhcpd[812]: hello: world', now), {
    message: 'hello: world', host: 'dhcp1', program: 'dhcpd', pid: 812, time: new Date(2026, 10, 22, 20, 9, 1),
  });
  assert.deepEqual(stripSyslogHeader('Nov 22 20:09:01 dhcp1 dhcpd: hello', now), {
    message: 'hello', host: 'dhcp1', program: 'dhcpd', time: new Date(2026, 10, 22, 20, 9, 1),
  });
  assert.deepEqual(stripSyslogHeader('<134>Nov 22 20:09:01.250 kernel: eth0 up', now), {
    message: 'eth0 up', program: 'kernel', priority: 134, time: new Date(2026, 10, 22, 20, 9, 1, 250),
  });
});

void test('stripSyslogHeader: RFC 5424 nil fields and structured data', () => {
  assert.deepEqual(stripSyslogHeader('<165>1 - - - - - - just text'), { message: 'just text', priority: 165 });
  const parts = stripSyslogHeader('<165>1 2026-11-22T20:09:01Z sw1 app 42 ID47 [a@1 k="v\\]"][b@1 x="y"] body');
  assert.equal(parts.message, 'body');
  assert.equal(parts.host, 'sw1');
  assert.equal(parts.program, 'app');
  assert.equal(parts.pid, 42);
  assert.equal(parts.time?.toISOString(), '2026-11-22T20:09:01.000Z');
});

void test('stripSyslogHeader: RFC 3339 offsets with and without colon', () => {
  assert.equal(stripSyslogHeader('2026-11-22T21:09:01.5+0100 h p: m').time?.toISOString(), '2026-11-22T20:09:01.500Z');
  assert.equal(stripSyslogHeader('2026-11-22T21:09:01+01:00 h p: m').message, 'm');
});

void test('stripSyslogHeader: no header leaves the line whole', () => {
  for (const line of ['DHCPACK on 10.77.0.100 to be:b5:de:01:12:a1 via eth1', 'Foo 22 20:09:01 x', '2026-11-22 20:09:01.123 INFO  [kea]', '']) {
    assert.deepEqual(stripSyslogHeader(line), { message: line });
  }
});
