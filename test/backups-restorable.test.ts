import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BackupKeyError, BackupStore, backupKeys, GitBackupStore, NotRestorableError, openBackup, parseBackupKey, restorableText, sealBackup, siteRemote,
  type VersionStore,
} from '../src/backups/index.js';
import { parseSite, SiteFileError, type Site } from '../src/inventory/index.js';
import { StateStore } from '../src/state/index.js';
import { siteProblemsOf } from './support/site-problems.js';

const T0 = Date.parse('2026-11-23T11:00:00Z');
const KEY_TEXT = randomBytes(32).toString('base64');
const KEY = parseBackupKey(KEY_TEXT, 'ONRAMP_BACKUP_KEY');
const SECRET = 'community-s3cret-42';
const UNMASKED = `hostname CORE1\nsnmp-server community ${SECRET} ro\nvlan 10\n`;
const MASKED = 'hostname CORE1\nsnmp-server community <secret hidden> ro\nvlan 10\n';

function scratch(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-restorable-'));
  t.after(() => { rmSync(dir, { recursive: true, force: true }); });
  return dir;
}

const SITE = `name: hq
subnets: [10.77.0.0/24]
credentials: { username: admin, passwordEnv: ONRAMP_HQ_PASSWORD }
backups: { restorable: true, keyEnv: ONRAMP_TEST_BACKUP_KEY, remote: "file:///srv/configs.git" }
devices:
  - { hostname: CORE1, model: fs-s5850, ip: 10.77.0.10 }
`;

function site(text = SITE, file = '/sites/hq/site.yaml'): Site {
  return parseSite(file, text);
}

void test('a backup key is 32 bytes as base64 or hex; anything else is refused with the format expected', () => {
  assert.equal(parseBackupKey(randomBytes(32).toString('hex'), 'K').bytes.length, 32);
  assert.equal(KEY.bytes.length, 32);
  assert.match(KEY.id, /^[0-9a-f]{16}$/);
  for (const bad of ['hunter2', randomBytes(16).toString('base64'), randomBytes(31).toString('hex'), '']) {
    assert.throws(() => parseBackupKey(bad, 'ONRAMP_BACKUP_KEY'), (err: unknown) => err instanceof BackupKeyError && /ONRAMP_BACKUP_KEY is not a backup key: expected 32 random bytes, base64/.test(err.message));
  }
});

void test('a sealed copy opens only with its key, for its device and its version, unchanged', () => {
  const owner = { host: 'CORE1', masked: MASKED };
  const sealed = sealBackup(UNMASKED, KEY, owner);
  assert.ok(!sealed.includes(SECRET) && !sealed.includes('hostname'), 'nothing of the config is readable in the sealed text');
  assert.equal(openBackup(sealed, KEY, owner), UNMASKED);
  assert.notEqual(sealBackup(UNMASKED, KEY, owner), sealed, 'a fresh IV each time');
  const other = parseBackupKey(randomBytes(32).toString('base64'), 'K');
  assert.throws(() => openBackup(sealed, other, owner), /sealed with another key \(id [0-9a-f]{16}; this key is [0-9a-f]{16}\)/);
  assert.throws(() => openBackup(sealed, KEY, { host: 'EDGE1', masked: MASKED }), /does not authenticate/);
  assert.throws(() => openBackup(sealed, KEY, { host: 'CORE1', masked: `${MASKED}vlan 20\n` }), /does not authenticate/);
  const envelope = JSON.parse(sealed) as { data: string };
  const flipped = Buffer.from(envelope.data, 'base64');
  flipped[0] = (flipped[0] ?? 0) ^ 1;
  assert.throws(() => openBackup(JSON.stringify({ ...envelope, data: flipped.toString('base64') }), KEY, owner), /does not authenticate/);
  assert.throws(() => openBackup('not json', KEY, owner), /damaged/);
});

