import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { DeviceError, DeviceSession, getProfile, HostKeyStore, type DeviceTarget } from '../src/device/index.js';
import { normaliseConfig } from '../src/config/index.js';
import { Lab, type LabFault, type LabSwitch } from '../src/lab/index.js';
import { silentLogger, type Logger } from '../src/log/index.js';
import { StateStore } from '../src/state/index.js';
import { waitFor } from './agent-cli.js';

/** The device client over real SSH against the embedded lab, one switch per scenario. */
const dir = mkdtempSync(join(tmpdir(), 'onramp-device-ssh-'));
const PASSWORD = 'Lab-Login-Passw0rd';
const ENABLE = 'Lab-Enable-S3cret';
let lab: Lab;
let hostKeys: HostKeyStore;

const switches: { hostname: string; personality: 'fs-s5850' | 'fs-s3900' | 'fs-s3900-r' | 'cisco-ios'; faults?: LabFault[] }[] = [
  { hostname: 'E-S5850', personality: 'fs-s5850' },
  { hostname: 'E-S3900', personality: 'fs-s3900' },
  { hostname: 'E-S3900R', personality: 'fs-s3900-r' },
  { hostname: 'E-IOS', personality: 'cisco-ios' },
  { hostname: 'E-REJECT', personality: 'fs-s5850', faults: ['reject-config'] },
  { hostname: 'E-PAGING', personality: 'fs-s3900', faults: ['paging-stuck'] },
  { hostname: 'E-BANNER', personality: 'fs-s5850', faults: ['banner'] },
  { hostname: 'E-SLOW', personality: 'fs-s3900', faults: ['slow'] },
  { hostname: 'E-KEY', personality: 'fs-s5850' },
  { hostname: 'E-PW', personality: 'fs-s5850', faults: ['wrong-password'] },
  { hostname: 'E-LEGACY', personality: 'cisco-ios', faults: ['legacy-algorithms'] },
  { hostname: 'E-DROP', personality: 'fs-s5850', faults: ['disconnect-on-show-run'] },
  { hostname: 'E-REFUSE', personality: 'fs-s3900', faults: ['refuse'] },
];

before(async () => {
  lab = await Lab.start({
    keyDir: join(dir, 'keys'),
    slowMs: 300,
    switches: switches.map((s, i) => ({
      hostname: s.hostname,
      personality: s.personality,
      mac: `64:9d:99:05:00:${(i + 16).toString(16)}`,
      username: 'admin',
      password: PASSWORD,
      enableSecret: ENABLE,
      faults: s.faults ?? [],
    })),
  });
  hostKeys = new HostKeyStore(new StateStore(join(dir, 'state')));
});

after(async () => {
  await lab.stop();
  rmSync(dir, { recursive: true, force: true });
});

function targetFor(sw: LabSwitch, overrides: Partial<DeviceTarget> = {}): DeviceTarget {
  return {
    host: sw.address, port: sw.port, username: 'admin', password: PASSWORD, enableSecret: ENABLE,
    profile: getProfile(sw.spec.personality), timeoutMs: 5000, retries: 0, hostKeyPolicy: 'pin', identity: { kind: 'device', name: sw.spec.hostname }, ...overrides,
  };
}

async function open(name: string, overrides: Partial<DeviceTarget> = {}, logger: Logger = silentLogger()): Promise<DeviceSession> {
  return DeviceSession.open(targetFor(lab.get(name), overrides), { hostKeys, logger, backoff: { baseMs: 10, maxMs: 40 } });
}

async function withSession<T>(name: string, work: (s: DeviceSession) => Promise<T>, overrides: Partial<DeviceTarget> = {}): Promise<T> {
  const session = await open(name, overrides);
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}

for (const name of ['E-S5850', 'E-S3900', 'E-S3900R', 'E-IOS']) {
  void test(`${name}: the fetched config is what the switch holds; configure + save changes it and saves once`, async () => {
    const sw = lab.get(name);
    const profile = getProfile(sw.spec.personality);
    await withSession(name, async (session) => {
      const fetched = await session.runningConfig();
      assert.equal(normaliseConfig(fetched, profile), normaliseConfig(sw.runningConfig(), profile));
      await session.configure(['snmp-server location e2e-rack-7']);
      assert.match(sw.runningConfig(), /snmp-server location e2e-rack-7/);
      assert.equal(sw.saves(), 0);
      await session.save();
      assert.equal(sw.saves(), 1);
      assert.match(sw.startupConfig(), /snmp-server location e2e-rack-7/);
      assert.match(await session.runningConfig(), /snmp-server location e2e-rack-7/);
    });
  });
}

