import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { createLogger } from '../src/log/index.js';
import { syslogPriority, syslogStream, SyslogUnavailableError } from '../src/log/syslog.js';
import { datagramReceiver } from './support/datagram-receiver.js';
import { hasCommand, requireSystem } from './support/system.js';

void test('each pino level gets its syslog severity: fatal crit, error err, warn warning, info info, debug and trace debug', () => {
  const daemon = 3 * 8;
  const priorities = [60, 50, 40, 30, 20, 10].map((level) => syslogPriority('daemon', `{"level":${level},"msg":"x"}`));
  assert.deepEqual(priorities, [daemon + 2, daemon + 3, daemon + 4, daemon + 6, daemon + 7, daemon + 7]);
  assert.equal(syslogPriority('local7', '{"level":50}'), 23 * 8 + 3);
  assert.equal(syslogPriority('daemon', '{"msg":"a \\"level\\":50 inside the message"}'), daemon + 6, 'only the record\'s own level counts');
});

void test('without the syslog socket --syslog is an error, not a log that silently goes nowhere', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-syslog-'));
  try {
    assert.throws(() => syslogStream('daemon', join(dir, 'dev-log')), (err: unknown) =>
      err instanceof SyslogUnavailableError && err.message.includes(join(dir, 'dev-log')) && err.message.includes('--log=FILE'));
    assert.throws(() => syslogStream('daemon', dir), SyslogUnavailableError, 'a directory is not a socket');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('log records reach the syslog socket with the priority of their level', async (t) => {
  if (!requireSystem(t, 'perl and logger', hasCommand('perl') && hasCommand('logger'), 'Debian: perl-base and bsdutils, both essential')) return;
  const dir = mkdtempSync(join(tmpdir(), 'onramp-syslog-'));
  t.after(() => { rmSync(dir, { recursive: true, force: true }); });
  const socket = join(dir, 'dev-log');
  const receiver = datagramReceiver(socket, 3);
  await receiver.ready;
  const stream = syslogStream('local3', socket);
  const logger = createLogger({ level: 'debug', destination: stream });
  logger.error('disk full');
  logger.warn('fan slow');
  logger.debug('detail');
  stream.end();
  await finished(stream);
  const datagrams = await receiver.datagrams;
  const local3 = 19 * 8;
  assert.deepEqual(datagrams.map((d) => /^<(\d+)>/.exec(d)?.[1]), [local3 + 3, local3 + 4, local3 + 7].map(String));
  assert.match(datagrams[0] ?? '', /onramp.*"msg":"disk full"/);
});
