import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './agent-cli.js';
import { ackLine, type Appliance, fleetDatabase, fleetLab, startAppliance } from './support/fleet.js';

// The database stopped for 60 s (the figure) during a burst of 500 DHCPACKs that two appliances both
// read: they keep reading, hold what they cannot record under their state directories, reconnect, and every
// lease becomes one job, done once the database is back (issue 19).
const SWITCHES = 500;
const BEFORE_OUTAGE = 200;
const OUTAGE_MS = 60_000;

void test('the database stopped for 60 s during a burst of 500 DHCPACKs: every lease handled once after it returns', { timeout: 300_000 }, async (t) => {
  const fleetDb = await fleetDatabase(t, 'outage');
  if (fleetDb === undefined) return;
  const { cluster, dir, url } = fleetDb;
  const fleet = await fleetLab(t, dir, SWITCHES);
  const takeover = ['--takeover-after', '3'];
  const appliances = [await startAppliance(t, dir, fleet, cluster, url, 'dhcp-a', takeover), await startAppliance(t, dir, fleet, cluster, url, 'dhcp-b', takeover)];
  const [a, b] = appliances as [Appliance, Appliance];
  const acks = fleet.switches.map((sw) => ackLine(sw));
  const peer = acks.map((_, n) => acks[n % 2 === 0 ? Math.min(n + 1, acks.length - 1) : n - 1] ?? '');
  const count = (event: string): number => appliances.reduce((sum, appliance) => sum + appliance.events(event).length, 0);

  a.append(acks.slice(0, BEFORE_OUTAGE));
  b.append(peer.slice(0, BEFORE_OUTAGE));
  await waitFor('the first checks', () => count('device.check.ok') >= 40, 60_000);
  await cluster.stop();
  const stoppedAt = Date.now();
  a.append(acks.slice(BEFORE_OUTAGE));
  b.append(peer.slice(BEFORE_OUTAGE));
  await waitFor('both to read the whole burst and find the store gone', () =>
    appliances.every((appliance) => appliance.events('dhcp.ack').length === SWITCHES && appliance.events('store.unreachable').length > 0), 30_000);
  await waitFor('what could not be recorded to be held on disk', () => appliances.every((appliance) =>
    existsSync(join(appliance.state, 'held-jobs.jsonl')) && existsSync(join(appliance.state, 'held-events.jsonl'))), 10_000);
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS - (Date.now() - stoppedAt)));
  assert.ok(appliances.every((appliance) => appliance.child.exitCode === null), 'both kept running through the outage');
  await cluster.start();

  const admin = await cluster.client('outage');
  const done = async (): Promise<number> => Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM onramp_jobs WHERE done_at IS NOT NULL')).rows[0]?.n);
  const deadline = Date.now() + 120_000;
  while (await done() < SWITCHES && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 500));
  // A moment more: a second job for any lease would show now.
  await new Promise((resolve) => setTimeout(resolve, 2000));

  const { rows: jobs } = await admin.query<{ device: string; result: string | null; done: boolean }>(
    "SELECT work->>'device' AS device, result, done_at IS NOT NULL AS done FROM onramp_jobs ORDER BY id");
  assert.equal(jobs.length, SWITCHES, 'one job per lease, whichever appliance saw it first');
  assert.deepEqual(new Set(jobs.map((job) => job.device)), new Set(fleet.switches.map((sw) => sw.spec.hostname)), 'a job for every switch');
  assert.deepEqual(jobs.filter((job) => !job.done || job.result !== 'ok'), [], 'every job done, and OK');
  for (const appliance of appliances) {
    const [reconnected] = appliance.events('store.reconnected');
    assert.ok(reconnected !== undefined && Number(reconnected.held) > 0, `${appliance.name} held leases and caught up once the store was back`);
    assert.ok(Number(reconnected.time) >= stoppedAt + OUTAGE_MS, `${appliance.name} caught up after the restart, not before`);
    assert.equal(existsSync(join(appliance.state, 'held-jobs.jsonl')), false, `${appliance.name} has nothing held any more`);
  }
  const { rows: statuses } = await admin.query<{ result: string; appliance: string }>(
    "SELECT value->>'result' AS result, value->>'appliance' AS appliance FROM onramp_records WHERE book = 'status'");
  assert.equal(statuses.length, SWITCHES);
  assert.ok(statuses.every((status) => status.result === 'ok' && ['dhcp-a', 'dhcp-b'].includes(status.appliance)), 'each status OK, naming who checked it');
  // A check under way when the database went is done again after it (its outcome could not be recorded): at most
  // one per job slot (8 an appliance). Jobs that were waiting their turn opened no session: their switch lock could not be taken.
  const checked = count('device.check.ok');
  assert.ok(checked >= SWITCHES && checked <= SWITCHES + 2 * 8, `${String(checked)} checks for ${String(SWITCHES)} leases`);
  const failed = appliances.flatMap((appliance) => appliance.events('device.check.failed').map((event) => `${appliance.name} ${String(event.device)}: ${String(event.kind)} ${String(event.msg)}`));
  assert.deepEqual(failed, [], 'an outcome that could not be recorded is no failure of the switch');
  for (const sw of fleet.switches) assert.ok(sw.mostSessionsAtOnce() <= 1, `${sw.spec.hostname}: never two sessions at once`);
  // Logins: one per switch, and again only for the jobs under way when the database went (at most a job slot each):
  // the jobs waiting their turn then opened no session, their switch lock could not be taken.
  const logins = fleet.switches.reduce((sum, sw) => sum + sw.logins(), 0);
  assert.ok(fleet.switches.every((sw) => sw.logins() >= 1) && logins <= SWITCHES + 2 * 8, `${String(logins)} logins for ${String(SWITCHES)} switches`);
  for (const appliance of appliances) appliance.child.kill('SIGTERM');
  for (const appliance of appliances) assert.equal(await appliance.exited, 0, appliance.stderr());

  // The shared timeline: the events logged during the outage were held on disk and recorded once it was back,
  // each appliance's in the order it logged them, none twice and none missing.
  for (const appliance of appliances) {
    const { rows: recorded } = await admin.query<{ event: string; time: string }>(
      "SELECT entry->>'event' AS event, entry->>'time' AS time FROM onramp_events WHERE appliance = $1 ORDER BY seq", [appliance.name]);
    const times = recorded.map((row) => Number(row.time));
    assert.ok(times.every((time, n) => n === 0 || time >= (times[n - 1] ?? 0)), `${appliance.name}'s events recorded in the order logged`);
    for (const event of ['dhcp.ack', 'device.check.ok', 'store.unreachable', 'store.reconnected']) {
      assert.equal(recorded.filter((row) => row.event === event).length, appliance.events(event).length, `${appliance.name}: every ${event} in the shared timeline, once`);
    }
    assert.equal(existsSync(join(appliance.state, 'held-events.jsonl')), false, `${appliance.name} holds no events any more`);
  }
});
