import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseConfigTree, sameConfig, type ConfigNode } from '../src/config/index.js';
import { getProfile } from '../src/device/index.js';
import { applyConfigCommands, Lab, type LabSwitchSpec } from '../src/lab/index.js';
import { Events } from '../src/log/index.js';
import { BackupStore, createOnboarder, type Onboarder } from '../src/onboard/index.js';
import { StateStore } from '../src/state/index.js';
import { CORPUS_DIR } from './support/config-corpus.js';
import { memoryLogger, tempDir, writeTree, type LogRecord } from './onboard-fakes.js';
import { onramp } from './agent-cli.js';

// Remediation over real SSH on lab switches playing a real IOS config with BGP address families:
// a change three levels deep, a line the switch rejects in the middle of a plan, and a plan the
// guard rails refuse.
const PASSWORD = 'e2e-lab-pw';
const ENABLE = 'e2e-enable';
process.env.ONRAMP_E2E_PASSWORD = PASSWORD;
process.env.ONRAMP_E2E_ENABLE = ENABLE;

const ROOT = join(import.meta.dirname, '..');
const SOURCE = await readFile(join(CORPUS_DIR, 'cisco-ios/router-bgp-dual-stack.cfg'), 'utf8');
const PROFILE = getProfile('cisco-ios');
const NETWORK = 'network 10.99.1.0 mask 255.255.255.0';
const REJECTED = 'description lab-rejected';
const DEFAULT_ROUTE = 'ip route 0.0.0.0 0.0.0.0 10.90.90.1';

/** The corpus config as one lab router runs it: its own name, the login user, a default route. */
function runningOf(hostname: string): string {
  return SOURCE.replace('hostname AS65503', `hostname ${hostname}\n!\nusername admin privilege 15 secret 0 ${PASSWORD}`)
    .replace('ipv6 router rip proc1', `${DEFAULT_ROUTE}\n!\nipv6 router rip proc1`);
}

const THREE_DEEP = 'R-BGP-AF';
const REJECTING = 'R-REJECT';
const REFUSED = 'R-REFUSED';

/** Each router's baseline: what the remediation is to make of its running config. */
const BASELINES: Record<string, string> = {
  [THREE_DEEP]: runningOf(THREE_DEEP).replace(' address-family ipv4\n', ` address-family ipv4\n  ${NETWORK}\n`),
  // An ACL typed first, the rejected description in the middle, the BGP network after it.
  [REJECTING]: runningOf(REJECTING)
    .replace(' description VLAN7', ` ${REJECTED}`)
    .replace(' address-family ipv4\n', ` address-family ipv4\n  ${NETWORK}\n`)
    .replace('ipv6 router rip proc1', 'ip access-list extended ACL-E2E\n permit tcp any any eq 22\n!\nipv6 router rip proc1'),
  // Dropping the default route would cut onramp off from the router.
  [REFUSED]: runningOf(REFUSED).replace(`${DEFAULT_ROUTE}\n`, '').replace(' description VLAN7', ' description uplink-7'),
};

const switches: LabSwitchSpec[] = [THREE_DEEP, REJECTING, REFUSED].map((hostname, index) => ({
  hostname,
  personality: 'cisco-ios',
  mac: `00:e2:e0:00:00:0${String(index + 1)}`,
  username: 'admin',
  password: PASSWORD,
  enableSecret: ENABLE,
  address: `127.77.9.${String(index + 1)}`,
  runningConfig: runningOf(hostname),
  ...(hostname === REJECTING ? { faults: ['reject-config' as const], rejectPattern: `^${REJECTED}$` } : {}),
}));

let lab: Lab;
let onboarder: Onboarder;
let records: LogRecord[];
let cleanup: () => Promise<void>;
let stateDir: string;

before(async () => {
  const { dir, remove } = await tempDir('onramp-remediate-e2e-');
  cleanup = remove;
  lab = await Lab.start({ switches, keyDir: join(dir, 'keys') });
  const devices = switches.map((sw) =>
    `  - { hostname: ${sw.hostname}, model: cisco-ios, profile: cisco-ios, ip: ${lab.get(sw.hostname).address}, baseline: ${sw.hostname}.cfg }\n`);
  const files: Record<string, string> = {
    'sites/e2e/site.yaml': `name: e2e
subnets: [127.77.9.0/24]
credentials: { username: admin, passwordEnv: ONRAMP_E2E_PASSWORD, enableSecretEnv: ONRAMP_E2E_ENABLE }
ssh: { port: ${String(lab.port)}, timeoutMs: 5000, retries: 0, hostKeys: pin }
policy: { onDrift: remediate, recheckAfter: 1h, onFailure: rollback }
devices:
${devices.join('')}`,
  };
  for (const [hostname, baseline] of Object.entries(BASELINES)) files[`sites/e2e/${hostname}.cfg`] = baseline;
  await writeTree(dir, files);
  const memory = memoryLogger();
  records = memory.records;
  stateDir = join(dir, 'state');
  onboarder = await createOnboarder({
    sitesDir: join(dir, 'sites'), templatesDir: join(ROOT, 'templates'), state: new StateStore(stateDir), logger: memory.logger,
  });
});

