import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startAppliance, type Appliance } from '../src/agent/appliance.js';
import { loadRules } from '../src/engine/index.js';
import { SiteFileError } from '../src/inventory/index.js';
import { Lab, type LabSwitchSpec } from '../src/lab/index.js';
import { Events } from '../src/log/index.js';
import { createOnboarder, readStatus, type Onboarder } from '../src/onboard/index.js';
import { StateStore } from '../src/state/index.js';
import { onrampAsync } from './agent-cli.js';
import { memoryLogger, tempDir, writeTree, type LogRecord } from './onboard-fakes.js';

// Over real SSH: plans the guard rails refuse send nothing, and a broken baseline never gets as far as a plan.
const PASSWORD = 'guard-rails-pw';
process.env.ONRAMP_GUARD_PASSWORD = PASSWORD;
const ROOT = join(import.meta.dirname, '..');
const GOLDEN = await readFile(join(ROOT, 'baselines/hq/FS-S5850-CORE1.cfg'), 'utf8');

/** The golden config of `hostname`, its management interface carrying the address onramp reaches it at. */
function golden(hostname: string, address: string): string {
  return GOLDEN.replaceAll('FS-S5850-CORE1', hostname).replace('ip address 10.77.0.10 255.255.255.0', `ip address ${address} 255.255.255.0`);
}

/** What the broken baseline rendered to: no hostname, no login user, no management interface. */
const BROKEN_TEMPLATE = 'version 7.2.2\n!\nsnmp-server location {{location}}\n!\nline vty 0 7\n privilege level 4\n!\nend\n';

/** A known switch whose golden config is its template: the SNMP contact is an optional section. */
const TEMPLATE = `hostname {{hostname}}
!
username {{credentials.username}} privilege 4 password {{credentials.password}}
!
snmp-server location {{location}}
{{#if snmp}}
snmp-server contact {{snmp.contact}}
{{/if}}
!
interface vlan77
 ip address {{mgmtIp}} 255.255.255.0
!
line vty 0 7
 privilege level 4
!
end
`;

