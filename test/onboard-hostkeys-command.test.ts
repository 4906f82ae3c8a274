import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fingerprint, HostKeyStore } from '../src/device/index.js';
import { hostkeysCommand } from '../src/onboard/hostkeys-command.js';
import { StateStore } from '../src/state/index.js';
import { tempDir, writeTree } from './onboard-fakes.js';

const SITE = `name: hq
subnets: [10.77.0.0/24]
credentials: { username: admin, passwordEnv: ONRAMP_UNUSED }
factoryCredentials: { username: admin, passwordEnv: ONRAMP_UNUSED }
devices:
  - { hostname: FS-S5850-CORE1, model: fs-s5850, ip: 10.77.0.2 }
portmap:
  - { mac: "be:b5:de:01:12:a1", hostname: FS-S3900-ACC2, model: fs-s3900 }
`;

void test('onramp hostkeys list / accept --fingerprint / forget', async (t) => {
  const { dir, remove } = await tempDir('onramp-hostkeys-cmd-');
  t.after(remove);
  await writeTree(dir, { 'sites/hq/site.yaml': SITE });
  const options = { sites: join(dir, 'sites'), templates: join(dir, 'templates'), state: join(dir, 'state') };
  const store = new HostKeyStore(new StateStore(options.state));
  await store.verify({ owner: { kind: 'device', name: 'FS-S5850-CORE1' }, host: '10.77.0.2', port: 22, key: Buffer.from('k1'), tofuOnMove: false });
  await store.verify({ owner: { kind: 'factory', mac: 'be:b5:de:01:12:a1' }, host: '10.77.0.162', port: 22, key: Buffer.from('k2'), tofuOnMove: false });
  let out = '';
  let err = '';
  const io = { out: (s: string) => { out += s; }, err: (s: string) => { err += s; } };

  assert.equal(await hostkeysCommand('list', undefined, options, io), 0);
  assert.match(out, /^factory be:b5:de:01:12:a1 {2}SHA256:\S+ {2}first-use \S+ {2}at 10\.77\.0\.162:22\nFS-S5850-CORE1 {2}SHA256:\S+ {2}first-use \S+ {2}at 10\.77\.0\.2:22\n$/);

  const wanted = fingerprint(Buffer.from('the new key'));
  assert.equal(await hostkeysCommand('accept', 'fs-s5850-core1', { ...options, fingerprint: wanted }, io), 0);
  assert.match(out, /FS-S5850-CORE1: pinned SHA256:\S+; a switch showing any other key is refused\n$/);
  assert.equal(await store.pinned({ kind: 'device', name: 'FS-S5850-CORE1' }), wanted);
  assert.equal(await hostkeysCommand('accept', 'FS-S3900-ACC2', { ...options, fingerprint: wanted }, io), 0, 'a port map entry may be pinned before it exists');
  assert.equal(await hostkeysCommand('accept', 'BE-B5-DE-01-12-A1', { ...options, fingerprint: wanted }, io), 0, 'a factory MAC');

  assert.equal(await hostkeysCommand('accept', 'FS-S5850-CORE1', options, io), 2);
  assert.match(err, /--fingerprint SHA256:… is required/);
  assert.equal(await hostkeysCommand('accept', 'FS-S5850-CORE1', { ...options, fingerprint: 'MD5:aa:bb' }, io), 2);
  assert.equal(await hostkeysCommand('accept', 'CORE1', { ...options, fingerprint: wanted }, io), 2);
  assert.match(err, /CORE1 is not a device or port map entry of any site/);
  assert.equal(await hostkeysCommand('accept', '../etc/passwd', { ...options, fingerprint: wanted }, io), 2);
  assert.equal(await hostkeysCommand('accept', 'FS-S5850-CORE1', { ...options, sites: join(dir, 'nowhere'), fingerprint: wanted }, io), 2);

  assert.equal(await hostkeysCommand('forget', 'FS-S5850-CORE1', options, io), 0);
  assert.equal(await store.pinned({ kind: 'device', name: 'FS-S5850-CORE1' }), undefined);
  assert.equal(await hostkeysCommand('forget', 'FS-S5850-CORE1', options, io), 2);
  assert.match(err, /no pinned key for FS-S5850-CORE1/);
  assert.equal(await hostkeysCommand('forget', 'be:b5:de:01:12:a1', options, io), 0);
  assert.equal(await hostkeysCommand('forget', '$(id)', options, io), 2);
  assert.equal(await hostkeysCommand('rotate', 'h', options, io), 2);
  assert.match(err, /unknown action "rotate"/);
});
