import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Events } from '../src/log/index.js';
import type { DeviceTarget } from '../src/device/index.js';
import { BackupStore, createOnboarder, type DeviceConnector, type Onboarder, type SessionLike } from '../src/onboard/index.js';
import { StateStore } from '../src/state/index.js';
import { FakeNetwork, FakeSwitch, memoryLogger, tempDir, waitFor, writeTree, type LogRecord } from './onboard-fakes.js';

// Config-change backups that arrive while the device is busy: none is lost, and a burst is not a queue.
process.env.ONRAMP_T_SITE = 'sitepw';

const CORE1 = 'version 7.2.2\n!\nhostname CORE1\n!\nusername admin privilege 4 password sitepw\n!\nend\n';
const CORE2 = CORE1.replace('CORE1', 'CORE2');

/**
 * The fake network, except that a session of a held device answers `show
 * running-config` with the config as it was when asked, but only once
 * released: a change made meanwhile is not in that answer.
 */
class FetchedThenHeld implements DeviceConnector {
  private readonly held = new Map<string, Promise<void>>();

  constructor(private readonly net: FakeNetwork) {}

  hold(address: string): () => void {
    let release = (): void => undefined;
    this.held.set(address, new Promise((resolve) => { release = resolve; }));
    return () => {
      this.held.delete(address);
      release();
    };
  }

  async open(target: DeviceTarget): Promise<SessionLike> {
    const session = await this.net.open(target);
    const gate = this.held.get(target.host);
    if (gate === undefined) return session;
    return {
      ...session,
      runningConfig: async () => {
        const text = await session.runningConfig();
        await gate;
        return text;
      },
    };
  }
}

interface World {
  onboarder: Onboarder;
  net: FakeNetwork;
  connector: FetchedThenHeld;
  records: LogRecord[];
  backups: BackupStore;
  core1: FakeSwitch;
  core2: FakeSwitch;
}

async function world(t: TestContext, concurrency = 8): Promise<World> {
  const { dir, remove } = await tempDir('onramp-follow-up-');
  t.after(remove);
  await writeTree(dir, {
    'sites/hq/site.yaml': `name: hq
subnets: [10.77.0.0/24]
credentials: { username: admin, passwordEnv: ONRAMP_T_SITE }
ssh: { port: 22, timeoutMs: 1000, retries: 0 }
policy: { onDrift: report, recheckAfter: 1h }
devices:
  - { hostname: CORE1, model: fs-s5850, ip: 10.77.0.10, baseline: CORE1.cfg }
  - { hostname: CORE2, model: fs-s5850, ip: 10.77.0.11, baseline: CORE2.cfg }
`,
    'sites/hq/CORE1.cfg': CORE1,
    'sites/hq/CORE2.cfg': CORE2,
    'templates/fs-s5850.hbs': CORE1,
  });
  const net = new FakeNetwork();
  const core1 = net.add('10.77.0.10', new FakeSwitch('CORE1', 'sitepw', CORE1));
  const core2 = net.add('10.77.0.11', new FakeSwitch('CORE2', 'sitepw', CORE2));
  const { logger, records } = memoryLogger();
  const state = new StateStore(join(dir, 'state'));
  const connector = new FetchedThenHeld(net);
  const onboarder = await createOnboarder({
    sitesDir: join(dir, 'sites'), templatesDir: join(dir, 'templates'), state, logger, connector, concurrency,
  });
  t.after(() => onboarder.close());
  return { onboarder, net, connector, records, backups: new BackupStore(state), core1, core2 };
}

/** Holds every `show running-config` of `device` until the returned function is called. */
function hold(device: FakeSwitch): () => void {
  let release = (): void => undefined;
  device.gate = new Promise((resolve) => { release = resolve; });
  return () => {
    release();
  };
}

function scheduled(records: LogRecord[], device: string): number[] {
  return records
    .filter((record) => record.event === Events.backupScheduled && record.device === device && typeof record.execution === 'number')
    .map((record) => record.execution as number);
}

