import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from './agent-cli.js';
import { ackLine, DRIFT, fleetDatabase, fleetLab, startAppliance } from './support/fleet.js';

// kill -9 of the appliance that is remediating a (slow) switch, in the middle of its push: the other one
// takes the job over after the takeover time, finishes the remediation, and the switch is saved once (issue 19).
const TAKEOVER_S = 3;
const NAME = 'FS-S5850-SW001';

void test('kill -9 of an appliance mid-push: its peer takes the job over after the takeover time and the switch is saved once', { timeout: 120_000 }, async (t) => {
  const fleetDb = await fleetDatabase(t, 'takeover');
  if (fleetDb === undefined) return;
  const { cluster, dir, url } = fleetDb;
  const fleet = await fleetLab(t, dir, 1, { slow: [NAME], slowMs: 400, drifted: [NAME], policy: '{ onDrift: remediate, recheckAfter: 1h }' });
  const [sw] = fleet.switches;
  assert.ok(sw !== undefined);
  const takeover = ['--takeover-after', String(TAKEOVER_S)];
  const a = await startAppliance(t, dir, fleet, cluster, url, 'dhcp-a', takeover);
  const b = await startAppliance(t, dir, fleet, cluster, url, 'dhcp-b', [...takeover, '--log-level', 'debug']);
  const ack = ackLine(sw);
  a.append([ack]);
  await waitFor('dhcp-a to begin its push', () => sw.commandLog().some((line) => line.startsWith('snmp-server location')) || a.child.exitCode !== null, 30_000);
  // The peer's copy of the lease comes while dhcp-a holds the job: it is dropped.
  b.append([ack]);
  await waitFor('dhcp-b to see the lease is dhcp-a\'s', () => b.events('device.job.claimed-elsewhere').length > 0, 10_000);
  a.child.kill('SIGKILL');
  const killedAt = Date.now();
  assert.equal(await a.exited, null, 'killed');
  assert.equal(sw.saves(), 0, 'dhcp-a was killed before it saved');
  assert.ok(a.events('device.check.start').length === 1 && a.events('device.provision.done').length === 0, 'dhcp-a started and did not finish');

  await waitFor('dhcp-b to finish the remediation', () => b.events('device.provision.done').length > 0 || b.child.exitCode !== null, 60_000);
  const [takenOver] = b.events('device.jobs.taken-over');
  assert.ok(takenOver !== undefined, 'dhcp-b says it took the job over');
  const tookAfterMs = Number(takenOver.time) - killedAt;
  assert.ok(tookAfterMs >= (TAKEOVER_S - 1) * 1000, `not before the takeover time (taken ${String(tookAfterMs)} ms after the kill)`);
  assert.ok(tookAfterMs <= (TAKEOVER_S + 5) * 1000, `within a bound after it (taken ${String(tookAfterMs)} ms after the kill)`);
  assert.equal(b.events('device.provision.done')[0]?.result, 'remediated');
  assert.equal(sw.saves(), 1, 'the switch is saved once');
  assert.equal(sw.mostSessionsAtOnce(), 1, 'never two sessions on the switch at once');
  for (const line of DRIFT.filter((text) => text !== '!')) assert.ok(sw.runningConfig().includes(line), `${line} is in the running config`);

  // The job is ended in the database once the whole onboarding is over, a moment after device.provision.done is logged.
  const admin = await cluster.client('takeover');
  const jobs = async (): Promise<{ appliance: string; attempts: number; result: string | null }[]> =>
    (await admin.query<{ appliance: string; attempts: number; result: string | null }>('SELECT appliance, attempts, result FROM onramp_jobs')).rows;
  const deadline = Date.now() + 10_000;
  let rows = await jobs();
  while (rows.some((row) => row.result === null) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    rows = await jobs();
  }
  assert.deepEqual(rows, [{ appliance: 'dhcp-b', attempts: 2, result: 'remediated' }], 'one job, taken over once, ended by dhcp-b');
  const status = await admin.query<{ value: { appliance: string; result: string } }>("SELECT value FROM onramp_records WHERE book = 'status' AND key = lower($1)", [NAME]);
  assert.equal(status.rows[0]?.value.appliance, 'dhcp-b');
  assert.equal(status.rows[0].value.result, 'remediated');
  b.child.kill('SIGTERM');
  assert.equal(await b.exited, 0, b.stderr());
});
