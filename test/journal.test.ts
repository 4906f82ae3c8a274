import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { EventJournal, readJournal, readLastDrifts } from '../src/journal/index.js';
import { Events, REDACT_PATHS } from '../src/log/index.js';
import { StateStore } from '../src/state/index.js';

function logger(): pino.Logger {
  const sink = new Writable({ write: (_chunk, _encoding, done) => { done(); } });
  return pino({ base: { pid: process.pid }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
}

void test('the journal keeps the events the log records, only the fields it names, and each device\'s last drift', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'onramp-journal-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const state = new StateStore(dir);
  const log = logger();
  const journal = new EventJournal(state, log);
  const heard: string[] = [];
  journal.listen((entry) => { heard.push(entry.event); });
  log.info('no event: not kept');
  log.info({ event: Events.dhcpAck, device: 'FS-S5850-CORE1', ip: '10.0.0.2', mac: 'aa:bb:cc:dd:ee:ff', via: 'eth1' }, 'DHCPACK');
  log.warn({ event: Events.checkDrift, device: 'FS-S5850-CORE1', site: 'hq', result: 'drift', diff: '+ x\n', added: 1, removed: 0, credentials: { password: 'pw' }, extra: 'not kept' }, 'drift');
  await journal.close();
  assert.deepEqual(heard, [Events.dhcpAck, Events.checkDrift]);
  const { entries, skipped } = await readJournal(state);
  assert.equal(skipped, 0);
  assert.deepEqual(entries.map((entry) => entry.event), [Events.dhcpAck, Events.checkDrift]);
  const drift = entries[1];
  assert.equal(drift?.device, 'FS-S5850-CORE1');
  assert.deepEqual(drift.details, { diff: '+ x\n', added: 1, removed: 0 });
  assert.equal(drift.level, 40);
  assert.deepEqual((await readLastDrifts(state)).map((entry) => entry.details?.diff), ['+ x\n']);
});

void test('past its size the journal becomes the previous generation, and both are read; a torn line is counted and skipped', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'onramp-journal-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const state = new StateStore(dir);
  const log = logger();
  const journal = new EventJournal(state, log, { rotateBytes: 300 });
  for (let i = 0; i < 6; i++) {
    log.info({ event: Events.checkOk, device: `D${String(i)}`, result: 'ok' }, 'Configuration OK');
    await journal.flush();
  }
  await journal.close();
  assert.ok(await state.size(['events', 'journal.1.jsonl']) > 0, 'rotated');
  await state.appendText(['events', 'journal.jsonl'], '{"event":"device.check.ok","ti');
  const { entries, skipped } = await readJournal(state);
  assert.equal(skipped, 1);
  // Two generations are kept: the oldest lines went with the one before.
  const devices = entries.map((entry) => entry.device);
  assert.equal(devices.at(-1), 'D5');
  assert.ok(devices.length >= 2 && devices.length < 6, devices.join(','));
});