function saved(records: LogRecord[], execution: number): LogRecord | undefined {
  return records.find((record) => record.event === Events.backupSaved && record.execution === execution);
}

void test('a change while a backup runs: one follow-up backup runs after it and stores the change; later triggers merge into the follow-up', async (t) => {
  const w = await world(t);
  const release = w.connector.hold('10.77.0.10');
  w.onboarder.backup('CORE1');
  await waitFor(() => w.net.opened.length === 1, 5000, 'the first backup to connect');
  // The running backup may already have the old config: the operator's change lands after it fetched.
  w.core1.running = CORE1.replace('end\n', 'snmp-server location moved\n!\nend\n');
  w.onboarder.backup('CORE1');
  w.onboarder.backup('CORE1');
  w.onboarder.backup('10.77.0.10');
  const [first, second, ...more] = scheduled(w.records, 'CORE1');
  assert.ok(first !== undefined && second !== undefined, 'a follow-up execution is scheduled');
  assert.deepEqual(more, [], 'further triggers are merged into the follow-up');
  assert.equal(w.records.filter((record) => record.event === Events.backupScheduled && record.mergedInto === second).length, 2);
  assert.equal(w.net.opened.length, 1, 'the follow-up waits for the running backup');

  release();
  await w.onboarder.idle();
  assert.equal(w.net.opened.length, 2, 'one more session: the follow-up');
  const firstSaved = saved(w.records, first);
  const secondSaved = saved(w.records, second);
  assert.equal(firstSaved?.result, 'ok');
  assert.equal(secondSaved?.result, 'ok');
  assert.ok(w.records.indexOf(firstSaved) < w.records.indexOf(secondSaved), 'the follow-up ran after the first');
  const versions = await w.backups.list('CORE1');
  assert.equal(versions.length, 2, 'the change made during the first backup is stored');
  assert.equal(secondSaved.version, versions[1]?.id);
  assert.match((await w.backups.read('CORE1', versions[1]?.id ?? '')) ?? '', /^snmp-server location moved$/m);

  // Once the device is idle again, a trigger is a new execution that runs at once.
  w.onboarder.backup('CORE1');
  await w.onboarder.idle();
  assert.equal(scheduled(w.records, 'CORE1').length, 3);
  assert.equal(w.net.opened.length, 3);
});

void test('a backup asked for while a check of the device runs is not merged into the check: it follows it', async (t) => {
  const w = await world(t);
  const release = hold(w.core1);
  w.onboarder.check('CORE1');
  await waitFor(() => w.net.opened.length === 1, 5000, 'the check to connect');
  w.onboarder.backup('CORE1');
  const [execution] = scheduled(w.records, 'CORE1');
  assert.ok(execution !== undefined);
  release();
  await w.onboarder.idle();
  const ended = saved(w.records, execution);
  assert.equal(ended?.result, 'ok');
  const checked = w.records.find((record) => record.event === Events.checkOk && record.device === 'CORE1');
  assert.ok(checked !== undefined && w.records.indexOf(checked) < w.records.indexOf(ended));
  assert.equal((await w.backups.list('CORE1')).length, 1);
});

void test('a backup still waiting for its turn takes in later triggers: it has not fetched anything yet', async (t) => {
  const w = await world(t, 1);
  const release = hold(w.core2);
  w.onboarder.check('CORE2');
  await waitFor(() => w.net.opened.length === 1, 5000, 'the check of CORE2 to take the only slot');
  w.onboarder.backup('CORE1');
  w.onboarder.backup('CORE1');
  const executions = scheduled(w.records, 'CORE1');
  assert.equal(executions.length, 1);
  assert.equal(w.records.filter((record) => record.event === Events.backupScheduled && record.mergedInto === executions[0]).length, 1);
  release();
  await w.onboarder.idle();
  assert.equal(w.net.opened.filter((target) => target.host === '10.77.0.10').length, 1, 'one backup of CORE1');
  assert.equal(saved(w.records, executions[0] ?? -1)?.result, 'ok');
});
