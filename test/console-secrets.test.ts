import { test } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FACTORY, OPERATOR, SECRETS, startConsoleLab, VIEWER } from './support/console-lab.js';
import { OpenApiChecker, type OpenApiDocument } from './support/openapi.js';

interface Answer { status: number; headers: string; body: string }

/** A client that keeps every answer it got, headers and body, to search them afterwards. */
class RecordingClient {
  readonly answers: Answer[] = [];
  private cookie = '';
  csrf = '';

  constructor(private readonly base: string) {}

  async call(method: 'GET' | 'POST', path: string, body?: unknown, form?: Record<string, string>): Promise<Answer> {
    const headers: Record<string, string> = { cookie: this.cookie, 'x-csrf-token': this.csrf };
    let payload: string | undefined;
    if (form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams({ _csrf: this.csrf, ...form }).toString();
    } else if (method === 'POST') {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body ?? {});
    }
    const response = await fetch(`${this.base}${path}`, { method, headers, redirect: 'manual', ...(payload === undefined ? {} : { body: payload }) });
    const set = response.headers.get('set-cookie');
    if (set !== null) this.cookie = set.split(';')[0] ?? '';
    const answer = { status: response.status, headers: [...response.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n'), body: await response.text() };
    this.answers.push(answer);
    if (path.startsWith('/api/v1/session') && answer.status === 200) this.csrf = (JSON.parse(answer.body) as { csrfToken: string }).csrfToken;
    return answer;
  }

  async login(user: { name: string; password: string }): Promise<void> {
    await this.call('GET', '/api/v1/session');
    assert.equal((await this.call('POST', '/api/v1/session', { username: user.name, password: user.password })).status, 200);
  }

  cookieHeader(): string {
    return this.cookie;
  }
}

void test('a full lab run through the console: no page, API answer, event stream or header carries a password or a hash, and every API answer matches the OpenAPI document', { timeout: 300_000 }, async (t) => {
  const lab = await startConsoleLab();
  t.after(() => lab.stop());
  const operator = new RecordingClient(lab.url);
  await operator.login(OPERATOR);
  // The event stream, recorded for the whole run.
  let stream = '';
  const sse = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
    get(`${lab.url}/api/v1/events`, { headers: { cookie: operator.cookieHeader() } }, resolve).on('error', reject);
  });
  t.after(() => { sse.destroy(); });
  sse.setEncoding('utf8').on('data', (chunk: string) => { stream += chunk; });