/** The template as rendered for GR-TPL without `snmp`: the optional section left out. */
function rendered(address: string): string {
  return TEMPLATE.replace('{{hostname}}', 'GR-TPL').replace('{{credentials.username}}', 'admin').replace('{{credentials.password}}', PASSWORD)
    .replace('{{location}}', 'guard').replace('{{mgmtIp}}', address).replace(/\{\{#if snmp\}\}\n.*\n\{\{\/if\}\}\n/, '');
}

const TPL_ADDRESS = '127.77.13.4';

const switches: LabSwitchSpec[] = ['GR-BROKEN', 'GR-MOVED', 'GR-HUP'].map((hostname, index) => {
  const address = `127.77.13.${String(index + 1)}`;
  return { hostname, address, personality: 'fs-s5850', mac: `00:aa:bb:00:0a:0${String(index)}`, username: 'admin', password: PASSWORD, runningConfig: golden(hostname, address) };
});
switches.push({ hostname: 'GR-TPL', address: TPL_ADDRESS, personality: 'fs-s5850', mac: '00:aa:bb:00:0a:09', username: 'admin', password: PASSWORD, runningConfig: rendered(TPL_ADDRESS) });

let lab: Lab;
let dir: string;
let cleanup: () => Promise<void>;
let onboarder: Onboarder;
let records: LogRecord[];
let state: StateStore;

function siteYaml(): string {
  const device = (name: string, extra: string): string =>
    `  - { hostname: ${name}, model: fs-s5850, ip: ${lab.get(name).address}${extra} }\n`;
  return `name: guard
subnets: [127.77.0.0/16]
credentials: { username: admin, passwordEnv: ONRAMP_GUARD_PASSWORD }
ssh: { port: ${String(lab.port)}, timeoutMs: 5000, retries: 0, hostKeys: off }
policy: { onDrift: report }
vars: { location: guard }
devices:
${device('GR-BROKEN', ', intended: template')}${device('GR-MOVED', ', baseline: GR-MOVED.cfg')}${device('GR-HUP', ', baseline: GR-HUP.cfg')}\
  - { hostname: GR-TPL, model: fs-s5850-tpl, profile: fs-s5850, ip: ${TPL_ADDRESS}, intended: template, vars: { mgmtIp: ${TPL_ADDRESS} } }
`;
}

before(async () => {
  ({ dir, remove: cleanup } = await tempDir('onramp-guard-'));
  lab = await Lab.start({ switches, keyDir: join(dir, 'keys') });
  await writeTree(dir, {
    'sites/guard/site.yaml': siteYaml(),
    // The management address moves to another subnet: a real migration, refused unless the site allows it.
    'sites/guard/GR-MOVED.cfg': golden('GR-MOVED', '10.99.0.5'),
    'sites/guard/GR-HUP.cfg': golden('GR-HUP', lab.get('GR-HUP').address),
    'templates/fs-s5850.hbs': BROKEN_TEMPLATE,
    'templates/fs-s5850-tpl.hbs': TEMPLATE,
  });
  const memory = memoryLogger();
  records = memory.records;
  state = new StateStore(join(dir, 'state'));
  onboarder = await createOnboarder({ sitesDir: join(dir, 'sites'), templatesDir: join(dir, 'templates'), state, logger: memory.logger });
});

after(async () => {
  await onboarder.close();
  await lab.stop();
  await cleanup();
});

function refusedOf(device: string): LogRecord | undefined {
  return records.filter((record) => record.event === Events.planRefused && record.device === device).at(-1);
}

/** Only the commands of a check were received: no config mode, no save. */
function onlyChecked(log: readonly string[]): boolean {
  return log.every((command) => /^(?:terminal length 0|show .*|exit|enable)?$/.test(command));
}

void test('the issue\'s broken config (no hostname, no username admin, no interface vlan77) is refused over SSH: nothing sent, exit 3, status says why', async () => {
  const sw = lab.get('GR-BROKEN');
  const before = sw.runningConfig();
  assert.equal(await onboarder.checkHost('GR-BROKEN', { remediate: true }), 3);
  const refused = refusedOf('GR-BROKEN');
  assert.ok(refused !== undefined, 'device.plan.refused is logged');
  assert.deepEqual([...(refused.classes as string[])].sort(), ['change-ratio', 'hostname', 'invalid-intended', 'login-user', 'mgmt-interface']);
  assert.equal(refused.sent, 0);
  assert.ok(!JSON.stringify(refused).includes('$1$hqcore$'), 'the password hash of the removed user is masked');
  assert.ok(onlyChecked(sw.commandLog()), `commands received: ${sw.commandLog().join(' | ')}`);
  assert.equal(sw.saves(), 0);
  assert.equal(sw.runningConfig(), before);
  const [status] = (await readStatus(state)).filter((entry) => entry.device === 'GR-BROKEN');
  assert.equal(status?.lastEvent, Events.planRefused);
  assert.equal(status.plan?.outcome, 'refused');
  assert.match(status.message ?? '', /^plan refused: .*login-user: removes or changes user admin/);
  assert.deepEqual(status.features, [{ name: 'config', compliant: false }]);
});

void test('onramp status shows the refused plan and the features that do not comply', async () => {
  await onboarder.status.flushed();
  const ran = await onrampAsync(['status', '--state', join(dir, 'state')]);
  assert.equal(ran.code, 0, ran.stderr);
  const line = ran.stdout.split('\n').find((text) => text.startsWith('GR-BROKEN '));
  assert.match(line ?? '', /device\.plan\.refused .*not compliant: config {2}plan refused: /, ran.stdout);
});

void test('intended: template: the rendered template is a known switch\'s golden config, {{#if}} sections included', async () => {
  const sw = lab.get('GR-TPL');
  assert.equal(await onboarder.checkHost('GR-TPL'), 0, 'without snmp the optional section renders to nothing: Configuration OK');
  const site = join(dir, 'sites/guard/site.yaml');
  await writeFile(site, siteYaml().replace('vars: { mgmtIp: ', 'vars: { snmp: { contact: noc@example.net }, mgmtIp: '));
  const withContact = await createOnboarder({ sitesDir: join(dir, 'sites'), templatesDir: join(dir, 'templates'), state, logger: memoryLogger().logger });
  try {
    assert.equal(await withContact.checkHost('GR-TPL'), 1, 'the contact the template now renders is drift');
    assert.equal(await withContact.checkHost('GR-TPL', { remediate: true }), 0);
  } finally {
    await withContact.close();
    await writeFile(site, siteYaml());
  }
  assert.match(sw.runningConfig(), /^snmp-server location guard\nsnmp-server contact noc@example\.net$/m);
  assert.deepEqual(sw.commandLog().filter((command) => command.startsWith('snmp-server')), ['snmp-server contact noc@example.net']);
});

void test('a dry run shows the plan and says the push would be refused', async () => {
  const { exitCode, lines } = await onboarder.planHost('GR-MOVED');
  assert.equal(exitCode, 1);
  assert.ok(lines.includes('ip address 10.99.0.5 255.255.255.0'), lines.join('\n'));
  const refused = refusedOf('GR-MOVED');
  assert.equal(refused?.dryRun, true);
  assert.deepEqual(refused.classes, ['mgmt-address']);
  assert.ok(onlyChecked(lab.get('GR-MOVED').commandLog()));
});

void test('moving the management address is refused (mgmt-address), and sent once the site allows it', async () => {
  const sw = lab.get('GR-MOVED');
  assert.equal(await onboarder.checkHost('GR-MOVED', { remediate: true }), 3);
  assert.deepEqual(refusedOf('GR-MOVED')?.classes, ['mgmt-address']);
  assert.ok(onlyChecked(sw.commandLog()));

  const site = join(dir, 'sites/guard/site.yaml');
  await writeFile(site, siteYaml().replace('policy: { onDrift: report }', 'policy: { onDrift: report, allow: [mgmt-address] }'));
  const allowing = await createOnboarder({ sitesDir: join(dir, 'sites'), templatesDir: join(dir, 'templates'), state, logger: memoryLogger().logger });
  try {
    assert.equal(await allowing.checkHost('GR-MOVED', { remediate: true }), 0);
  } finally {
    await allowing.close();
    await writeFile(site, siteYaml());
  }
  assert.match(sw.runningConfig(), /^ ip address 10\.99\.0\.5 255\.255\.255\.0$/m);
  assert.equal(sw.saves(), 1);
});

void test('a reload with a broken baseline is refused with its file:line, and checks go on with the baseline validated before', async () => {
  const logger = memoryLogger().logger;
  const rulesFile = join(dir, 'check.rules');
  await writeFile(rulesFile, 'type=Single\nptype=RegExp\npattern=^check (\\S+)\ndesc=check $1\naction=check $1\n');
  const rules = await loadRules([rulesFile]);
  const appliance: Appliance = await startAppliance({
    inputs: [], inputMayAppear: false, follow: false, fromStart: true, intevents: false, intcontexts: false, jointBuffer: false, bufferSize: undefined,
    secShellCompat: false, sitesDir: join(dir, 'sites'), templatesDir: join(dir, 'templates'), stateDir: join(dir, 'state-hup'),
    listenSyslog: [], keaLeases: undefined, backupsKeep: 5, concurrency: 1, dryRun: false,
  }, rules, logger);
  try {
    const running = appliance.onboarder;
    assert.ok(running !== undefined);
    const baseline = join(dir, 'sites/guard/GR-HUP.cfg');
    await writeFile(baseline, golden('GR-HUP', lab.get('GR-HUP').address).replace('hostname GR-HUP', 'hostname GR-OTHER'));
    await assert.rejects(appliance.reload(rules), (err: unknown) => {
      assert.ok(err instanceof SiteFileError);
      assert.equal(err.message, `${baseline}:3: baseline of GR-HUP: hostname GR-OTHER, but the device is GR-HUP`);
      return true;
    });
    assert.equal(appliance.onboarder, running, 'the running onboarder stays');
    assert.equal(await running.checkHost('GR-HUP'), 0, 'compared with the baseline validated at start-up, not the broken file');
  } finally {
    await appliance.stop();
  }
});
