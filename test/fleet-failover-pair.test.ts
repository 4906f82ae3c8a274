import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from './agent-cli.js';
import { ackLine, fleetDatabase, fleetLab, startAppliance } from './support/fleet.js';

// Two appliances on one database, each beside one DHCP server of a failover pair and following its own log:
// the same DHCPACKs reach both, in a slightly different order. Every switch is checked once, by one of them,
// and no switch ever has two sessions at once (issue 19).
const SWITCHES = 24;

void test('two appliances following a failover pair\'s logs: every switch checked once, never two sessions at once', { timeout: 180_000 }, async (t) => {
  const fleetDb = await fleetDatabase(t, 'failover_pair');
  if (fleetDb === undefined) return;
  const { cluster, dir, url } = fleetDb;
  const fleet = await fleetLab(t, dir, SWITCHES);
  const [a, b] = [await startAppliance(t, dir, fleet, cluster, url, 'dhcp-a', ['--log-level', 'debug']), await startAppliance(t, dir, fleet, cluster, url, 'dhcp-b')];
  const acks = fleet.switches.map((sw) => ackLine(sw));
  // The peer logs each lease a moment later or earlier: neighbours swapped.
  const peer = acks.map((_, n) => acks[n % 2 === 0 ? Math.min(n + 1, acks.length - 1) : n - 1] ?? '');
  a.append(acks);
  b.append(peer);
  const ended = (): number => [a, b].reduce((sum, appliance) => sum + appliance.events('device.check.ok').length, 0);
  await waitFor('every switch to be checked', () => ended() >= SWITCHES || a.child.exitCode !== null || b.child.exitCode !== null, 20_000);
  // A moment more: a second check of any switch would show now.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const starts = [...a.events('device.check.start'), ...b.events('device.check.start')].map((event) => String(event.device)).sort();
  assert.deepEqual(starts, fleet.switches.map((sw) => sw.spec.hostname).sort(), 'each switch checked once, by one appliance or the other');
  assert.ok(a.events('device.check.start').length > 0 && b.events('device.check.start').length > 0, 'both appliances did some of the work');
  for (const sw of fleet.switches) assert.equal(sw.mostSessionsAtOnce(), 1, `${sw.spec.hostname}: never two sessions at once`);
  // dhcp-a logs at debug level: each of its leases was either checked there or dropped as the peer's job.
  assert.equal(a.events('device.check.start').length + a.events('device.job.claimed-elsewhere').length, SWITCHES, 'dhcp-a checked or dropped each lease once');
  assert.equal(b.events('device.job.claimed-elsewhere').length, 0, 'at info level the peer\'s copy is not logged');
  // One claim per lease in the shared queue, at the time the DHCP server logged it (the same in both logs).
  const admin = await cluster.client('failover_pair');
  const { rows } = await admin.query<{ claims: string; times: string; seen: Date }>('SELECT count(*) AS claims, count(DISTINCT seen_at) AS times, min(seen_at) AS seen FROM onramp_claims');
  const now = new Date();
  const logged = new Date(now.getFullYear(), 11, 2, 20, 0, 0);
  if (logged > now) logged.setFullYear(now.getFullYear() - 1);
  assert.deepEqual(rows.map((row) => [Number(row.claims), Number(row.times), row.seen.getTime()]), [[SWITCHES, 1, logged.getTime()]]);
  a.child.kill('SIGTERM');
  b.child.kill('SIGTERM');
  assert.equal(await a.exited, 0, a.stderr());
  assert.equal(await b.exited, 0, b.stderr());
});
