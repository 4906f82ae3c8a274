import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BackupStore } from '../src/backups/index.js';
import { HostKeyStore } from '../src/device/index.js';
import { Events } from '../src/log/index.js';
import { Client, consoleOnState, OPERATOR } from './support/console-state.js';
import { apiRoutes, OpenApiChecker, type OpenApiDocument } from './support/openapi.js';

const T0 = Date.parse('2026-11-01T10:00:00Z');
const FINGERPRINT = `SHA256:${'B'.repeat(43)}`;

/** A state directory as an appliance leaves it: statuses, journal entries, a drift, two backups, a pinned key. */
async function filledState(): Promise<Awaited<ReturnType<typeof consoleOnState>>> {
  const entry = (offset: number, event: string, fields: Record<string, unknown>): string => JSON.stringify({ time: T0 + offset, level: 30, event, ...fields });
  const journal = [
    entry(0, Events.dhcpAck, { device: 'FS-S5850-CORE1', ip: '10.77.0.10', mac: '64:9d:99:00:00:01', msg: 'DHCPACK' }),
    entry(10, Events.checkDrift, { device: 'FS-S5850-CORE1', site: 'hq', result: 'drift', msg: 'drift', details: { diff: '--- baseline\n+++ running\n@@ -1 +1 @@\n-snmp-server location hq\n+snmp-server location <b>elsewhere</b>\n', added: 1, removed: 1 } }),
    entry(20, Events.dhcpAck, { device: 'Switch', ip: '10.77.0.50', mac: 'be:b5:de:01:12:ff', msg: 'DHCPACK' }),
    entry(30, Events.hostkeyChanged, { device: 'FS-S5850-SRV', site: 'hq', result: 'failed', msg: 'host key changed', details: { fingerprint: FINGERPRINT, pinned: `SHA256:${'C'.repeat(43)}` } }),
  ].join('\n') + '\n';
  const status = {
    'fs-s5850-core1': {
      device: 'FS-S5850-CORE1', site: 'hq', ip: '10.77.0.10', lastEvent: Events.checkDrift, action: 'check', result: 'drift', state: 'drift',
      time: new Date(T0 + 11).toISOString(), diff: { added: 1, removed: 1 }, message: '<script>alert(1)</script>',
      plan: { outcome: 'refused', time: new Date(T0).toISOString(), lines: ['no snmp-server location hq'], refusals: [{ class: 'change-ratio', reason: 'too much', lines: [] }] },
      facts: { family: 'fs-s5850', serial: 'CG2106000321', model: 'S5850-48S6Q', version: '7.0.4' },
      firmware: { running: '7.0.4', wanted: '7.2.1', compliant: false },
      appliance: 'dhcp-b',
    },
    'fs-s5850-srv': {
      device: 'FS-S5850-SRV', site: 'hq', ip: '10.77.0.11', lastEvent: Events.checkOk, action: 'check', result: 'ok', state: 'ok', time: new Date(T0 - 1000).toISOString(),
      facts: { family: 'fs-s5850', serial: 'CG2106000322', version: '7.0.4' },
    },
  };
  const fixture = await consoleOnState({ 'state/events/journal.jsonl': journal, 'state/status.json': JSON.stringify(status) });
  const backups = new BackupStore(fixture.state);
  await backups.save('FS-S5850-CORE1', 'hostname FS-S5850-CORE1\nsnmp-server location hq\n', T0, { kind: 'manual' });
  await backups.save('FS-S5850-CORE1', 'hostname FS-S5850-CORE1\nsnmp-server location elsewhere\n', T0 + 1000, { kind: 'manual' });
  await new HostKeyStore(fixture.state).accept({ kind: 'device', name: 'FS-S5850-CORE1' }, `SHA256:${'D'.repeat(43)}`);
  return fixture;
}

