import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { usersCommand } from '../src/console/users-command.js';
import { waitFor } from './agent-cli.js';
import { ackLine, fleetDatabase, fleetLab, startAppliance } from './support/fleet.js';
import { getJson, loginOverHttp } from './support/console-http.js';

// The timeline is shared (issue 19): the console of one appliance shows, within about a second, what another
// appliance on the same database did, live on its event stream and in the device's timeline and last drift, and
// its own events once each.
const OPERATOR = { name: 'carol', password: 'carol-console-pw-19' };

interface EventAnswer { event: string; appliance?: string; device?: string }

void test('the console of one appliance shows the events of another on the same database, live', { timeout: 180_000 }, async (t) => {
  const fleetDb = await fleetDatabase(t, 'timeline');
  if (fleetDb === undefined) return;
  const { cluster, dir, url } = fleetDb;
  Object.assign(process.env, cluster.env(), { ONRAMP_TIMELINE_OPERATOR: OPERATOR.password });
  const fleet = await fleetLab(t, dir, 2, { drifted: ['FS-S5850-SW002'] });
  const [sw1, sw2] = fleet.switches;
  assert.ok(sw1 !== undefined && sw2 !== undefined);
  const io = { out: (): void => undefined, err: (text: string): void => { assert.fail(text); }, stdin: () => Promise.resolve('') };
  assert.equal(await usersCommand('add', OPERATOR.name, { role: 'viewer', passwordEnv: 'ONRAMP_TIMELINE_OPERATOR', state: join(dir, 'cli-state'), store: url }, io), 0);

  const a = await startAppliance(t, dir, fleet, cluster, url, 'dhcp-a', ['--http', '127.0.0.1:0']);
  const b = await startAppliance(t, dir, fleet, cluster, url, 'dhcp-b');
  const base = String(a.events('console.listening')[0]?.url);
  const cookie = await loginOverHttp(base, OPERATOR);

  // dhcp-a's event stream, read as it comes.
  const streamed: EventAnswer[] = [];
  const stream = new AbortController();
  const answer = await fetch(`${base}/api/v1/events`, { headers: { cookie }, signal: stream.signal });
  assert.equal(answer.status, 200);
  void readEntries(answer, streamed);
  t.after(() => { stream.abort(); });

  // Only dhcp-b sees these leases.
  b.append([ackLine(sw1), ackLine(sw2)]);
  await waitFor('dhcp-b to check both switches', () => b.events('device.check.ok').length + b.events('device.check.drift').length === 2, 30_000);
  const checkedAt = Date.now();
  await waitFor('dhcp-b\'s checks on dhcp-a\'s event stream', () => streamed.some((entry) => entry.event === 'device.check.drift' && entry.appliance === 'dhcp-b'), 5000);
  assert.ok(Date.now() - checkedAt < 3000, 'within a poll or two of being recorded');
  assert.equal(a.events('dhcp.ack').length, 0, 'dhcp-a never read those leases');

  const sw1Events = await getJson<EventAnswer[]>(base, cookie, `/api/v1/devices/${sw1.spec.hostname}/events`);
  const checked = sw1Events.find((entry) => entry.event === 'device.check.ok');
  assert.equal(checked?.appliance, 'dhcp-b', 'the check in the device\'s timeline, named by the appliance that did it');
  const detail = await getJson<{ lastDrift?: { diff: string }; appliance?: string }>(base, cookie, `/api/v1/devices/${sw2.spec.hostname}`);
  assert.match(detail.lastDrift?.diff ?? '', /snmp-server location hq rack 4/, 'dhcp-b\'s drift shown on dhcp-a\'s device page');
  const page = await fetch(`${base}/devices/${sw2.spec.hostname}`, { headers: { cookie } }).then((reply) => reply.text());
  assert.match(page, /by dhcp-b/, 'the device page\'s timeline names the appliance');

  // dhcp-a's own check of the same switch, a lease later: in its timeline once, beside dhcp-b's.
  a.append([ackLine(sw1, 'Dec  2 20:10:00')]);
  await waitFor('dhcp-a to check SW001', () => a.events('device.check.ok').length === 1, 30_000);
  await new Promise((resolve) => setTimeout(resolve, 2500));
  const both = (await getJson<EventAnswer[]>(base, cookie, `/api/v1/devices/${sw1.spec.hostname}/events`)).filter((entry) => entry.event === 'device.check.ok');
  assert.deepEqual(both.map((entry) => entry.appliance).sort(), ['dhcp-a', 'dhcp-b'], 'each check once, its own included');

  // What the database keeps: every event of both, named.
  const admin = await cluster.client('timeline');
  const { rows } = await admin.query<{ appliance: string; n: string }>(
    "SELECT appliance, count(*) AS n FROM onramp_events WHERE entry->>'event' = 'device.check.ok' GROUP BY appliance ORDER BY appliance");
  assert.deepEqual(rows.map((row) => [row.appliance, Number(row.n)]), [['dhcp-a', 1], ['dhcp-b', 1]]);
  stream.abort();
  for (const appliance of [a, b]) appliance.child.kill('SIGTERM');
  for (const appliance of [a, b]) assert.equal(await appliance.exited, 0, appliance.stderr());
});

/** The `entry` events of an SSE answer, parsed into `into` as they arrive, until it ends. */
async function readEntries(answer: Response, into: EventAnswer[]): Promise<void> {
  const decoder = new TextDecoder();
  let text = '';
  try {
    for await (const chunk of answer.body ?? []) {
      text += decoder.decode(chunk as Uint8Array, { stream: true });
      let end;
      while ((end = text.indexOf('\n\n')) >= 0) {
        const message = text.slice(0, end);
        text = text.slice(end + 2);
        const data = /^data: (.*)$/m.exec(message)?.[1];
        if (/^event: entry$/m.test(message) && data !== undefined) into.push(JSON.parse(data) as EventAnswer);
      }
    }
  } catch {
    // Aborted at the end of the test.
  }
}
