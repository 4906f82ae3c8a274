import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitBackupStore, restorableText } from '../src/backups/index.js';
import { normaliseConfig, parseConfigTree, sameConfig } from '../src/config/index.js';
import { DeviceSession, getProfile, HostKeyStore } from '../src/device/index.js';
import { loadSite } from '../src/inventory/index.js';
import { Lab } from '../src/lab/index.js';
import { silentLogger } from '../src/log/index.js';
import { StateStore } from '../src/state/index.js';
import { ROOT, scratch, waitFor, type Ran } from './agent-cli.js';
import { writeLabSite } from './support/lab-site.js';

// onramp restore on a lab switch over SSH, through the shipped binary: a version saved with its sealed
// unmasked copy is pushed back, and the switch's running config is then that version, secrets included.

const PASSWORD = 'Restore-Passw0rd';
const KEY = randomBytes(32).toString('base64');
const COMMUNITY = 'hq-ro-s3cret';
const CORE1 = readFileSync(join(ROOT, 'baselines/hq/FS-S5850-CORE1.cfg'), 'utf8');
const RUNNING = CORE1.replace('snmp-server location hq core room\n', `snmp-server location hq core room\nsnmp-server community ${COMMUNITY} ro\n`);
const PROFILE = getProfile('fs-s5850');

/** The binary, without blocking: the lab answers from this process. */
function onramp(args: string[], env: Record<string, string | undefined>): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'bin', 'onramp.js'), ...args], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env }, timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    child.once('error', reject);
    child.once('close', (code) => { resolve({ code, stdout, stderr }); });
  });
}