void test('API: every /api/v1 route is in the OpenAPI document, and every answer, errors included, matches its schema', async (t) => {
  const fixture = await filledState();
  t.after(() => fixture.close());
  const client = new Client(fixture.app);
  const served = await client.request('GET', '/api/v1/openapi.json');
  const checker = new OpenApiChecker(served.json<OpenApiDocument>());
  checker.check('GET', '/api/v1/openapi.json', served.statusCode, served.body);
  const routes = apiRoutes(fixture.app.printRoutes({ commonPrefix: false }));
  assert.ok(routes.length >= 18, routes.join('\n'));
  const documented = new Set(checker.operations());
  for (const route of routes) assert.ok(documented.has(route), `${route} is served but not documented`);
  for (const operation of checker.operations()) assert.ok(routes.includes(operation), `${operation} is documented but not served`);

  const call = async (method: 'GET' | 'POST', path: string, url: string, options: { json?: unknown } = {}): Promise<{ statusCode: number; body: string }> => {
    const response = await client.request(method, url, options);
    checker.check(method, path, response.statusCode, response.body);
    return response;
  };
  // Before login: 401, as the document says.
  await client.session();
  assert.equal((await call('GET', '/api/v1/sites', '/api/v1/sites')).statusCode, 401);
  assert.equal((await call('POST', '/api/v1/session', '/api/v1/session', { json: { username: OPERATOR.name, password: 'wrong-one' } })).statusCode, 401);
  await call('GET', '/api/v1/session', '/api/v1/session');
  assert.equal((await call('POST', '/api/v1/session', '/api/v1/session', { json: { username: OPERATOR.name, password: OPERATOR.password } })).statusCode, 200);
  await client.session();

  const sites = JSON.parse((await call('GET', '/api/v1/sites', '/api/v1/sites')).body) as { name: string; counts: Record<string, number> }[];
  assert.deepEqual(sites.map((site) => [site.name, site.counts.drift]), [['hq', 1]]);
  const site = JSON.parse((await call('GET', '/api/v1/sites/{name}', '/api/v1/sites/hq')).body) as { portmap: { hostname: string; state: string }[]; factory: { mac: string }[] };
  assert.deepEqual(site.portmap.map((row) => `${row.hostname} ${row.state}`), ['FS-S3900-ACC1 waiting', 'FS-S3900-ACC2 waiting']);
  assert.deepEqual(site.factory.map((row) => row.mac), ['be:b5:de:01:12:ff'], 'a factory lease in the site\'s subnet, not yet placed');
  assert.equal((await call('GET', '/api/v1/sites/{name}', '/api/v1/sites/nowhere')).statusCode, 404);
  assert.equal((await call('GET', '/api/v1/sites/{name}', '/api/v1/sites/..%2Fetc')).statusCode, 400);
  await call('GET', '/api/v1/devices', '/api/v1/devices');
  const device = JSON.parse((await call('GET', '/api/v1/devices/{name}', '/api/v1/devices/FS-S5850-CORE1')).body) as {
    state: string; lastDrift: { diff: string }; hostKey: { fingerprint: string }; plan: { outcome: string };
    model: string; serial: string; reportedModel: string; os: Record<string, unknown>; appliance: string;
  };
  assert.equal(device.appliance, 'dhcp-b', 'with a shared store, the appliance that recorded it');
  assert.equal(device.state, 'drift');
  assert.deepEqual([device.model, device.reportedModel, device.serial], ['fs-s5850', 'S5850-48S6Q', 'CG2106000321'], 'the site\'s model beside what the switch reported');
  assert.deepEqual(device.os, { version: '7.0.4', wanted: '7.2.1', compliant: false });
  assert.match(device.lastDrift.diff, /elsewhere/);
  assert.equal(device.hostKey.fingerprint, `SHA256:${'D'.repeat(43)}`);
  assert.equal(device.plan.outcome, 'refused');
  const srv = JSON.parse((await call('GET', '/api/v1/devices/{name}', '/api/v1/devices/FS-S5850-SRV')).body) as {
    state: string; refusedKey: { fingerprint: string }; serial: string; reportedModel?: string; os: Record<string, unknown>; appliance?: string;
  };
  assert.equal(srv.appliance, undefined, 'recorded by a box of its own: no appliance named');
  assert.equal(srv.state, 'refused');
  assert.equal(srv.serial, 'CG2106000322');
  assert.equal(srv.reportedModel, undefined, 'no model read, none made up');
  assert.deepEqual(srv.os, { version: '7.0.4' }, 'without a firmware check, the version show version gave');
  assert.equal(srv.refusedKey.fingerprint, FINGERPRINT);
  assert.equal((await call('GET', '/api/v1/devices/{name}', '/api/v1/devices/NO-SUCH')).statusCode, 404);
  const events = JSON.parse((await call('GET', '/api/v1/devices/{name}/events', '/api/v1/devices/FS-S5850-CORE1/events?limit=5')).body) as { event: string }[];
  assert.deepEqual(events.map((event) => event.event), [Events.checkDrift, Events.dhcpAck], 'newest first');
  assert.equal((await call('GET', '/api/v1/devices/{name}/events', '/api/v1/devices/FS-S5850-CORE1/events?limit=0')).statusCode, 400);
  const history = JSON.parse((await call('GET', '/api/v1/devices/{name}/history', '/api/v1/devices/FS-S5850-CORE1/history')).body) as { id: string }[];
  assert.equal(history.length, 2);
  const [a, b] = history.map((version) => version.id);
  const diff = JSON.parse((await call('GET', '/api/v1/devices/{name}/diff', `/api/v1/devices/FS-S5850-CORE1/diff?a=${a ?? ''}&b=${b ?? ''}`)).body) as { equal: boolean; unified: string };
  assert.equal(diff.equal, false);
  assert.match(diff.unified, /\+snmp-server location elsewhere/);
  assert.equal((await call('GET', '/api/v1/devices/{name}/diff', `/api/v1/devices/FS-S5850-CORE1/diff?a=${a ?? ''}&b=nope`)).statusCode, 404);
  assert.equal((await call('GET', '/api/v1/devices/{name}/diff', '/api/v1/devices/FS-S5850-CORE1/diff?a=x')).statusCode, 400);
  await call('GET', '/api/v1/devices/{name}/plan', '/api/v1/devices/FS-S5850-CORE1/plan');
  assert.equal((await call('GET', '/api/v1/devices/{name}/plan', '/api/v1/devices/FS-S5850-SRV/plan')).statusCode, 404);
  await call('GET', '/api/v1/events/recent', '/api/v1/events/recent?limit=3');
  await call('GET', '/api/v1/rules', '/api/v1/rules');
  // The actions: this console is read-only, so each is a 409 with the reason, in the Error schema.
  for (const action of ['check', 'plan', 'backup']) {
    assert.equal((await call('POST', `/api/v1/devices/{name}/${action}`, `/api/v1/devices/FS-S5850-CORE1/${action}`)).statusCode, 409, action);
  }
  // A remediation names the plan it confirms (the digest POST …/plan answered); without one it is bad input.
  assert.equal((await call('POST', '/api/v1/devices/{name}/remediate', '/api/v1/devices/FS-S5850-CORE1/remediate')).statusCode, 400);
  assert.equal((await call('POST', '/api/v1/devices/{name}/remediate', '/api/v1/devices/FS-S5850-CORE1/remediate', { json: { planDigest: 'not-a-digest' } })).statusCode, 400);
  assert.equal((await call('POST', '/api/v1/devices/{name}/remediate', '/api/v1/devices/FS-S5850-CORE1/remediate', { json: { planDigest: '0'.repeat(64) } })).statusCode, 409);
  assert.equal((await call('POST', '/api/v1/devices/{name}/accept-hostkey', '/api/v1/devices/FS-S5850-SRV/accept-hostkey', { json: { fingerprint: 'SHA256:short' } })).statusCode, 400);
  assert.equal((await call('POST', '/api/v1/devices/{name}/accept-hostkey', '/api/v1/devices/FS-S5850-SRV/accept-hostkey', { json: { fingerprint: FINGERPRINT } })).statusCode, 409);
  assert.equal((await call('POST', '/api/v1/session/logout', '/api/v1/session/logout')).statusCode, 200);

  const reached = new Set(checker.checked);
  const unreached = checker.operations().filter((operation) => !reached.has(operation) && operation !== 'GET /api/v1/events');
  assert.deepEqual(unreached, [], 'every documented JSON route was called and checked');
});

