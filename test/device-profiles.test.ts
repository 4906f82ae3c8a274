import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProfile, getProfile, ProfileError, profileNames, suggestProfile } from '../src/device/index.js';

void test('every profile is known by name; an unknown name lists the known ones', () => {
  assert.deepEqual(profileNames(), ['fs-s5850', 'fs-s3900', 'fs-s3900-r', 'cisco-ios', 'generic']);
  for (const name of profileNames()) assert.equal(getProfile(name).name, name);
  assert.throws(() => getProfile('juniper'), /known profiles: fs-s5850, fs-s3900, fs-s3900-r, cisco-ios, generic/);
});

void test('profiles carry the VENDORS.md commands', () => {
  assert.equal(getProfile('fs-s5850').enterConfig, 'configure terminal');
  assert.equal(getProfile('fs-s5850').save.command, 'write');
  assert.equal(getProfile('fs-s3900').enterConfig, 'configure');
  assert.equal(getProfile('fs-s3900').save.command, 'copy running-config startup-config');
  assert.equal(getProfile('fs-s3900-r').enterConfig, 'config');
  assert.deepEqual(getProfile('fs-s3900-r').leaveConfig, ['exit']);
  assert.equal(getProfile('cisco-ios').save.command, 'write memory');
  for (const name of profileNames()) assert.ok(getProfile(name).pagingOff.includes('terminal length 0'), name);
});

void test('prompt patterns: exec, user and config prompts match; output lines do not', () => {
  const paren = getProfile('fs-s5850').promptPattern;
  for (const p of ['LAB-S5850#', 'switch-1>', 'LAB(config)#', 'LAB(config-if)#', 'lab.c2960(config-if-range)#']) assert.ok(paren.test(p), p);
  for (const p of ['!', 'interface eth-0-1', '% Invalid input detected', 'description a#b c#']) assert.ok(!paren.test(p), p);
  const generic = getProfile('generic').promptPattern;
  for (const p of ['LAB_config_g0/1#', 'LAB(config)#', 'host>']) assert.ok(generic.test(p), p);
});

void test('error markers of each family catch their error lines and nothing in a normal reply', () => {
  const cases: [string, string][] = [
    ['fs-s5850', "       ^\n% Invalid input detected at '^' marker."],
    ['fs-s3900', '% Incomplete command.'],
    ['fs-s3900', '% Unrecognized command'],
    ['fs-s3900', 'Incorrect usage'],
    ['fs-s3900-r', ' ^\nUnknown command'],
    ['cisco-ios', '% Ambiguous command:  "sh c"'],
    ['cisco-ios', '% Unknown command or computer name, or unable to find computer address'],
  ];
  for (const [name, text] of cases) assert.ok(getProfile(name).errorMarkers.some((m) => m.test(text)), `${name}: ${text}`);
  for (const name of profileNames()) {
    assert.ok(!getProfile(name).errorMarkers.some((m) => m.test('Enter configuration commands, one per line.  End with CNTL/Z.\n description Unknown command handler')), name);
  }
});

void test('suggestProfile guesses from the DHCP hostname', () => {
  assert.equal(suggestProfile('FS-S5850-SRV'), 'fs-s5850');
  assert.equal(suggestProfile('FS-S5800-CORE'), 'fs-s5850');
  assert.equal(suggestProfile('FS-S3900-ACC1'), 'fs-s3900');
  assert.equal(suggestProfile('S3900-24F4S-R'), 'fs-s3900-r');
  assert.equal(suggestProfile('FS-S3900R-ACC2'), 'fs-s3900-r');
  assert.equal(suggestProfile('S3400-48T4SP'), 'fs-s3900-r');
  assert.equal(suggestProfile('C2960X-lab'), 'cisco-ios');
  assert.equal(suggestProfile('Switch'), undefined);
  assert.equal(suggestProfile('FS-S39000'), undefined);
});

void test('buildProfile applies site overrides; masks are added, not replaced', () => {
  const base = getProfile('generic');
  const built = buildProfile(base, {
    name: 'acme-os',
    promptPattern: '^(?<host>[\\w-]+)[$%]$',
    pagingOff: ['no page'],
    save: { command: 'save config', confirm: [{ prompt: 'Are you sure\\?', answer: 'y' }], success: 'saved' },
    errorMarkers: ['^Error:'],
    enable: null,
    secretMasks: [{ pattern: '(psk) \\S+', replace: '$1 <secret hidden>' }],
  });
  assert.equal(built.name, 'acme-os');
  assert.equal(built.promptPattern.exec('edge-1%')?.groups?.host, 'edge-1');
  assert.deepEqual(built.pagingOff, ['no page']);
  assert.equal(built.save.confirm?.[0]?.answer, 'y');
  const [confirm] = built.save.confirm ?? [];
  assert.ok(confirm?.prompt.test('ARE YOU SURE?'));
  assert.ok(built.errorMarkers[0]?.test('ok\nError: bad'));
  assert.equal(built.enable, undefined);
  assert.equal(built.secretMasks.length, base.secretMasks.length + 1);
  assert.equal(built.enterConfig, base.enterConfig);
  assert.notEqual(base.name, 'acme-os');
});

void test('buildProfile rejects bad overrides with the field path', () => {
  const base = getProfile('generic');
  const bad: [unknown, string][] = [
    [{ promptPattern: '([' }, 'profile.promptPattern'],
    [{ pagingOff: 'terminal length 0' }, 'profile.pagingOff'],
    [{ enterConfig: 'conf t\nreload' }, 'profile.enterConfig'],
    [{ save: { command: 'write', confirm: [{ prompt: 'x' }] } }, 'profile.save.confirm[0].answer'],
    [{ leaveConfig: [] }, 'profile.leaveConfig'],
    [{ colour: 'blue' }, 'profile.colour'],
    ['nope', 'profile'],
  ];
  for (const [overrides, path] of bad) {
    assert.throws(() => buildProfile(base, overrides), (err: unknown) => err instanceof ProfileError && err.path === path, path);
  }
});
