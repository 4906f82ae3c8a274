import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { DeviceSession, type DeviceTarget } from '../src/device/session.js';
import { DeviceError, getProfile } from '../src/device/index.js';
import { silentLogger, type Logger } from '../src/log/index.js';
import { FakeCli, type FakeCliOptions } from './device-fake-cli.js';

const PASSWORD = 'Sup3r-S3cret-login';
const ENABLE = 'En4ble-S3cret';

function target(profile: string, overrides: Partial<DeviceTarget> = {}): DeviceTarget {
  return {
    host: '127.0.0.1', port: 22, username: 'admin', password: PASSWORD, profile: getProfile(profile),
    timeoutMs: 2000, retries: 0, hostKeyPolicy: 'off', ...overrides,
  };
}

async function attach(options: FakeCliOptions, profile: string = options.dialect, logger: Logger = silentLogger(), overrides: Partial<DeviceTarget> = {}): Promise<{ cli: FakeCli; session: DeviceSession }> {
  const cli = new FakeCli(options);
  const session = await DeviceSession.attach(cli, target(profile, overrides), logger);
  return { cli, session };
}

const BASE = ['hostname LAB', '!', 'interface eth-0-1', ' switchport mode trunk', '!'];

void test('fs-s5850: running config through the pager when paging cannot be turned off, in small fragments', async () => {
  const config = Array.from({ length: 40 }, (_, i) => `snmp-server location rack-${i}`);
  const { cli, session } = await attach({ dialect: 'fs-s5850', hostname: 'LAB', config, pagingStuck: true, pageLines: 7, fragment: 3 });
  const text = await session.runningConfig();
  assert.equal(text, ['Building configuration...', ...config, 'end'].join('\n') + '\n');
  assert.ok(cli.received.includes('terminal length 0'));
  await session.close();
});

void test('fs-s5850: banner and ANSI colours around the prompt', async () => {
  const { session } = await attach({ dialect: 'fs-s5850', hostname: 'LAB-S5850', config: BASE, banner: 'Welcome\r\nUnauthorised access prohibited#\r\n', ansi: true });
  assert.equal(session.hostname(), 'LAB-S5850');
  assert.equal(await session.run('show version'), 'output of show version\n');
  await session.close();
});

void test('fs-s5850: configure sends every line in config mode, follows the new hostname, and does not save', async () => {
  const { cli, session } = await attach({ dialect: 'fs-s5850', hostname: 'Switch', config: [] });
  await session.configure(['!', 'hostname FS-S5850-NEW', 'interface eth-0-2', ' description uplink', '', 'end']);
  assert.deepEqual(cli.config, ['hostname FS-S5850-NEW', 'interface eth-0-2', 'description uplink']);
  assert.equal(session.hostname(), 'FS-S5850-NEW');
  assert.equal(session.prompt, 'FS-S5850-NEW#');
  assert.equal(cli.saves, 0);
  await session.save();
  assert.equal(cli.saves, 1);
  await session.close();
});

void test('a rejected line stops the push, leaves config mode, names the line and the message, and saves nothing', async () => {
  const { cli, session } = await attach({ dialect: 'fs-s5850', hostname: 'LAB', config: [], reject: ['spanning-tree bogus'] });
  await assert.rejects(session.configure(['vlan 10', 'spanning-tree bogus', 'vlan 20']), (err: unknown) => {
    assert.ok(err instanceof DeviceError);
    assert.equal(err.kind, 'rejected');
    assert.equal(err.command, 'spanning-tree bogus');
    assert.equal(err.deviceMessage, "% Invalid input detected at '^' marker.");
    return true;
  });
  assert.deepEqual(cli.config, ['vlan 10']);
  assert.equal(cli.received.at(-1), 'end');
  assert.equal(session.prompt, 'LAB#');
  assert.equal(cli.saves, 0);
  await session.close();
});

void test('a push its caller stops between two lines: the rest is not typed, config mode is left, and the error says how many were', async () => {
  const { cli, session } = await attach({ dialect: 'fs-s5850', hostname: 'LAB', config: [] });
  const asked: string[] = [];
  const beforeLine = (index: number, total: number): boolean => {
    asked.push(`${String(index)}/${String(total)}`);
    return index < 2;
  };
  await assert.rejects(session.configure(['vlan 10', '!', 'vlan 20', 'vlan 30', 'vlan 40'], { beforeLine }), (err: unknown) => {
    assert.ok(err instanceof DeviceError);
    assert.equal(err.kind, 'interrupted');
    assert.equal(err.applied, 2);
    return true;
  });
  assert.deepEqual(asked, ['0/4', '1/4', '2/4'], 'asked before each line, `!` not counted');
  assert.deepEqual(cli.config, ['vlan 10', 'vlan 20']);
  assert.equal(cli.received.at(-1), 'end');
  assert.equal(session.prompt, 'LAB#');
  // Stopped before the first line, it does not even enter config mode.
  const before = cli.received.length;
  await assert.rejects(session.configure(['vlan 50'], { beforeLine: () => false }), { kind: 'interrupted', applied: 0 });
  assert.equal(cli.received.length, before);
  assert.equal(cli.saves, 0);
  await session.close();
});

