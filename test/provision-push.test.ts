import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeviceError, getProfile } from '../src/device/index.js';
import { GUARD_RAIL_CLASSES } from '../src/inventory/index.js';
import { Events } from '../src/log/index.js';
import { planRemediation, provisionDevice, rollbackOfApplied, type ConfigSession, type GuardRailContext } from '../src/provision/index.js';
import { memoryLogger } from './onboard-fakes.js';

const profile = getProfile('cisco-ios');
const RUNNING = 'hostname A\ninterface Gi0/1\n description old\nsnmp-server location old\n';
const INTENDED = 'hostname A\ninterface Gi0/1\n description new\nsnmp-server location new\nsnmp-server contact noc\n';

/** A session whose device rejects the line matching `rejects`, after accepting the ones before it. */
function rejectingSession(rejects: RegExp): ConfigSession & { sent: string[][]; saves: number } {
  const session = {
    sent: [] as string[][],
    saves: 0,
    runningConfig: () => Promise.resolve(RUNNING),
    configure: (lines: string[]) => {
      session.sent.push(lines);
      const index = lines.findIndex((line) => rejects.test(line));
      if (index < 0) return Promise.resolve();
      return Promise.reject(new DeviceError('rejected', 'rejected', { command: lines[index], deviceMessage: '% Invalid input detected', applied: index }));
    },
    save: () => {
      session.saves++;
      return Promise.resolve();
    },
  };
  return session;
}

const fields = { device: 'A', site: 'hq' };
/** These tests are about the push itself: every guard-rail class is let through. */
const guard: GuardRailContext = { loginUser: 'admin', allow: GUARD_RAIL_CLASSES, maxChangeRatio: 1 };

void test('a rejected line: the applied prefix is typed back, nothing saved, both reported', async () => {
  const session = rejectingSession(/^snmp-server contact/);
  const { logger, records } = memoryLogger();
  const outcome = await provisionDevice({ session, intended: INTENDED, profile, logger, fields, guard });
  const plan = planRemediation(INTENDED, RUNNING, profile);
  const rejectedAt = plan.lines.indexOf('snmp-server contact noc');
  assert.equal(outcome.ok, false);
  assert.deepEqual(session.sent, [[...plan.lines], rollbackOfApplied(plan, rejectedAt)]);
  assert.deepEqual(session.sent[1], ['snmp-server location old', 'interface Gi0/1', 'description old', 'exit']);
  assert.equal(session.saves, 0);
  assert.ok(outcome.reason === 'rejected' && outcome.command === 'snmp-server contact noc' && outcome.rollback?.complete === true);
  const failed = records.find((record) => record.event === Events.provisionFailed);
  assert.equal(failed?.saved, false);
  assert.equal(records.filter((record) => record.event === Events.provisionRollback && record.result === 'ok').length, 1);
});

void test('onFailure: leave types nothing back', async () => {
  const session = rejectingSession(/^snmp-server contact/);
  const { logger } = memoryLogger();
  const outcome = await provisionDevice({ session, intended: INTENDED, profile, logger, fields, guard, onFailure: 'leave' });
  assert.equal(session.sent.length, 1);
  assert.equal(session.saves, 0);
  assert.ok(!outcome.ok && outcome.reason === 'rejected' && outcome.rollback === undefined);
});

void test('a rollback the device rejects too is reported incomplete, and still nothing is saved', async () => {
  const session = rejectingSession(/^(?:snmp-server contact|description old)/);
  const { logger, records } = memoryLogger();
  const outcome = await provisionDevice({ session, intended: INTENDED, profile, logger, fields, guard });
  assert.equal(session.sent.length, 2);
  assert.equal(session.saves, 0);
  assert.ok(!outcome.ok && outcome.reason === 'rejected' && outcome.rollback?.complete === false);
  assert.equal(records.find((record) => record.event === Events.provisionRollback)?.result, 'failed');
});