void test('onramp restore: a saved version goes back onto a lab switch, whose running config is then that version; masked-only versions and a missing key are refused', async (t) => {
  const dir = scratch(t);
  const lab = await Lab.start({
    switches: [{ hostname: 'FS-S5850-CORE1', personality: 'fs-s5850', mac: '00:aa:bb:00:07:01', username: 'admin', password: PASSWORD, runningConfig: RUNNING }],
    keyDir: join(dir, 'keys'),
  });
  t.after(() => lab.stop());
  const core1 = lab.get('FS-S5850-CORE1');
  const repo = join(dir, 'configs');
  const remote = join(dir, 'remote.git');
  execFileSync('git', ['init', '--quiet', '--bare', remote]);
  const backupsKey = (restorable: boolean): string => `backups: { restorable: ${String(restorable)}, remote: "file://${remote}" }\n`;
  const sites = await writeLabSite(dir, lab, { 'FS-S5850-CORE1': CORE1 }, { extra: backupsKey(false) });
  const siteFile = join(sites, 'hq', 'site.yaml');
  const common = ['--sites', sites, '--templates', join(ROOT, 'templates'), '--state', join(dir, 'state'), '--backups', `git:${repo}`];
  const env = { ONRAMP_HQ_PASSWORD: PASSWORD, ONRAMP_BACKUP_KEY: KEY };
  const store = new GitBackupStore(repo);

  const backup = async (): Promise<void> => {
    const ran = await onramp(['backup', 'FS-S5850-CORE1', ...common], env);
    assert.equal(ran.code, 0, ran.stderr);
  };
  const running = async (): Promise<string> => operator(core1.address, core1.port, dir, []);

  // Two versions while the site keeps masked backups only.
  await backup();
  await operator(core1.address, core1.port, dir, ['snmp-server location moved to the lab']);
  await backup();
  // Restorable from now on; without a key nothing starts.
  writeFileSync(siteFile, readFileSync(siteFile, 'utf8').replace(backupsKey(false), backupsKey(true)));
  const keyless = await onramp(['backup', 'FS-S5850-CORE1', ...common], { ...env, ONRAMP_BACKUP_KEY: '' });
  assert.equal(keyless.code, 2);
  assert.match(keyless.stderr, /site\.yaml: backups\.restorable: backups\.restorable is on but ONRAMP_BACKUP_KEY is not set/);
  // Unchanged: no new version, but the latest one now has its sealed copy.
  await backup();
  const [maskedOnly, wanted] = await store.list('FS-S5850-CORE1');
  assert.ok(maskedOnly !== undefined && wanted !== undefined);
  const wantedText = await running();
  // An operator changes the switch: the community goes, a port description changes, a VLAN comes.
  await operator(core1.address, core1.port, dir, [
    `no snmp-server community ${COMMUNITY}`, 'interface eth-0-12', 'description CHANGED', 'exit', 'vlan database', 'vlan 30 name guests', 'exit',
  ]);
  await backup();
  assert.doesNotMatch(await running(), new RegExp(COMMUNITY));

  const history = await onramp(['history', 'FS-S5850-CORE1', ...common], env);
  assert.equal(history.code, 0, history.stderr);
  const lines = history.stdout.trim().split('\n');
  assert.equal(lines.length, 3, history.stdout);
  assert.doesNotMatch(lines[0] ?? '', /\[restorable\]/);
  assert.match(lines[1] ?? '', new RegExp(`^${wanted.id} .*\\[restorable\\]$`));
  assert.match(lines[2] ?? '', /\[restorable\]$/);

  const refused = await onramp(['restore', 'FS-S5850-CORE1', '--version', maskedOnly.id, ...common], env);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, new RegExp(`version ${maskedOnly.id} of FS-S5850-CORE1 was kept masked only .* it is not restored`));

  const before = await running();
  const dry = await onramp(['restore', 'FS-S5850-CORE1', '--version', wanted.id, '--dry-run', ...common], env);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /^snmp-server community <secret hidden> ro$/m, 'the dry run shows the secret line masked');
  assert.match(dry.stdout, /^ ?description FS-S3900-ACC1$/m);
  assert.ok(!dry.stdout.includes(COMMUNITY) && !dry.stderr.includes(COMMUNITY));
  assert.equal(await running(), before, 'a dry run changes nothing');

  const restored = await onramp(['restore', 'FS-S5850-CORE1', '--version', wanted.id, ...common], env);
  assert.equal(restored.code, 0, restored.stderr);
  assert.match(restored.stdout, new RegExp(`restored version ${wanted.id} with \\d+ line\\(s\\), saved and verified`));
  assert.ok(!restored.stdout.includes(COMMUNITY) && !restored.stderr.includes(COMMUNITY), `no secret in what onramp prints:\n${restored.stdout}\n${restored.stderr}`);
  const after = await running();
  const tree = (text: string) => parseConfigTree(normaliseConfig(text, PROFILE), PROFILE.tree);
  process.env.ONRAMP_BACKUP_KEY = KEY;
  t.after(() => { delete process.env.ONRAMP_BACKUP_KEY; });
  const version = await restorableText(store, await loadSite(siteFile), 'FS-S5850-CORE1', wanted.id);
  assert.ok(sameConfig(tree(after), tree(version), PROFILE.tree), `running config after the restore:\n${after}`);
  assert.ok(sameConfig(tree(after), tree(wantedText), PROFILE.tree));
  assert.match(after, new RegExp(`^snmp-server community ${COMMUNITY} ro$`, 'm'), 'the secret is back in clear on the switch');

  // The config it replaced was saved first, and said so.
  const afterHistory = await store.list('FS-S5850-CORE1');
  assert.equal(afterHistory.length, 3, 'the state before the restore is the latest version already');
  const status = await onramp(['status', '--json', '--state', join(dir, 'state')], env);
  const record = (JSON.parse(status.stdout) as { device: string; action: string; result: string }[]).find((entry) => entry.device === 'FS-S5850-CORE1');
  assert.deepEqual({ action: record?.action, result: record?.result }, { action: 'restore', result: 'restored' });

  // Nothing of the secret in the repository, nor on the remote the site names, which has every version.
  const objects = (at: string): string => execFileSync('git', ['cat-file', '--batch-all-objects', '--batch'], { cwd: at, encoding: 'utf8' });
  assert.ok(objects(repo).includes('snmp-server community <secret hidden> ro'));
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
  await waitFor('the site\'s remote to have every version', () => {
    try {
      return execFileSync('git', ['rev-parse', 'refs/heads/main'], { cwd: remote, encoding: 'utf8', stdio: 'pipe' }).trim() === head;
    } catch {
      return false;
    }
  }, 20_000);
  for (const at of [repo, remote]) assert.ok(!objects(at).includes(COMMUNITY), at);
});

/** An operator's session: types `lines` in config mode (none: just looks), returns the running config after. */
async function operator(host: string, port: number, dir: string, lines: string[]): Promise<string> {
  const session = await DeviceSession.open(
    { host, port, username: 'admin', password: PASSWORD, profile: PROFILE, timeoutMs: 5000, retries: 0, hostKeyPolicy: 'off' },
    { hostKeys: new HostKeyStore(new StateStore(join(dir, 'operator'))), logger: silentLogger() },
  );
  try {
    if (lines.length > 0) await session.configure(lines);
    return await session.runningConfig();
  } finally {
    await session.close();
  }
}
