import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostKeyStore } from '../src/device/index.js';
import { createLogger } from '../src/log/index.js';
import { readStatus, StatusBook } from '../src/onboard/index.js';
import { openStore, StoreSettingsError, type OpenedStore } from '../src/postgres/index.js';
import { parseStoreUrl, storePassword } from '../src/postgres/connection.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../src/postgres/migrations.js';
import { StateStore } from '../src/state/index.js';
import { onramp, ROOT } from './agent-cli.js';
import { startCluster, type TestCluster } from './support/postgres.js';

// The shared store on a real PostgreSQL server: the schema made and checked by onramp itself, the books
// several appliances change at once, backups, and the password kept out of URLs.
const silent = createLogger({ level: 'silent' });

function scratch(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-store-'));
  t.after(() => { rmSync(dir, { recursive: true, force: true }); });
  return dir;
}

async function opened(t: { after: (fn: () => Promise<void>) => void }, cluster: TestCluster, url: string, name: string): Promise<OpenedStore> {
  process.env.PGPASSWORD = cluster.password;
  const store = await openStore(new StateStore(mkdtempSync(join(tmpdir(), 'onramp-store-root-'))), { store: url, name }, silent);
  t.after(() => store.close());
  return store;
}

void test('the store URL carries no password; a password file must be 0600', (t) => {
  assert.throws(() => parseStoreUrl('postgres://onramp:s3cret@db.example/onramp'), (err: unknown) =>
    err instanceof StoreSettingsError && /carries a password; give it in PGPASSWORD or a 0600 file/.test(err.message) && !err.message.includes('s3cret'));
  assert.throws(() => parseStoreUrl('mysql://onramp@db/onramp'), /expected a postgres:\/\/ URL/);
  assert.throws(() => parseStoreUrl('postgres://onramp@db/'), /expected a database name/);
  assert.throws(() => parseStoreUrl('postgres://onramp@db/onramp?sslmode=maybe'), /sslmode: expected disable, require or verify-full/);
  assert.deepEqual(parseStoreUrl('postgres://onramp@db.example:6432/fleet?sslmode=require'), {
    host: 'db.example', port: 6432, user: 'onramp', database: 'fleet', ssl: 'require', url: 'postgres://onramp@db.example:6432/fleet?sslmode=require',
  });
  const dir = scratch(t);
  const file = join(dir, 'pg.pass');
  writeFileSync(file, 'from-the-file\n', { mode: 0o644 });
  chmodSync(file, 0o644);
  assert.throws(() => storePassword(file), /has mode 0644; it must be 0600 or 0400/);
  chmodSync(file, 0o600);
  assert.equal(storePassword(file), 'from-the-file');
});

void test('the schema is made at the first start, left alone at the next, and a newer or foreign one is refused', async (t) => {
  const cluster = await startCluster(t);
  if (cluster === undefined) return;
  const url = await cluster.createDatabase('schema_check');
  await (await opened(t, cluster, url, 'box1')).close();
  const admin = await cluster.client('schema_check');
  const { rows } = await admin.query<{ version: number; name: string; applied_by: string }>('SELECT version, name, applied_by FROM onramp_schema ORDER BY version');
  assert.deepEqual(rows, MIGRATIONS.map((migration) => ({ version: migration.version, name: migration.name, applied_by: 'box1' })));
  await (await opened(t, cluster, url, 'box2')).close();
  assert.equal((await admin.query('SELECT 1 FROM onramp_schema')).rowCount, MIGRATIONS.length, 'nothing applied twice');

  await admin.query("INSERT INTO onramp_schema (version, name, applied_by) VALUES ($1, 'from a newer onramp', 'box9')", [SCHEMA_VERSION + 1]);
  await assert.rejects(opened(t, cluster, url, 'box1'), (err: unknown) =>
    err instanceof StoreSettingsError && err.message.includes(`schema is version ${String(SCHEMA_VERSION + 1)}, newer than this onramp's (${String(SCHEMA_VERSION)})`));
  await admin.query('DELETE FROM onramp_schema WHERE version = $1', [SCHEMA_VERSION + 1]);
  await admin.query("UPDATE onramp_schema SET name = 'something else' WHERE version = 1");
  await assert.rejects(opened(t, cluster, url, 'box1'), /schema step 1 is "something else", not this onramp's/);
});

function writer(dir: string, name: string, count: number, url: string, password: string): Promise<{ code: number | null; ids: number[]; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support', 'state-writer.ts'), dir, name, String(count), url], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PGPASSWORD: password },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  return new Promise((resolve) => {
    child.once('close', (code) => { resolve({ code, ids: stdout === '' ? [] : JSON.parse(stdout) as number[], stderr }); });
  });
}