void test('fs-s3900: `configure`, `end`, and the save file-name question answered with Enter', async () => {
  const { cli, session } = await attach({ dialect: 'fs-s3900', hostname: 'LAB-S3900', config: ['hostname LAB-S3900'], pagingStuck: true, pageLines: 1 });
  await session.configure(['snmp-server location lab']);
  assert.ok(cli.received.includes('configure'));
  await session.save();
  assert.equal(cli.saves, 1);
  assert.deepEqual(cli.startup, ['hostname LAB-S3900', 'snmp-server location lab']);
  assert.ok(cli.received.includes('copy running-config startup-config'));
  const text = await session.runningConfig();
  assert.match(text, /^Building running configuration\. Please wait\.\.\.\nhostname LAB-S3900\nsnmp-server location lab\nend\n$/);
  await session.close();
});

void test('fs-s3900-r: enable, `config`, `exit` per level, BDCOM `Unknown command` after a caret line', async () => {
  const { cli, session } = await attach({ dialect: 'fs-s3900-r', hostname: 'LAB_R', config: [], startInUserMode: true });
  assert.equal(session.prompt, 'LAB_R#');
  await session.configure(['interface GigaEthernet0/1', ' switchport pvid 10']);
  assert.deepEqual(cli.received.slice(-2), ['exit', 'exit']);
  assert.equal(session.prompt, 'LAB_R#');
  await assert.rejects(session.run('bogus-thing'), (err: unknown) => err instanceof DeviceError && err.kind === 'rejected' && err.deviceMessage === 'Unknown command');
  await session.save();
  assert.equal(cli.saves, 1);
  await session.close();
});

void test('cisco-ios: enable with a secret, `write memory` reports [OK]', async () => {
  const { cli, session } = await attach({ dialect: 'cisco-ios', hostname: 'lab-c2960', config: [], startInUserMode: true, enableSecret: ENABLE }, 'cisco-ios', silentLogger(), { enableSecret: ENABLE });
  assert.equal(session.prompt, 'lab-c2960#');
  await session.save();
  assert.equal(cli.saves, 1);
  await session.close();
});

void test('cisco-ios: a wrong enable secret is DeviceError(auth)', async () => {
  await assert.rejects(
    attach({ dialect: 'cisco-ios', hostname: 'lab-c2960', config: [], startInUserMode: true, enableSecret: ENABLE }, 'cisco-ios', silentLogger(), { enableSecret: 'wrong' }),
    (err: unknown) => err instanceof DeviceError && err.kind === 'auth',
  );
});

void test('generic profile learns the prompt of any of the families', async () => {
  for (const dialect of ['fs-s5850', 'fs-s3900-r', 'cisco-ios'] as const) {
    const { session } = await attach({ dialect, hostname: 'ANY-1', config: ['hostname ANY-1'], startInUserMode: dialect !== 'fs-s5850' }, 'generic');
    assert.equal(session.hostname(), 'ANY-1', dialect);
    assert.match(await session.runningConfig(), /hostname ANY-1/);
    await session.close();
  }
});

void test('a device that stops answering gives DeviceError(timeout)', async () => {
  const { session } = await attach({ dialect: 'fs-s5850', hostname: 'LAB', config: [], hangAfter: 2 }, 'fs-s5850', silentLogger(), { commandTimeoutMs: 60 });
  await assert.rejects(session.runningConfig(), (err: unknown) => err instanceof DeviceError && err.kind === 'timeout');
  await session.close();
});

void test('a debug-level log of a whole session contains no password, enable secret or config secret', async () => {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = pino({ level: 'trace' }, sink);
  const { session } = await attach(
    { dialect: 'cisco-ios', hostname: 'lab', config: ['username admin privilege 15 secret 9 $9$ConfigHash'], startInUserMode: true, enableSecret: ENABLE },
    'cisco-ios', logger, { enableSecret: ENABLE },
  );
  await session.runningConfig();
  await session.configure(['username ops password 0 PushedPassw0rd', 'snmp-server community Commun1ty RO']);
  await session.save();
  await session.close();
  const log = chunks.join('');
  assert.ok(log.includes('sending'), 'the debug log was captured');
  for (const secret of [PASSWORD, ENABLE, 'PushedPassw0rd', 'Commun1ty', '$9$ConfigHash']) assert.ok(!log.includes(secret), `log contains ${secret}`);
});