after(async () => {
  await onboarder.close();
  await lab.stop();
  await cleanup();
});

function last(event: string, device: string): LogRecord {
  const record = records.filter((r) => r.event === event && r.device === device).at(-1);
  assert.ok(record !== undefined, `no ${event} for ${device}`);
  return record;
}

function treeOf(text: string): ConfigNode[] {
  return parseConfigTree(text, PROFILE.tree);
}

function childrenAt(nodes: readonly ConfigNode[], path: readonly string[]): string[] {
  const [first, ...rest] = path;
  if (first === undefined) return nodes.map((node) => node.text);
  const node = nodes.find((n) => n.text === first);
  return node === undefined ? [] : childrenAt(node.children, rest);
}

void test('a change three levels deep (router bgp > address-family ipv4 > network) is remediated, saved and verified', async () => {
  assert.equal(await onboarder.checkHost(THREE_DEEP, { remediate: true }), 0);
  assert.equal(last(Events.provisionDone, THREE_DEEP).result, 'remediated');
  const sw = lab.get(THREE_DEEP);
  assert.ok(childrenAt(treeOf(sw.runningConfig()), ['router bgp 65503', 'address-family ipv4']).includes(NETWORK), sw.runningConfig());
  assert.equal(sw.saves(), 1);
  assert.ok(sameConfig(treeOf(sw.startupConfig()), treeOf(BASELINES[THREE_DEEP] ?? ''), PROFILE.tree), 'the saved config is the baseline');
});

void test('the rollback of that remediation is kept beside its pre-push backup; history shows it, and typed back it gives the router its config from before', async () => {
  const backups = new BackupStore(new StateStore(stateDir));
  const prePush = (await backups.list(THREE_DEEP)).at(-1);
  assert.ok(prePush !== undefined, 'the running config was backed up before the push');
  assert.equal(last(Events.backupSaved, THREE_DEEP).rollbackBeside, prePush.id);
  const rollback = await backups.readRollback(THREE_DEEP, prePush.id);
  assert.ok(rollback !== undefined && rollback.includes(`no ${NETWORK}`), JSON.stringify(rollback));

  const listed = onramp(['history', THREE_DEEP, `--state=${stateDir}`]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, new RegExp(`^${prePush.id} .*\\(rollback kept\\)$`, 'm'));
  const printed = onramp(['history', THREE_DEEP, '--rollback', prePush.id, `--state=${stateDir}`]);
  assert.equal(printed.code, 0, printed.stderr);
  assert.deepEqual(printed.stdout.trimEnd().split('\n'), rollback);
  const none = onramp(['history', THREE_DEEP, '--rollback', '20000101T000000Z', `--state=${stateDir}`]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no rollback kept beside version "20000101T000000Z" of R-BGP-AF/);

  // An operator types the printed lines in config mode: the router is as it was before the push.
  const sw = lab.get(THREE_DEEP);
  const undone = applyConfigCommands(sw.runningConfig(), rollback, 'cisco-ios');
  assert.equal(undone.rejected, undefined);
  assert.ok(sameConfig(treeOf(undone.config), treeOf(runningOf(THREE_DEEP)), PROFILE.tree), undone.config);
});

void test('a line rejected in the middle of the plan: what was typed before it is rolled back, nothing is saved, both are reported', async () => {
  const sw = lab.get(REJECTING);
  const before = sw.runningConfig();
  assert.equal(await onboarder.checkHost(REJECTING, { remediate: true }), 3);
  const failed = last(Events.provisionFailed, REJECTING);
  assert.equal(failed.command, REJECTED);
  assert.match(failed.msg, /roll(?:ed)? ?back/i);
  assert.equal(sw.saves(), 0);
  assert.ok(!sw.commandLog().some((line) => /^(?:write|copy running-config)/.test(line)), 'no save was sent');
  const typed = sw.commandLog();
  assert.ok(typed.indexOf('ip access-list extended ACL-E2E') < typed.indexOf(REJECTED), 'the ACL was typed before the rejected line');
  assert.ok(sameConfig(treeOf(sw.runningConfig()), treeOf(before), PROFILE.tree), `not rolled back:\n${sw.runningConfig()}`);
});

void test('a plan the guard rails refuse (it drops the default route) sends nothing to the router', async () => {
  const sw = lab.get(REFUSED);
  const before = sw.runningConfig();
  assert.notEqual(await onboarder.checkHost(REFUSED, { remediate: true }), 0);
  const refused = last('device.plan.refused', REFUSED);
  assert.match(JSON.stringify(refused), /default-route/);
  assert.ok(!sw.commandLog().includes('configure terminal'), 'config mode was entered');
  assert.equal(sw.saves(), 0);
  // Compared as trees: `ntp clock-period` is volatile and moves with the clock between the two reads.
  assert.ok(sameConfig(treeOf(sw.runningConfig()), treeOf(before), PROFILE.tree), `changed:\n${sw.runningConfig()}`);
});
