import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeAuthor, parseChangeAuthor, triggerOfLine } from '../src/backups/index.js';

// Who made a change, from the config-change syslog line: real shapes keep user, session and source; hostile ones keep nothing unsafe.

void test('Cisco IOS / FSOS: user, session and source address', () => {
  const author = parseChangeAuthor('<189>45: CORE1: *Nov 23 11:00:00.123: %SYS-5-CONFIG_I: Configured from console by admin on vty0 (10.1.0.5)');
  assert.deepEqual({ user: author.user, session: author.session, source: author.source }, { user: 'admin', session: 'vty0', source: '10.1.0.5' });
  assert.equal(describeAuthor(author), 'by admin on vty0 from 10.1.0.5');
});

void test('a change typed on the console names the console as the session and no address', () => {
  const author = parseChangeAuthor('<189>Nov 23 11:00:00 CORE1 12: %SYS-5-CONFIG_I: Configured from console by ops on console');
  assert.equal(describeAuthor(author), 'by ops on console');
});

void test('FS NetworkOS: changed by USER from ADDRESS (ssh); a web change with no user', () => {
  const fs = parseChangeAuthor('<189>1 2026-11-23T11:00:00Z S5850-CORE1 - - - - %CONFIG-5-CONFIG_CHANGED: configuration changed by netops from 192.0.2.7 (ssh)');
  assert.equal(describeAuthor(fs), 'by netops on ssh from 192.0.2.7');
  assert.equal(describeAuthor(parseChangeAuthor('S5850-CORE1: Configured from web')), 'on web');
});

void test('hostile values are dropped: option-like users, newlines, fake addresses, overlong lines', () => {
  const option = parseChangeAuthor('%SYS-5-CONFIG_I: Configured from console by --upload-pack=touch on vty0 (10.1.0.5;rm)');
  assert.equal(option.user, undefined);
  assert.equal(option.source, undefined);
  assert.equal(option.session, 'vty0');
  const injected = parseChangeAuthor('%SYS-5-CONFIG_I: Configured from console by eve\nAuthor: root <root@x> on vty0 (10.1.0.5)');
  assert.doesNotMatch(injected.line, /\n/);
  assert.equal(injected.user, 'eve');
  const long = parseChangeAuthor(`%SYS-5-CONFIG_I: Configured from console by ${'a'.repeat(500)} on vty0`);
  assert.equal(long.user, undefined);
  assert.ok(long.line.length <= 300);
});

void test('the trigger of a scheduled backup comes from its event line', () => {
  assert.equal(triggerOfLine('Nov 23 11:00:00 dhcp dhcpd[1]: DHCPACK on 10.0.0.9 to 00:11:22:33:44:55 via eth0').kind, 'dhcpack');
  assert.equal(triggerOfLine(undefined).kind, 'event');
  const change = triggerOfLine('%SYS-5-CONFIG_I: Configured from console by admin on vty0 (10.1.0.5)');
  assert.ok(change.kind === 'config-change' && change.change.user === 'admin');
});
