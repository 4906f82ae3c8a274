import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoginThrottle, Users } from '../src/console/index.js';
import { usersCommand } from '../src/console/users-command.js';
import { Client, consoleOnState, OPERATOR, VIEWER } from './support/console-state.js';
import { hasCommand, requireSystem } from './support/system.js';

void test('a visitor is sent to the login page; the API says 401; the login page and the API document need no login', async (t) => {
  const fixture = await consoleOnState();
  t.after(() => fixture.close());
  const client = new Client(fixture.app);
  const page = await client.request('GET', '/sites/hq');
  assert.equal(page.statusCode, 303);
  assert.equal(page.headers.location, '/login?next=%2Fsites%2Fhq');
  assert.equal((await client.request('GET', '/api/v1/devices')).statusCode, 401);
  assert.equal((await client.request('GET', '/login')).statusCode, 200);
  assert.equal((await client.request('GET', '/api/v1/openapi.json')).statusCode, 200);
});

void test('the session cookie is HttpOnly and SameSite=Strict, and a new id is given at login', async (t) => {
  const fixture = await consoleOnState();
  t.after(() => fixture.close());
  const client = new Client(fixture.app);
  const first = await client.request('GET', '/api/v1/session');
  const before = String(first.headers['set-cookie']);
  assert.match(before, /HttpOnly/);
  assert.match(before, /SameSite=Strict/);
  assert.doesNotMatch(before, /Secure/, 'not over plain HTTP');
  client.csrf = first.json<{ csrfToken: string }>().csrfToken;
  const login = await client.request('POST', '/api/v1/session', { json: { username: OPERATOR.name, password: OPERATOR.password } });
  assert.equal(login.statusCode, 200);
  const after = String(login.headers['set-cookie']);
  assert.notEqual(after.split(';')[0], before.split(';')[0], 'the id planted before the login is worth nothing after it');
  assert.equal(login.json<{ user: string; role: string }>().role, 'operator');
});

void test('every POST needs the session\'s CSRF token: the login, an API action and a page form', async (t) => {
  const fixture = await consoleOnState();
  t.after(() => fixture.close());
  const client = new Client(fixture.app);
  await client.session();
  const noToken = await client.request('POST', '/api/v1/session', { json: { username: OPERATOR.name, password: OPERATOR.password }, csrf: false });
  assert.equal(noToken.statusCode, 403);
  assert.match(noToken.body, /CSRF/);
  assert.equal((await client.login(OPERATOR)).statusCode, 200);
  const apiAction = await client.request('POST', '/api/v1/devices/FS-S5850-CORE1/check', { csrf: false });
  assert.equal(apiAction.statusCode, 403);
  assert.match(apiAction.body, /CSRF/);
  const form = await client.request('POST', '/devices/FS-S5850-CORE1/check', { form: {}, csrf: false });
  assert.equal(form.statusCode, 403);
  const wrong = await client.request('POST', '/devices/FS-S5850-CORE1/check', { form: { _csrf: 'x'.repeat(43) }, csrf: false });
  assert.equal(wrong.statusCode, 403);
  // With the token it gets past the check; this console is read-only, so the action itself is refused with the reason.
  const withToken = await client.request('POST', '/api/v1/devices/FS-S5850-CORE1/check');
  assert.equal(withToken.statusCode, 409);
  assert.match(withToken.json<{ message: string }>().message, /read-only console/);
});

