import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeviceError, getProfile, type ConfigureOptions } from '../src/device/index.js';
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

/**
 * A session that types lines one at a time, a few ms each, asking beforeLine first as DeviceSession
 * does; `onLine` runs after each line typed (a stop coming mid-push).
 */
function pacedSession(onLine: (typed: number) => void): ConfigSession & { typed: string[]; pushes: string[][]; saves: number } {
  const session = {
    typed: [] as string[],
    pushes: [] as string[][],
    saves: 0,
    runningConfig: () => Promise.resolve(RUNNING),
    configure: async (lines: string[], options: ConfigureOptions = {}) => {
      session.pushes.push(lines);
      for (const [index, line] of lines.entries()) {
        if (options.beforeLine?.(index, lines.length) === false) throw new DeviceError('interrupted', 'stopped', { applied: index });
        await new Promise((resolve) => setTimeout(resolve, 5));
        session.typed.push(line);
        onLine(session.typed.length);
      }
    },
    save: () => {
      session.saves++;
      return Promise.resolve();
    },
  };
  return session;
}

void test('a stop mid-push whose rest cannot fit in the stop time: stopped at the next line, the typed lines rolled back, nothing saved', async () => {
  const stop = new AbortController();
  const session = pacedSession((typed) => { if (typed === 2) stop.abort(); });
  const { logger, records } = memoryLogger();
  const outcome = await provisionDevice({ session, intended: INTENDED, profile, logger, fields, guard, stop: { signal: stop.signal, remainingMs: () => 1 } });
  const plan = planRemediation(INTENDED, RUNNING, profile);
  assert.ok(!outcome.ok && outcome.reason === 'stopped', JSON.stringify(outcome));
  assert.equal(outcome.applied, 2);
  assert.deepEqual(session.pushes, [[...plan.lines], rollbackOfApplied(plan, 2)]);
  assert.equal(session.saves, 0);
  assert.equal(outcome.rollback?.complete, true);
  assert.deepEqual({ sent: outcome.estimate?.sent, total: outcome.estimate?.total, leftMs: outcome.estimate?.leftMs }, { sent: 2, total: plan.lines.length, leftMs: 1 });
  const rollback = records.filter((record) => record.event === Events.provisionRollback);
  assert.deepEqual(rollback.map((record) => [record.reason, record.result, record.saved]), [['stop', 'ok', false]]);
});

void test('a stop mid-push whose rest fits: the plan is finished, saved and verified', async () => {
  const stop = new AbortController();
  const session = pacedSession((typed) => { if (typed === 1) stop.abort(); });
  session.runningConfig = () => Promise.resolve(session.saves === 0 ? RUNNING : INTENDED);
  const { logger, records } = memoryLogger();
  const outcome = await provisionDevice({ session, intended: INTENDED, profile, logger, fields, guard, stop: { signal: stop.signal, remainingMs: () => 60_000 } });
  assert.ok(outcome.ok, JSON.stringify(outcome));
  assert.equal(session.pushes.length, 1);
  assert.equal(session.saves, 1);
  assert.deepEqual(records.filter((record) => record.event === Events.provisionRollback), []);
});

void test('a stop that comes before the first line, with no line timed yet: the plan is judged at the command timeout, and nothing is typed', async () => {
  const stop = new AbortController();
  stop.abort();
  const session = pacedSession(() => undefined);
  const { logger } = memoryLogger();
  const outcome = await provisionDevice({
    session, intended: INTENDED, profile, logger, fields, guard, stop: { signal: stop.signal, remainingMs: () => 30_000 }, lineTimeoutMs: 20_000,
  });
  assert.ok(!outcome.ok && outcome.reason === 'stopped' && outcome.applied === 0 && outcome.rollback === undefined);
  assert.deepEqual(session.typed, []);
  assert.equal(session.saves, 0);
});

void test('onFailure: leave and a stop the rest cannot fit: stopped, left as it is, reported failed, nothing saved', async () => {
  const stop = new AbortController();
  const session = pacedSession((typed) => { if (typed === 1) stop.abort(); });
  const { logger, records } = memoryLogger();
  const outcome = await provisionDevice({ session, intended: INTENDED, profile, logger, fields, guard, onFailure: 'leave', stop: { signal: stop.signal, remainingMs: () => 0 } });
  assert.ok(!outcome.ok && outcome.reason === 'stopped' && outcome.applied === 1 && outcome.rollback === undefined);
  assert.equal(session.pushes.length, 1);
  assert.equal(session.saves, 0);
  assert.deepEqual(records.filter((record) => record.event === Events.provisionFailed).map((record) => [record.reason, record.saved]), [['stop', false]]);
});