void test('the device page escapes what it shows (a device message with markup is text, not HTML) and lists what the switch reported', async (t) => {
  const fixture = await filledState();
  t.after(() => fixture.close());
  const client = new Client(fixture.app);
  await client.login(OPERATOR);
  const page = await client.request('GET', '/devices/FS-S5850-CORE1');
  assert.equal(page.statusCode, 200);
  assert.doesNotMatch(page.body, /<script>alert|<b>elsewhere<\/b>/);
  assert.match(page.body, /&lt;b&gt;elsewhere&lt;\/b&gt;/);
  // Its identity: what the switch said about itself, the OS against the site's.
  assert.match(page.body, /<dt>Model<\/dt><dd>fs-s5850 <small>\(reports S5850-48S6Q\)<\/small><\/dd>/);
  assert.match(page.body, /<dt>Serial<\/dt><dd>CG2106000321<\/dd>/);
  assert.match(page.body, /<dt>Appliance<\/dt><dd data-role="appliance">dhcp-b<\/dd>/);
  assert.match(page.body, /<dt>OS<\/dt><dd>7\.0\.4 <small class="os-wrong">the site names 7\.2\.1<\/small><\/dd>/);
  assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
  assert.equal(page.headers['cache-control'], 'no-store');
});

void test('the SSE stream sends journal entries and state changes as they come', async (t) => {
  const fixture = await filledState();
  t.after(() => fixture.close());
  const client = new Client(fixture.app);
  await client.login(OPERATOR);
  const address = await fixture.app.listen({ host: '127.0.0.1', port: 0 });
  const { get } = await import('node:http');
  let text = '';
  const stream = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
    get(`${address}/api/v1/events`, { headers: { cookie: client.cookieHeader() } }, resolve).on('error', reject);
  });
  t.after(() => { stream.destroy(); });
  assert.equal(stream.statusCode, 200);
  assert.match(String(stream.headers['content-type']), /text\/event-stream/);
  stream.setEncoding('utf8');
  const received = new Promise<void>((resolve) => {
    stream.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('event: state')) resolve();
    });
  });
  await fixture.state.appendText(['events', 'journal.jsonl'], `${JSON.stringify({ time: Date.now(), level: 30, event: Events.checkOk, device: 'FS-S5850-SRV', site: 'hq', result: 'ok', msg: 'Configuration OK' })}\n`);
  await received;
  assert.match(text, /event: entry\ndata: \{"time":"[^"]+","event":"device\.check\.ok"/);
  assert.match(text, /event: state\ndata: \{"key":"fs-s5850-srv","device":"FS-S5850-SRV","site":"hq","state":"ok"/);
});