void test('a rejected line: DeviceError(rejected) with the line and message, config mode left, nothing saved', async () => {
  const sw = lab.get('E-REJECT');
  await withSession('E-REJECT', async (session) => {
    await assert.rejects(session.configure(['interface eth-0-5', ' description ok-line', 'snmp-server community s3cr3t ro', 'interface eth-0-6']), (err: unknown) => {
      assert.ok(err instanceof DeviceError);
      assert.equal(err.kind, 'rejected');
      assert.equal(err.command, 'snmp-server community <secret hidden> ro');
      assert.match(err.deviceMessage ?? '', /Invalid input/);
      assert.ok(!err.message.includes('s3cr3t'));
      return true;
    });
    assert.ok(!/^interface eth-0-6$/m.test(sw.runningConfig()));
    assert.match(session.prompt, /^E-REJECT#$/);
    assert.equal(sw.saves(), 0);
  });
});

void test('paging that cannot be turned off: the whole config is still fetched', async () => {
  const sw = lab.get('E-PAGING');
  await withSession('E-PAGING', async (session) => {
    const profile = getProfile('fs-s3900');
    assert.equal(normaliseConfig(await session.runningConfig(), profile), normaliseConfig(sw.runningConfig(), profile));
  });
});

void test('banner before login and MOTD before the prompt', async () => {
  await withSession('E-BANNER', async (session) => {
    assert.equal(session.hostname(), 'E-BANNER');
    assert.match(await session.runningConfig(), /hostname E-BANNER/);
  });
});

void test('slow replies within the timeout are waited for', async () => {
  await withSession('E-SLOW', async (session) => {
    assert.match(await session.runningConfig(), /hostname E-SLOW/);
  });
});

void test('host key: pinned on first use, matched later, a changed key refused until accepted', async () => {
  const sw = lab.get('E-KEY');
  await withSession('E-KEY', (session) => Promise.resolve(session.hostname()));
  assert.equal((await hostKeys.list()).filter((k) => k.owner === 'E-KEY').length, 1);
  assert.equal(await withSession('E-KEY', (session) => Promise.resolve(session.hostname())), 'E-KEY');
  sw.setFaults(['hostkey-changed']);
  try {
    let seen = '';
    await assert.rejects(open('E-KEY', { retries: 2 }), (err: unknown) => {
      seen = err instanceof DeviceError && err.kind === 'hostkey-changed' ? err.hostKey?.seen ?? '' : '';
      return seen !== '';
    });
    await hostKeys.accept({ kind: 'device', name: 'E-KEY' }, seen);
    assert.equal(await withSession('E-KEY', (session) => Promise.resolve(session.hostname())), 'E-KEY');
  } finally {
    sw.setFaults([]);
  }
});

void test('a wrong password is DeviceError(auth), not retried', async () => {
  const chunks: string[] = [];
  const logger = pino({ level: 'trace' }, new Writable({ write(c: Buffer, _e, done) { chunks.push(c.toString()); done(); } }));
  await assert.rejects(open('E-PW', { retries: 3 }, logger), (err: unknown) => err instanceof DeviceError && err.kind === 'auth');
  assert.ok(!chunks.join('').includes('retrying'));
});

void test('legacy-only algorithms: refused by default, accepted with legacyAlgorithms', async () => {
  await assert.rejects(open('E-LEGACY'), (err: unknown) => err instanceof DeviceError && err.kind === 'protocol' && /legacy/.test(err.message));
  await withSession('E-LEGACY', async (session) => {
    assert.match(await session.runningConfig(), /hostname E-LEGACY/);
  }, { legacyAlgorithms: true });
});

void test('a disconnect in the middle of show running-config is DeviceError(closed)', async () => {
  const session = await open('E-DROP');
  try {
    await assert.rejects(session.runningConfig(), (err: unknown) => err instanceof DeviceError && err.kind === 'closed');
  } finally {
    await session.close();
  }
});

void test('connection refused: DeviceError(unreachable) after the retries', async () => {
  const chunks: string[] = [];
  const logger = pino({ level: 'debug' }, new Writable({ write(c: Buffer, _e, done) { chunks.push(c.toString()); done(); } }));
  await assert.rejects(open('E-REFUSE', { retries: 2 }, logger), (err: unknown) => err instanceof DeviceError && err.kind === 'unreachable' && /after 3 attempt/.test(err.message));
  assert.equal(chunks.join('').match(/retrying/g)?.length, 2);
});

void test('nothing listening on a closed port: unreachable', async () => {
  const port = await new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
  });
  const target: DeviceTarget = { host: '127.0.0.1', port, username: 'a', password: 'b', profile: getProfile('generic'), timeoutMs: 1000, retries: 1, hostKeyPolicy: 'off' };
  await assert.rejects(DeviceSession.open(target, { hostKeys, logger: silentLogger(), backoff: { baseMs: 5, maxMs: 10 } }), { kind: 'unreachable' });
});

void test('a debug log of a full SSH session holds no login password, enable secret or pushed secret', async () => {
  const chunks: string[] = [];
  const logger = pino({ level: 'trace' }, new Writable({ write(c: Buffer, _e, done) { chunks.push(c.toString()); done(); } }));
  const session = await open('E-IOS', {}, logger);
  try {
    await session.runningConfig();
    await session.configure(['username e2e privilege 15 secret 0 Pushed-Secret-9', 'snmp-server community Commun1ty-X RO']);
  } finally {
    await session.close();
  }
  const log = chunks.join('');
  assert.match(log, /sending/);
  for (const secret of [PASSWORD, ENABLE, 'Pushed-Secret-9', 'Commun1ty-X']) assert.ok(!log.includes(secret), secret);
});

void test('the lab counts the SSH sessions logged in to a switch at once, the most there were, and every login', async () => {
  const sw = lab.get('E-S3900');
  const before = sw.logins();
  const first = await open('E-S3900');
  const second = await open('E-S3900');
  assert.equal(sw.sessionsOpen(), 2);
  await first.close();
  await second.close();
  const third = await open('E-S3900');
  await third.close();
  // The lab sees a close a moment after the client.
  await waitFor('the lab to see the sessions closed', () => sw.sessionsOpen() === 0);
  assert.equal(sw.mostSessionsAtOnce(), 2);
  assert.equal(sw.logins() - before, 3);
});