async function exercise(store: VersionStore, sealedFile: (id: string) => string): Promise<void> {
  const owner = (masked: string) => ({ host: 'CORE1', masked });
  const first = await store.save('CORE1', MASKED, T0, { kind: 'manual' }, sealBackup(UNMASKED, KEY, owner(MASKED)));
  assert.ok(first !== undefined);
  assert.equal(statSync(sealedFile(first.id)).mode & 0o777, 0o600);
  assert.equal(openBackup(await store.readSealed('CORE1', first.id) ?? '', KEY, owner(MASKED)), UNMASKED);
  // Only the secret changed: no new version, and the latest one now restores the new secret.
  const rotated = UNMASKED.replace(SECRET, 'rotated-s3cret');
  assert.equal(await store.save('CORE1', MASKED, T0 + 1000, { kind: 'manual' }, sealBackup(rotated, KEY, owner(MASKED))), undefined);
  assert.equal(openBackup(await store.readSealed('CORE1', first.id) ?? '', KEY, owner(MASKED)), rotated);
  // A version saved without a copy is masked only.
  const masked2 = `${MASKED}vlan 20\n`;
  const second = await store.save('CORE1', masked2, T0 + 2000, { kind: 'manual' });
  assert.ok(second !== undefined);
  assert.equal(await store.readSealed('CORE1', second.id), undefined);
  assert.deepEqual([...await store.restorable('CORE1')], [first.id]);
  assert.equal(await store.readSealed('CORE1', 'deadbeef0000'), undefined);
}

void test('file store: the sealed copy is a 0600 file beside the version, listed as restorable, pruned with it', async (t) => {
  const dir = scratch(t);
  const store = new BackupStore(new StateStore(dir), 2);
  await exercise(store, (id) => join(dir, 'backups', 'CORE1', `${id}.sealed`));
  const [oldest] = await store.list('CORE1');
  await store.save('CORE1', `${MASKED}vlan 30\n`, T0 + 3000, { kind: 'manual' });
  assert.equal((await store.list('CORE1')).some((version) => version.id === oldest?.id), false);
  assert.deepEqual(readdirSync(join(dir, 'backups', 'CORE1')).filter((file) => file.endsWith('.sealed')), [], 'the pruned version took its copy along');
});

void test('git store: the sealed copy lives inside .git, never in a commit, a push or a clone', async (t) => {
  const root = scratch(t);
  const dir = join(root, 'repo');
  const store = new GitBackupStore(dir);
  await exercise(store, (id) => join(dir, '.git', 'onramp-restorable', 'CORE1', `${id}.sealed`));
  assert.equal(execFileSync('git', ['status', '--porcelain', '--ignored'], { cwd: dir, encoding: 'utf8' }), '');
  // Every object the repository holds, read back: no secret, no sealed copy.
  const objects = execFileSync('git', ['cat-file', '--batch-all-objects', '--batch'], { cwd: dir, encoding: 'utf8' });
  assert.ok(objects.includes('<secret hidden>'));
  for (const forbidden of [SECRET, 'rotated-s3cret', '"alg":"aes-256-gcm"']) assert.ok(!objects.includes(forbidden), forbidden);
  const clone = join(root, 'clone');
  execFileSync('git', ['clone', '--quiet', dir, clone]);
  assert.deepEqual([...await new GitBackupStore(clone).restorable('CORE1')], []);
});

