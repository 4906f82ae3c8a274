import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DeviceError, DeviceSession, getProfile, HostKeyStore, profileNames, readFacts, type FactsSession } from '../src/device/index.js';
import { Lab, type Personality } from '../src/lab/index.js';
import { silentLogger } from '../src/log/index.js';
import { StateStore } from '../src/state/index.js';

// The `show version` samples of VENDORS.md, one per family, as the switch prints them after the echoed command.
const S5850 = `FSOS Software, S5850, Version 7.2.2
Copyright (C) 2019 by FS.COM.  All rights reserved.
LAB-S5850 uptime is 3 days, 4 hours, 12 minutes
Hardware Type is 48S6Q
Hardware Version is 2.0
SDRAM size 1024M
System serial number is CG0000000000N0001
Current Web Version is 6.2.29.r2
`;
const S3900 = `Unit 1 -----------------------------
 Serial Number          : CG0000000000N0002
 Hardware Version       : 1.0
 Number of Ports        : 28
 Loader Version         : 1.4
 Operation Code Version : 1.7.3
`;
const S3900_SYSTEM = `System Description : S3900-24T4S
System OID String  : 1.3.6.1.4.1.52642.2.1.45.101
`;
const S3900R = `Fiberstore Co., Limited Internetwork Operating System Software
S3900-24F4S-R Series Software, Version 2.2.0E Build 97109, RELEASE SOFTWARE
Copyright (c) 2021 by FS.COM All Rights Reserved
ROM: System Bootstrap, Version 0.1.4,hardware version:A
Serial num:CG0000000000N0003, ID num:20000000001
System image file is "switch.bin"
FS S3900-24F4S-R RISC
Base ethernet MAC Address: 64:9d:99:00:00:03
LAB-S3900R uptime is 4:04:14:10, The current time: 2026-01-05 22:18:44
`;
const IOS = `Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E4, RELEASE SOFTWARE (fc2)
lab-c2960 uptime is 1 week, 3 days, 16 hours, 11 minutes
cisco WS-C2960X-24TS-L (APM86XXX) processor (revision B0) with 524288K bytes of memory.
Processor board ID FOC0000X0AB
System serial number            : FOC0000X0AB
`;

/** Answers commands from a table; any other command is rejected as a switch rejects it. */
function scripted(replies: Record<string, string>): FactsSession & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    run: (command) => {
      asked.push(command);
      const reply = replies[command];
      if (reply !== undefined) return Promise.resolve(reply);
      return Promise.reject(new DeviceError('rejected', `rejected "${command}"`, { command, deviceMessage: '% Invalid input detected' }));
    },
  };
}

void test('each family reads serial, model and version from its VENDORS.md sample', async () => {
  assert.deepEqual(await readFacts(scripted({ 'show version': S5850 }), getProfile('fs-s5850')),
    { family: 'fs-s5850', serial: 'CG0000000000N0001', model: 'S5850-48S6Q', version: '7.2.2' });
  assert.deepEqual(await readFacts(scripted({ 'show version': S3900, 'show system': S3900_SYSTEM }), getProfile('fs-s3900')),
    { family: 'fs-s3900', serial: 'CG0000000000N0002', model: 'S3900-24T4S', version: '1.7.3' });
  assert.deepEqual(await readFacts(scripted({ 'show version': S3900R }), getProfile('fs-s3900-r')),
    { family: 'fs-s3900-r', serial: 'CG0000000000N0003', model: 'S3900-24F4S-R', version: '2.2.0E Build 97109' });
  assert.deepEqual(await readFacts(scripted({ 'show version': IOS }), getProfile('cisco-ios')),
    { family: 'cisco-ios', serial: 'FOC0000X0AB', model: 'WS-C2960X-24TS-L', version: '15.2(7)E4' });
});

void test('FSOS 1.6 names its version line differently; an S5850 without the hardware line still gives its series', async () => {
  const old = S3900.replace('Operation Code Version : 1.7.3', 'FSOS Software Version  : 1.6.7');
  assert.equal((await readFacts(scripted({ 'show version': old }), getProfile('fs-s3900'))).version, '1.6.7');
  const bare = S5850.replace('Hardware Type is 48S6Q\n', '');
  assert.equal((await readFacts(scripted({ 'show version': bare }), getProfile('fs-s5850'))).model, 'S5850');
});

void test('the generic profile recognises every family; a family profile does not take another family for its own', async () => {
  for (const [text, family] of [[S5850, 'fs-s5850'], [S3900, 'fs-s3900'], [S3900R, 'fs-s3900-r'], [IOS, 'cisco-ios']] as const) {
    assert.equal((await readFacts(scripted({ 'show version': text }), getProfile('generic'))).family, family);
  }
  assert.deepEqual(await readFacts(scripted({ 'show version': S3900 }), getProfile('fs-s5850')), {});
  assert.deepEqual(await readFacts(scripted({ 'show version': IOS }), getProfile('fs-s3900-r')), {});
  assert.deepEqual(await readFacts(scripted({ 'show version': 'nothing a switch would say\n' }), getProfile('generic')), {});
});