void test('two appliances changing every shared book at once through one database lose no update', async (t) => {
  const cluster = await startCluster(t);
  if (cluster === undefined) return;
  const url = await cluster.createDatabase('writers');
  const count = 30;
  // The schema first, so both writers meet an existing one (their start-up race is the migration test's).
  await (await opened(t, cluster, url, 'setup')).close();
  const dir = scratch(t);
  const results = await Promise.all([writer(join(dir, 'a'), 'w1', count, url, cluster.password), writer(join(dir, 'b'), 'w2', count, url, cluster.password)]);
  for (const result of results) assert.equal(result.code, 0, result.stderr);
  const devices = ['w1', 'w2'].flatMap((name) => Array.from({ length: count }, (_, n) => `${name}-${String(n)}`)).sort();
  const { store, backups } = await opened(t, cluster, url, 'reader');
  const statuses = await readStatus(store);
  assert.deepEqual(statuses.map((status) => status.device).sort(), devices, 'status');
  assert.deepEqual(statuses.filter((status) => status.appliance === 'w1').map((status) => status.device).sort(), devices.filter((device) => device.startsWith('w1-')), 'each status names the appliance that recorded it');
  assert.deepEqual((await new HostKeyStore(store).list()).map((pin) => pin.owner).sort(), devices, 'host keys');
  const admin = await cluster.client('writers');
  const books = await admin.query<{ book: string; n: string }>("SELECT book, count(*) AS n FROM onramp_records WHERE book IN ('identities', 'learned') GROUP BY book ORDER BY book");
  assert.deepEqual(books.rows, [{ book: 'identities', n: String(2 * count) }, { book: 'learned', n: String(2 * count) }]);
  const queue = await store.get<{ device: string }[]>({ name: 'queue', file: 'queue.json' }, 'jobs');
  assert.deepEqual((queue ?? []).map((job) => job.device).sort(), devices, 'the stop queue');
  const versions = await backups?.versions(10_000).list('SHARED') ?? [];
  assert.equal(versions.length, 2 * count, 'every version of the device both saved');
  assert.equal(new Set(versions.map((version) => version.id)).size, 2 * count, 'each under its own id');
  const ids = results.flatMap((result) => result.ids);
  assert.equal(new Set(ids).size, 2 * count, 'no execution id handed out twice');
});

void test('backups in the database: unchanged configs are not stored again, the oldest beyond keep are pruned, rollbacks and sealed copies kept beside', async (t) => {
  const cluster = await startCluster(t);
  if (cluster === undefined) return;
  const { backups } = await opened(t, cluster, await cluster.createDatabase('backups'), 'box1');
  assert.ok(backups !== undefined);
  const store = backups.versions(3);
  const start = Date.parse('2026-03-01T10:00:00Z');
  const first = await store.save('CORE1', 'hostname CORE1\n', start, { kind: 'manual' });
  assert.equal(first?.id, '20260301T100000Z');
  assert.equal(await store.save('CORE1', 'hostname CORE1\n', start + 1000), undefined, 'unchanged: nothing stored');
  const saved = [];
  // Two in the same second: the second is -2.
  for (const n of [1, 2, 3, 4]) saved.push(await store.save('CORE1', `hostname CORE1\nsnmp-server location room ${String(n)}\n`, start + Math.min(n, 3) * 1000, { kind: 'dhcpack' }, n === 4 ? 'sealed-copy' : undefined));
  assert.deepEqual(saved.map((version) => version?.id), ['20260301T100001Z', '20260301T100002Z', '20260301T100003Z', '20260301T100003Z-2']);
  const listed = await store.list('CORE1');
  assert.deepEqual(listed.map((version) => version.id), ['20260301T100002Z', '20260301T100003Z', '20260301T100003Z-2'], 'three kept, oldest first');
  assert.match(listed[2]?.cause ?? '', /\(\+1 -1\)/);
  assert.equal(await store.read('CORE1', '20260301T100003Z-2'), 'hostname CORE1\nsnmp-server location room 4\n');
  assert.equal(await store.read('CORE1', '20260301T100000Z'), undefined, 'pruned');
  assert.deepEqual([...await store.restorable('CORE1')], ['20260301T100003Z-2']);
  assert.equal(await store.readSealed('CORE1', '20260301T100003Z-2'), 'sealed-copy');
  await store.saveRollback('CORE1', '20260301T100003Z', ['no snmp-server location', 'exit']);
  assert.deepEqual(await store.readRollback('CORE1', '20260301T100003Z'), ['no snmp-server location', 'exit']);
  await assert.rejects(store.saveRollback('CORE1', 'nope', ['x']), /CORE1 has no backup version nope/);
});

void test('a status record is one row per device: a one-shot command and the daemon recording at once both keep theirs', async (t) => {
  const cluster = await startCluster(t);
  if (cluster === undefined) return;
  const url = await cluster.createDatabase('status_rows');
  const [a, b] = [await opened(t, cluster, url, 'box1'), await opened(t, cluster, url, 'box2')];
  const [one, two] = [new StatusBook(a.store), new StatusBook(b.store)];
  await Promise.all([one.load(), two.load()]);
  const time = new Date().toISOString();
  await Promise.all([
    one.record({ device: 'CORE1', lastEvent: 'device.check.ok', action: 'check', result: 'ok', time, execution: { id: 7, result: 'ok', time } }),
    two.record({ device: 'CORE1', lastEvent: 'device.check.drift', action: 'check', result: 'drift', time }),
    two.record({ device: 'CORE2', lastEvent: 'device.check.ok', action: 'check', result: 'ok', time }),
  ]);
  const statuses = await readStatus(a.store);
  assert.deepEqual(statuses.map((status) => status.device), ['CORE1', 'CORE2']);
  const core1 = statuses.find((status) => status.device === 'CORE1');
  assert.equal(core1?.execution?.id, 7, 'the execution recorded by either stays, whichever wrote last');
  assert.ok(['box1', 'box2'].includes(core1.appliance ?? ''), 'and it names the appliance that wrote last');
  assert.equal((await two.latest('CORE1'))?.execution?.id, 7, 'latest() reads what another appliance wrote');
});