void test('restorableText: the unmasked config of a version; a missing, masked-only or unopenable version is refused saying why', async (t) => {
  const store = new BackupStore(new StateStore(scratch(t)));
  const hq = site();
  const restorable = await store.save('CORE1', MASKED, T0, { kind: 'manual' }, sealBackup(UNMASKED, KEY, { host: 'CORE1', masked: MASKED }));
  const maskedOnly = await store.save('CORE1', `${MASKED}vlan 20\n`, T0 + 1000, { kind: 'manual' });
  process.env.ONRAMP_TEST_BACKUP_KEY = KEY_TEXT;
  t.after(() => { delete process.env.ONRAMP_TEST_BACKUP_KEY; });
  assert.equal(await restorableText(store, hq, 'CORE1', restorable?.id ?? ''), UNMASKED);
  await assert.rejects(restorableText(store, hq, 'CORE1', maskedOnly?.id ?? ''), (err: unknown) =>
    err instanceof NotRestorableError && /was kept masked only \(its site did not have backups\.restorable: true when it was saved\)/.test(err.message));
  await assert.rejects(restorableText(store, hq, 'CORE1', '20990101T000000Z'), /CORE1 has no version 20990101T000000Z \(onramp history CORE1 lists them\)/);
  process.env.ONRAMP_TEST_BACKUP_KEY = randomBytes(32).toString('base64');
  await assert.rejects(restorableText(store, hq, 'CORE1', restorable?.id ?? ''), /cannot be opened: the restorable copy was sealed with another key/);
  delete process.env.ONRAMP_TEST_BACKUP_KEY;
  await assert.rejects(restorableText(store, hq, 'CORE1', restorable?.id ?? ''), /ONRAMP_TEST_BACKUP_KEY is not set/);
});

void test('site files: backups is validated with its lines; a restorable site without its key stops start-up', () => {
  const hq = site();
  assert.deepEqual(hq.backups, { restorable: true, keyEnv: 'ONRAMP_TEST_BACKUP_KEY', remote: 'file:///srv/configs.git' });
  assert.deepEqual(site(SITE.replace(/^backups:.*\n/m, '')).backups, { restorable: false, keyEnv: 'ONRAMP_BACKUP_KEY' });
  const lines = siteProblemsOf(SITE.replace(/^backups:.*$/m, 'backups: { restorable: yes, keyEnv: "not a name", remote: "--upload-pack=x", keep: 3 }'));
  for (const pattern of [
    /site\.yaml:4: backups\.restorable: expected true or false/,
    /site\.yaml:4: backups\.keyEnv: "not a name" is not an environment variable name/,
    /site\.yaml:4: backups\.remote: not a git remote onramp pushes to/,
    /site\.yaml:4: backups\.keep: unknown key \(expected one of: restorable, keyEnv, remote\)/,
  ]) assert.ok(lines.some((line) => pattern.test(line)), `${String(pattern)} not in\n${lines.join('\n')}`);

  assert.throws(() => backupKeys([hq], {}), (err: unknown) => err instanceof SiteFileError
    && /^\/sites\/hq\/site\.yaml: backups\.restorable: backups\.restorable is on but ONRAMP_TEST_BACKUP_KEY is not set/.test(err.message));
  assert.throws(() => backupKeys([hq], { ONRAMP_TEST_BACKUP_KEY: 'hunter2' }), /ONRAMP_TEST_BACKUP_KEY is not a backup key/);
  assert.equal(backupKeys([hq], { ONRAMP_TEST_BACKUP_KEY: KEY_TEXT }).get('hq')?.id, KEY.id);
  assert.equal(backupKeys([site(SITE.replace('restorable: true', 'restorable: false'))], {}).size, 0, 'no key needed when nothing is restorable');
});

void test('site files: the sites name one remote for the git store, or none', () => {
  const hq = site();
  const branch = site(SITE.replace('name: hq', 'name: branch').replace('configs.git', 'other.git'), '/sites/branch/site.yaml');
  const quiet = site(SITE.replace('name: hq', 'name: lab').replace(/, remote: "[^"]*"/, ''), '/sites/lab/site.yaml');
  assert.equal(siteRemote([hq, quiet]), 'file:///srv/configs.git');
  assert.equal(siteRemote([quiet]), undefined);
  assert.throws(() => siteRemote([hq, branch, quiet]), (err: unknown) => err instanceof SiteFileError && err.problems.length === 2
    && /one repository pushed to one remote, and the sites name file:\/\/\/srv\/configs\.git and file:\/\/\/srv\/other\.git/.test(err.message));
});