void test('a rejected command is passed over, each command is sent once; a dead session fails the read', async () => {
  const session = scripted({ 'show version': S3900 });
  const facts = await readFacts(session, getProfile('generic'));
  assert.deepEqual(facts, { family: 'fs-s3900', serial: 'CG0000000000N0002', version: '1.7.3' });
  assert.deepEqual(session.asked, ['show version', 'show system']);
  const dead: FactsSession = { run: () => Promise.reject(new DeviceError('timeout', 'no prompt within 5000 ms')) };
  await assert.rejects(readFacts(dead, getProfile('fs-s5850')), (err: unknown) => err instanceof DeviceError && err.kind === 'timeout');
});

void test('hostile output: terminal escapes and control characters are stripped, values that are not plain are dropped, and only the first 16 KiB is read', async () => {
  const escaped = S5850.replace('System serial number is CG0000000000N0001', 'System serial number is CG00\x1b[31m01\x07');
  assert.equal((await readFacts(scripted({ 'show version': escaped }), getProfile('fs-s5850'))).serial, 'CG0001');
  const quoted = S5850.replace('CG0000000000N0001', '"$(reboot)"').replace('Version 7.2.2', 'Version 7.2.2;id');
  const facts = await readFacts(scripted({ 'show version': quoted }), getProfile('fs-s5850'));
  assert.equal(facts.serial, undefined);
  assert.equal(facts.version, undefined);
  assert.equal(facts.model, 'S5850-48S6Q');
  const long = S5850.replace('CG0000000000N0001', 'X'.repeat(65));
  assert.equal((await readFacts(scripted({ 'show version': long }), getProfile('fs-s5850'))).serial, undefined);
  const padded = `${S5850.split('\n')[0] ?? ''}\n${'filler line\n'.repeat(2000)}System serial number is LATE0001\n`;
  const late = await readFacts(scripted({ 'show version': padded }), getProfile('fs-s5850'));
  assert.equal(late.family, 'fs-s5850');
  assert.equal(late.serial, undefined, 'a serial past the first 16 KiB is not read');
});

void test('every facts pattern is line-anchored (flag m) and keeps no state (no flag g)', () => {
  for (const name of profileNames()) {
    for (const family of getProfile(name).facts) {
      const patterns = [family.recognise, ...family.commands.flatMap((c) => [...(c.serial ?? []), ...(c.model ?? []), ...(c.version ?? [])])];
      for (const { pattern, source } of patterns) {
        assert.ok(pattern.flags.includes('m') && !pattern.flags.includes('g'), `${name}/${family.family}: ${String(pattern)}`);
        assert.ok(['sourced', 'inferred'].includes(source), `${name}/${family.family}: ${String(pattern)} says where it comes from`);
      }
    }
  }
});

const dir = mkdtempSync(join(tmpdir(), 'onramp-facts-'));
const login = { username: 'admin', password: 'facts-pw' };
const lab: { current?: Lab } = {};
const models: Record<Personality, string> = {
  'fs-s5850': 'S5850-48S6Q', 'fs-s3900': 'S3900-24T4S', 'fs-s3900-r': 'S3900-24F4S-R', 'cisco-ios': 'WS-C2960X-24TS-L',
};
const personalities = Object.keys(models) as Personality[];

before(async () => {
  lab.current = await Lab.start({
    keyDir: join(dir, 'keys'),
    switches: personalities.map((personality, i) => ({ hostname: `F-${String(i)}`, personality, mac: `64:9d:99:05:00:0${String(i + 1)}`, ...login, enableSecret: 'en' })),
  });
});

after(async () => {
  await lab.current?.stop();
  rmSync(dir, { recursive: true, force: true });
});

for (const [i, personality] of personalities.entries()) {
  void test(`${personality} over SSH: its own profile and the generic one read the same facts`, async () => {
    const sw = lab.current?.get(`F-${String(i)}`);
    assert.ok(sw !== undefined);
    for (const profileName of [personality, 'generic']) {
      const session = await DeviceSession.open(
        {
          host: sw.address, port: sw.port, ...login, enableSecret: 'en', profile: getProfile(profileName), timeoutMs: 5000, retries: 0,
          hostKeyPolicy: 'pin', identity: { kind: 'device', name: sw.spec.hostname },
        },
        { hostKeys: new HostKeyStore(new StateStore(join(dir, 'state'))), logger: silentLogger() },
      );
      try {
        const facts = await readFacts(session, session.profile);
        assert.equal(facts.family, personality, profileName);
        assert.equal(facts.model, models[personality], profileName);
        assert.match(facts.serial ?? '', /^(?:CG0000N|FOC)\d{8}$/, profileName);
        assert.ok(facts.version !== undefined && facts.version !== '', profileName);
      } finally {
        await session.close();
      }
    }
  });
}