void test('onramp status, hostkeys and history with --store read the database, and say which appliance did what', async (t) => {
  const cluster = await startCluster(t);
  if (cluster === undefined) return;
  const url = await cluster.createDatabase('cli_reads');
  const { store, backups } = await opened(t, cluster, url, 'dhcp-a');
  const status = new StatusBook(store);
  await status.record({ device: 'FS-S5850-CORE1', site: 'hq', ip: '10.77.0.2', lastEvent: 'device.check.ok', action: 'check', result: 'ok', time: new Date().toISOString() });
  await new HostKeyStore(store).accept({ kind: 'device', name: 'FS-S5850-CORE1' }, 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  await backups?.versions(50).save('FS-S5850-CORE1', 'hostname FS-S5850-CORE1\n', Date.parse('2026-03-01T10:00:00Z'), { kind: 'manual' });
  // No state directory here: with --store what these commands read is in the database.
  const cwd = scratch(t);
  const shown = onramp(['status', '--store', url], cwd);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /^FS-S5850-CORE1 +hq 10\.77\.0\.2 +check +ok .*device\.check\.ok {2}by dhcp-a$/m);
  const json = onramp(['status', '--json'], cwd);
  assert.equal(json.code, 2, 'without --store the state directory is read, and there is none here');
  const viaEnv = spawnSyncOnramp(['status', '--json'], cwd, { ONRAMP_STORE: url });
  assert.equal((JSON.parse(viaEnv) as { appliance?: string }[])[0]?.appliance, 'dhcp-a', 'ONRAMP_STORE names the store as --store does');
  const pins = onramp(['hostkeys', 'list', '--store', url], cwd);
  assert.match(pins.stdout, /^FS-S5850-CORE1 {2}SHA256:A{43} {2}operator /m);
  const history = onramp(['history', 'FS-S5850-CORE1', '--store', url], cwd);
  assert.match(history.stdout, /^20260301T100000Z {2}2026-03-01T10:00:00\.000Z {2}manual/m);
});

function spawnSyncOnramp(args: string[], cwd: string, env: Record<string, string>): string {
  const result = spawnSync(process.execPath, [join(ROOT, 'dist', 'bin', 'onramp.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

void test('onramp run with a database that cannot be reached does not start: a runtime failure (exit 3), not bad settings', async (t) => {
  const dir = scratch(t);
  // A port nothing listens on: taken from the system, then let go.
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => { resolve(typeof address === 'object' && address !== null ? address.port : 0); });
    });
  });
  const ran = onramp(['run', `--conf=${join(ROOT, 'rules', 'dhcp.rules')}`, '--input=/dev/null', `--sites=${join(ROOT, 'sites')}`, `--state=${join(dir, 'state')}`,
    '--store', `postgres://onramp@127.0.0.1:${String(port)}/onramp`, '--name', 'box1']);
  assert.equal(ran.code, 3, ran.stderr);
  assert.match(ran.stderr, /ECONNREFUSED/);
  const badUrl = onramp(['run', `--conf=${join(ROOT, 'rules', 'dhcp.rules')}`, '--input=/dev/null', `--sites=${join(ROOT, 'sites')}`, `--state=${join(dir, 'state')}`,
    '--store', 'postgres://onramp:secret@127.0.0.1/onramp']);
  assert.equal(badUrl.code, 2, 'a password in the URL is bad settings');
});

void test('a string with U+0000 from untrusted input (a DHCP line, a device) is recorded as U+FFFD, not refused for ever', async (t) => {
  const cluster = await startCluster(t);
  if (cluster === undefined) return;
  const url = await cluster.createDatabase('nul_strings');
  const store = await opened(t, cluster, url, 'box1');
  const timeline = store.timeline ?? assert.fail('a database store has a timeline');
  await timeline.record([{ time: Date.now(), event: 'dhcp.ack', level: 30, device: 'SW1', details: { via: 'eth\u00001' } }]);
  const [row] = await timeline.newest(10);
  assert.equal(row?.entry.details?.via, 'eth\uFFFD1');
  const status = new StatusBook(store.store);
  await status.record({ device: 'SW1', site: 'hq', ip: '10.77.0.9', lastEvent: 'device.check.failed', action: 'check', result: 'failed', message: 'bad\u0000reply', time: new Date().toISOString() });
  await status.flushed();
  const [recorded] = await readStatus(store.store);
  assert.equal(recorded?.message, 'bad\uFFFDreply');
});