  lab.lease('FS-S5850-CORE1', '64:9d:99:00:00:01', 'FS-S5850-CORE1');
  lab.lease('FS-S5850-SRV', '64:9d:99:00:00:02', 'FS-S5850-SRV');
  for (const sw of FACTORY) lab.lease(sw.lab, sw.mac, 'Switch');
  const deadline = Date.now() + 200_000;
  const settled = (log: string): boolean => FACTORY.every((sw) => log.includes(`provisioned as ${sw.becomes}`))
    && log.includes('"event":"device.check.drift","device":"FS-S5850-SRV"') && log.includes('"event":"device.check.ok","device":"FS-S5850-CORE1"');
  while (!settled(lab.log())) {
    assert.ok(Date.now() < deadline, `the lab did not settle:\n${lab.log().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  const document = JSON.parse((await operator.call('GET', '/api/v1/openapi.json')).body) as OpenApiDocument;
  const checker = new OpenApiChecker(document);
  const exitCode = (answer: Answer): number => (JSON.parse(answer.body) as { exitCode: number }).exitCode;
  const api = async (method: 'GET' | 'POST', path: string, url: string, body?: unknown): Promise<Answer> => {
    const answer = await operator.call(method, url, body);
    checker.check(method, path, answer.status, answer.body);
    return answer;
  };
  await api('GET', '/api/v1/sites', '/api/v1/sites');
  await api('GET', '/api/v1/sites/{name}', '/api/v1/sites/hq');
  const devices = JSON.parse((await api('GET', '/api/v1/devices', '/api/v1/devices')).body) as { device: string }[];
  assert.ok(devices.length >= 5);
  for (const { device } of devices) {
    await api('GET', '/api/v1/devices/{name}', `/api/v1/devices/${encodeURIComponent(device)}`);
    await api('GET', '/api/v1/devices/{name}/events', `/api/v1/devices/${encodeURIComponent(device)}/events`);
    await api('GET', '/api/v1/devices/{name}/history', `/api/v1/devices/${encodeURIComponent(device)}/history`);
    await api('GET', '/api/v1/devices/{name}/plan', `/api/v1/devices/${encodeURIComponent(device)}/plan`);
    for (const page of [`/devices/${device}`, `/devices/${device}/accept-hostkey`]) await operator.call('GET', page);
  }
  // The operator's actions, each answered as the document says.
  const plan = JSON.parse((await api('POST', '/api/v1/devices/{name}/plan', '/api/v1/devices/FS-S5850-SRV/plan')).body) as { exitCode: number; lines: string[]; planDigest: string };
  assert.equal(plan.exitCode, 1);
  assert.ok(plan.lines.length > 0);
  assert.equal(exitCode(await api('POST', '/api/v1/devices/{name}/remediate', '/api/v1/devices/FS-S5850-SRV/remediate', { planDigest: plan.planDigest })), 0);
  assert.equal(exitCode(await api('POST', '/api/v1/devices/{name}/check', '/api/v1/devices/FS-S3900-ACC1/check')), 0);
  for (const device of ['FS-S5850-CORE1', 'FS-S3900-ACC2']) {
    assert.equal(exitCode(await api('POST', '/api/v1/devices/{name}/backup', `/api/v1/devices/${device}/backup`)), 0);
  }
  const history = JSON.parse((await api('GET', '/api/v1/devices/{name}/history', '/api/v1/devices/FS-S5850-SRV/history')).body) as { id: string }[];
  if (history.length >= 2) await api('GET', '/api/v1/devices/{name}/diff', `/api/v1/devices/FS-S5850-SRV/diff?a=${history[0]?.id ?? ''}&b=${history.at(-1)?.id ?? ''}`);
  await api('GET', '/api/v1/events/recent', '/api/v1/events/recent?limit=1000');
  await api('GET', '/api/v1/rules', '/api/v1/rules');
  for (const page of ['/', '/sites/hq', '/rules', '/devices/FS-S5850-SRV/remediate', '/metrics', '/static/console.js']) await operator.call('GET', page);
  await operator.call('POST', '/devices/FS-S5850-CORE1/check', undefined, {});
  const viewer = new RecordingClient(lab.url);
  await viewer.login(VIEWER);
  await viewer.call('POST', '/api/v1/devices/FS-S5850-CORE1/check');
  await new RecordingClient(lab.url).call('POST', '/api/v1/session', { username: OPERATOR.name, password: 'wrong-password' });
  sse.destroy();

  const users = readFileSync(join(lab.stateDir, 'users.json'), 'utf8');
  const hashes = [...users.matchAll(/"hash": "([^"]+)"/g)].map((m) => m[1] ?? '').filter((hash) => hash !== '');
  assert.equal(hashes.length, 2);
  const secrets = [...Object.values(SECRETS), ...hashes, ...hashes.map((hash) => hash.split('$').at(-1) ?? hash)];
  const everything = [...operator.answers, ...viewer.answers].map((answer) => `${answer.headers}\n${answer.body}`).join('\n') + stream;
  assert.ok(everything.length > 50_000, `a full run was looked at (${String(everything.length)} characters)`);
  assert.match(stream, /event: state/);
  assert.match(everything, /description temp-laptop/, 'the drift is in what was served');
  for (const secret of secrets) assert.ok(!everything.includes(secret), `a secret (${secret.slice(0, 4)}…) was served`);
  // The switches' own config secrets are masked where they are shown.
  assert.ok(!/username admin password (?!(0 )?<secret hidden>)/.test(everything), 'a config password line shown unmasked');
});