void test('a viewer may look but not act: every action is 403 for them, on the pages and the API', async (t) => {
  const fixture = await consoleOnState();
  t.after(() => fixture.close());
  const client = new Client(fixture.app);
  assert.equal((await client.login(VIEWER)).statusCode, 200);
  assert.equal((await client.request('GET', '/api/v1/sites')).statusCode, 200);
  assert.equal((await client.request('GET', '/devices/FS-S5850-CORE1')).statusCode, 200);
  for (const action of ['check', 'remediate', 'backup', 'plan']) {
    const api = await client.request('POST', `/api/v1/devices/FS-S5850-CORE1/${action}`);
    assert.equal(api.statusCode, 403, action);
    assert.match(api.json<{ message: string }>().message, /operator/);
  }
  const key = await client.request('POST', '/api/v1/devices/FS-S5850-CORE1/accept-hostkey', { json: { fingerprint: `SHA256:${'A'.repeat(43)}` } });
  assert.equal(key.statusCode, 403);
  assert.equal((await client.request('POST', '/devices/FS-S5850-CORE1/backup', { form: {} })).statusCode, 403);
  assert.equal((await client.request('GET', '/devices/FS-S5850-CORE1/remediate')).statusCode, 403);
  const page = await client.request('GET', '/devices/FS-S5850-CORE1');
  assert.doesNotMatch(page.body, /Check now/, 'a viewer is not offered the buttons');
});

void test('logins are rate-limited per user name and per address, and a throttled login is refused even with the right password', async (t) => {
  let now = 1_000_000;
  const throttle = new LoginThrottle({ perUser: 3, perAddress: 5, windowMs: 60_000 }, () => now);
  const fixture = await consoleOnState({}, throttle);
  t.after(() => fixture.close());
  const attacker = new Client(fixture.app, '10.9.9.9');
  for (let i = 0; i < 3; i++) assert.equal((await attacker.login({ name: OPERATOR.name, password: 'guess' })).statusCode, 401);
  const throttled = await attacker.login(OPERATOR);
  assert.equal(throttled.statusCode, 429);
  assert.ok(Number(throttled.headers['retry-after']) > 0);
  // The same name from elsewhere is throttled too: the limit is the user's.
  assert.equal((await new Client(fixture.app, '10.1.1.1').login(OPERATOR)).statusCode, 429);
  // Other names from the attacker's address: two more failures reach the address limit.
  for (const name of ['a1', 'a2']) assert.equal((await attacker.login({ name, password: 'guess' })).statusCode, 401);
  assert.equal((await attacker.login(VIEWER)).statusCode, 429, 'the address is throttled whatever the name');
  assert.equal((await new Client(fixture.app, '10.2.2.2').login(VIEWER)).statusCode, 200, 'another address may log in as the viewer');
  now += 60_000;
  assert.equal((await new Client(fixture.app, '10.3.3.3').login(OPERATOR)).statusCode, 200, 'after the window the user may log in again');
});

void test('the login page form logs in, and a wrong password says so without saying which part was wrong', async (t) => {
  const fixture = await consoleOnState();
  t.after(() => fixture.close());
  const client = new Client(fixture.app);
  await client.session();
  const wrong = await client.request('POST', '/login', { form: { username: OPERATOR.name, password: 'nope', next: '/rules' } });
  assert.equal(wrong.statusCode, 401);
  assert.match(wrong.body, /wrong user name or password/);
  const unknown = await client.request('POST', '/login', { form: { username: 'nobody', password: 'nope' } });
  assert.match(unknown.body, /wrong user name or password/);
  const ok = await client.request('POST', '/login', { form: { username: OPERATOR.name, password: OPERATOR.password, next: '//evil.example/' } });
  assert.equal(ok.statusCode, 303);
  assert.equal(ok.headers.location, '/', 'never sent to another site after login');
});

void test('a removed user is logged out at their next request', async (t) => {
  const fixture = await consoleOnState();
  t.after(() => fixture.close());
  const client = new Client(fixture.app);
  await client.login(VIEWER);
  assert.equal((await client.request('GET', '/api/v1/sites')).statusCode, 200);
  await new Users(join(fixture.state.root, 'users.json')).remove(VIEWER.name);
  assert.equal((await client.request('GET', '/api/v1/sites')).statusCode, 401);
});

