import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { readWorkCounts, WorkCounters } from '../src/agent/counters.js';
import { parseSite } from '../src/inventory/index.js';
import { createLogger, Events, lineNamesEvent, tapLogLines, type Logger } from '../src/log/index.js';
import { Notifier } from '../src/notify/index.js';
import { StateStore } from '../src/state/index.js';

process.env.ONRAMP_LISTENERS_TEST_PASSWORD = 'listeners-pw';

function scratchDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-listeners-'));
  t.after(() => { rmSync(dir, { recursive: true, force: true }); });
  return dir;
}

function quietLogger(): { logger: Logger; written: string[] } {
  const written: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger({ destination }), written };
}

function destinationWrite(logger: Logger): unknown {
  return (logger as unknown as Record<symbol, { write: unknown }>)[pino.symbols.streamSym]?.write;
}

function site(dir: string, notify: string): ReturnType<typeof parseSite> {
  return parseSite(join(dir, 'site.yaml'), `name: hq
subnets: [10.77.0.0/24]
credentials: { username: admin, passwordEnv: ONRAMP_LISTENERS_TEST_PASSWORD }
devices:
  - { hostname: CORE1, model: fs-s5850, ip: 10.77.0.1 }
${notify}`);
}

/** What a busy DHCP server makes the appliance log: one lease line per DHCPACK. */
function logLeases(logger: Logger, count: number): void {
  for (let i = 0; i < count; i++) {
    logger.info({ event: Events.dhcpAck, device: `host-${String(i)}`, source: '/var/log/dhcpd.log', ip: '10.77.0.9', mac: '02:00:00:00:00:09' }, 'DHCPACK 10.77.0.9');
  }
}

void test('without a hook the notifier does not listen to the log at all; with one it listens, and stops when the hooks go', (t) => {
  const dir = scratchDir(t);
  const { logger } = quietLogger();
  const own = destinationWrite(logger);
  const notifier = new Notifier(logger, { stateDir: join(dir, 'state') });
  t.after(() => notifier.close());
  notifier.useSites([site(dir, '')]);
  assert.equal(notifier.listening(), false);
  assert.equal(destinationWrite(logger), own, 'the logger writes with nothing in between');
  notifier.useSites([site(dir, 'notify:\n  - exec: { argv: [/bin/true] }\n    events: [device.check.drift]\n')]);
  assert.equal(notifier.listening(), true);
  notifier.useSites([]);
  assert.equal(notifier.listening(), false);
  assert.equal(destinationWrite(logger), own);
});

void test('with a hook, lines of events no hook asks for are not parsed; the one it asks for is', async (t) => {
  const dir = scratchDir(t);
  const { logger } = quietLogger();
  const notifier = new Notifier(logger, { stateDir: join(dir, 'state') });
  t.after(() => notifier.close());
  notifier.useSites([site(dir, `notify:\n  - exec: { argv: [/bin/sh, -c, 'cat >> ${join(dir, 'got.jsonl')}'] }\n    events: [device.check.drift]\n`)]);
  const parse = t.mock.method(JSON, 'parse');
  logLeases(logger, 1000);
  assert.equal(parse.mock.callCount(), 0, 'no lease line parsed');
  logger.warn({ event: Events.checkDrift, device: 'CORE1', site: 'hq', result: 'drift' }, 'configuration drift');
  assert.ok(parse.mock.callCount() > 0, 'the drift line is read');
  parse.mock.restore();
  await notifier.idle();
  const got = readFileSync(join(dir, 'got.jsonl'), 'utf8');
  assert.match(got, /"event":"device\.check\.drift"/);
  assert.equal(got.includes('dhcp.ack'), false);
});

void test('lineNamesEvent finds a wanted event wherever "event" appears, and nothing else', () => {
  const wanted = new Set(['device.check.drift']);
  assert.equal(lineNamesEvent('{"level":40,"event":"device.check.drift","msg":"x"}', wanted), true);
  assert.equal(lineNamesEvent('{"level":30,"event":"dhcp.ack","msg":"device.check.drift"}', wanted), false);
  assert.equal(lineNamesEvent('{"err":{"event":"dhcp.ack"},"event":"device.check.drift"}', wanted), true, 'a nested event first does not hide the line\'s own');
  assert.equal(lineNamesEvent('{"msg":"\\"event\\":\\"device.check.drift\\""}', wanted), false, 'text in a message is not an event');
  assert.equal(lineNamesEvent('{"event":"device.check.dri', wanted), false);
});

void test('taps stop in any order, and the last one to stop leaves the logger as it was', () => {
  const { logger, written } = quietLogger();
  const own = destinationWrite(logger);
  const heard: string[] = [];
  const stopA = tapLogLines(logger, () => { heard.push('a'); });
  const stopB = tapLogLines(logger, () => { heard.push('b'); });
  logger.info('one');
  stopA();
  logger.info('two');
  stopB();
  logger.info('three');
  assert.deepEqual(heard, ['a', 'b', 'b']);
  assert.equal(written.length, 3);
  assert.equal(destinationWrite(logger), own);
});

void test('work counters parse only the lines that count; the last event is read when they are saved', async (t) => {
  const dir = scratchDir(t);
  const { logger } = quietLogger();
  const store = new StateStore(dir);
  const counters = await WorkCounters.attach(store, logger);
  const parse = t.mock.method(JSON, 'parse');
  logLeases(logger, 1000);
  logger.warn({ event: Events.checkDrift, device: 'CORE1' }, 'configuration drift');
  logger.error('something broke');
  logger.info({ event: Events.dhcpAck, device: 'last-host' }, 'DHCPACK 10.77.0.10');
  assert.equal(parse.mock.callCount(), 2, 'the drift and the error line only');
  parse.mock.restore();
  await counters.flush();
  const counts = await readWorkCounts(store);
  assert.deepEqual([counts.checks, counts.drifts, counts.errors], [1, 1, 1]);
  assert.deepEqual([counts.last?.event, counts.last?.msg], [Events.dhcpAck, 'DHCPACK 10.77.0.10']);
});