void test('users add: the file is 0600 with scrypt hashes; the password comes from stdin, a 0600 file or the environment, never an argument', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'onramp-users-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (text: string) => { out.push(text); }, err: (text: string) => { err.push(text); }, stdin: () => Promise.resolve('from-stdin-pw\n') };
  assert.equal(await usersCommand('add', 'alice', { role: 'operator', state: dir }, io), 0);
  const path = join(dir, 'users.json');
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  const text = await readFile(path, 'utf8');
  assert.doesNotMatch(text, /from-stdin-pw/);
  assert.match(text, /"hash": "scrypt\$16384\$8\$1\$/);
  assert.deepEqual(await new Users(path).authenticate('alice', 'from-stdin-pw'), { name: 'alice', role: 'operator' });
  assert.equal(await new Users(path).authenticate('alice', 'from-stdin-pX'), undefined);

  const file = join(dir, 'pw');
  await writeFile(file, 'from-file-pw\n', { mode: 0o644 });
  await chmod(file, 0o644);
  assert.equal(await usersCommand('add', 'bob', { role: 'viewer', state: dir, passwordFile: file }, io), 2);
  assert.match(err.join(''), /readable by others/);
  await chmod(file, 0o600);
  assert.equal(await usersCommand('add', 'bob', { role: 'viewer', state: dir, passwordFile: file }, io), 0);
  process.env.ONRAMP_TEST_CONSOLE_PW = 'from-env-pw1';
  assert.equal(await usersCommand('add', 'carol', { role: 'viewer', state: dir, passwordEnv: 'ONRAMP_TEST_CONSOLE_PW' }, io), 0);
  assert.deepEqual((await new Users(path).list()).map((user) => `${user.name}:${user.role}`), ['alice:operator', 'bob:viewer', 'carol:viewer']);
  assert.equal(await usersCommand('add', 'dave', { role: 'root', state: dir }, io), 2);
  assert.equal(await usersCommand('add', 'eve', { state: dir }, { ...io, stdin: () => Promise.resolve('short\n') }), 2, 'too short');

  await chmod(path, 0o644);
  await assert.rejects(new Users(path).list(), /readable by others/);
  // The shipped command has no flag that takes the password itself.
  const help = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', 'src', 'cli.ts'), 'users', '--help'], { encoding: 'utf8' });
  assert.doesNotMatch(help.stdout, /--password </);
  assert.match(help.stdout, /--password-file/);
});

void test('under TLS (--http-cert/--http-key) the console answers https and its cookie is Secure; a key others can read is refused', async (t) => {
  if (!requireSystem(t, 'openssl', hasCommand('openssl'), 'apt-get install openssl')) return;
  const dir = await mkdtemp(join(tmpdir(), 'onramp-tls-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const [certFile, keyFile] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-keyout', keyFile, '-out', certFile], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  await chmod(keyFile, 0o644);
  const fixture = await consoleOnState();
  t.after(() => fixture.close());
  const { startConsole, stateSource } = await import('../src/console/index.js');
  const { silentLogger } = await import('../src/log/index.js');
  const source = await stateSource({ state: fixture.state, sitesDir: join(fixture.dir, 'sites'), templatesDir: join(import.meta.dirname, '..', 'templates'), logger: silentLogger() });
  const options = { address: { host: '127.0.0.1', port: 0 }, source, users: new Users(join(fixture.state.root, 'users.json')), logger: silentLogger(), tls: { certFile, keyFile } };
  await assert.rejects(startConsole(options), /readable by others/);
  await chmod(keyFile, 0o600);
  const running = await startConsole(options);
  t.after(() => running.close());
  assert.match(running.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  const { request } = await import('node:https');
  const cookie = await new Promise<string>((resolve, reject) => {
    request(`${running.url}/api/v1/session`, { rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(String(res.headers['set-cookie']));
    }).on('error', reject).end();
  });
  assert.match(cookie, /; Secure/);
  assert.match(cookie, /HttpOnly/);
});
