import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startAppliance } from '../src/agent/appliance.js';
import { loadRules } from '../src/engine/index.js';
import { Lab, type LabSwitchSpec } from '../src/lab/index.js';
import { Events } from '../src/log/index.js';
import { memoryLogger, tempDir } from './onboard-fakes.js';
import { writeLabSite } from './support/lab-site.js';
import { parseExposition, type Exposition } from './support/prometheus-text.js';

const PASSWORD = 'metrics-lab-pw';
process.env.ONRAMP_HQ_PASSWORD = PASSWORD;
process.env.ONRAMP_FACTORY_PASSWORD = PASSWORD;
const ROOT = join(import.meta.dirname, '..');
const CORE1 = await readFile(join(ROOT, 'baselines/hq/FS-S5850-CORE1.cfg'), 'utf8');
const golden = (name: string): string => CORE1.replaceAll('FS-S5850-CORE1', name);
const FACTORY_MAC = 'be:b5:de:01:12:a9';
const MACS: Record<string, string> = { 'FS-S5850-OK': '00:aa:bb:00:09:01', 'FS-S5850-DRIFT': '00:aa:bb:00:09:02', 'FS-S5850-KEY': '00:aa:bb:00:09:03' };

async function until(what: string, scrape: () => Promise<Exposition>, holds: (text: Exposition) => boolean, timeoutMs = 20_000): Promise<Exposition> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await scrape();
    if (holds(text)) return text;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

void test('a running appliance: leases checked on the lab move the state gauges, and jobs, lines, rule matches and host-key refusals are counted', { timeout: 180_000 }, async (t) => {
  const { dir, remove } = await tempDir('onramp-metrics-lab-');
  t.after(remove);
  const lab = await Lab.start({
    switches: [
      ...Object.entries(MACS).map(([hostname, mac]): LabSwitchSpec => ({
        hostname, personality: 'fs-s5850', mac, username: 'admin', password: PASSWORD,
        runningConfig: hostname === 'FS-S5850-DRIFT' ? golden(hostname).replace('snmp-server location hq core room', 'snmp-server location elsewhere') : golden(hostname),
      })),
      { hostname: 'Switch', personality: 'fs-s3900', mac: FACTORY_MAC, username: 'admin', password: PASSWORD },
    ],
    keyDir: join(dir, 'keys'),
  });
  t.after(() => lab.stop());
  const sites = await writeLabSite(dir, lab, Object.fromEntries(Object.keys(MACS).map((name) => [name, golden(name)])), {
    factory: true,
    extra: `portmap:\n  - { mac: "${FACTORY_MAC}", hostname: FS-S3900-NEW, model: fs-s3900, vars: { mgmtIp: 10.77.0.29, uplinkPort: 1/25 } }\n`,
  });
  const input = join(dir, 'dhcpd.log');
  await writeFile(input, '');
  const rulesFile = join(ROOT, 'rules', 'dhcp.rules');
  const { logger, records } = memoryLogger();
  const appliance = await startAppliance({
    inputs: [input], inputMayAppear: false, follow: true, fromStart: false, intevents: false, intcontexts: false, jointBuffer: false, bufferSize: undefined,
    secShellCompat: false, sitesDir: sites, templatesDir: join(ROOT, 'templates'), stateDir: join(dir, 'state'),
    listenSyslog: [], keaLeases: undefined, backupsKeep: 5, concurrency: 2, dryRun: false, metrics: true,
  }, await loadRules([rulesFile]), logger);
  t.after(() => appliance.stop());
  const metrics = appliance.metrics;
  assert.ok(metrics !== undefined);
  const scrape = async (): Promise<Exposition> => parseExposition((await metrics.render()).body);

  let text = await scrape();
  for (const device of [...Object.keys(MACS), 'FS-S3900-NEW']) assert.equal(text.value('onramp_device_state', { site: 'hq', device, state: 'waiting' }), 1, device);
  assert.equal(text.value('onramp_device_state', { device: 'FS-S3900-NEW', profile: 'fs-s3900', state: 'waiting' }), 1, 'a port map entry, with its profile');
  assert.equal(text.value('onramp_jobs_queued'), 0);

  const before = Date.now() / 1000;
  const acks = Object.entries(MACS).map(([name, mac]) => `Dec  2 20:00:00 dhcpsrv dhcpd[812]: DHCPACK on ${lab.get(name).address} to ${mac} (${name}) via eth1\n`);
  await appendFile(input, `${acks.join('')}Dec  2 20:00:01 dhcpsrv dhcpd[812]: DHCPREQUEST for 10.0.0.9 from 00:11:22:33:44:55 via eth1\n`);
  text = await until('three checks to end', scrape, (now) => now.all('onramp_jobs_total', { kind: 'check' }).reduce((sum, sample) => sum + sample.value, 0) === 3);

  assert.equal(text.value('onramp_device_state', { device: 'FS-S5850-OK', profile: 'fs-s5850', state: 'ok' }), 1);
  assert.equal(text.value('onramp_device_state', { device: 'FS-S5850-DRIFT', state: 'drift' }), 1);
  assert.equal(text.all('onramp_device_state', { device: 'FS-S5850-DRIFT' }).length, 1, 'one state series a device');
  assert.equal(text.value('onramp_device_state', { device: 'FS-S3900-NEW', state: 'waiting' }), 1);
  const checkedAt = text.value('onramp_device_last_check_success_timestamp_seconds', { device: 'FS-S5850-DRIFT' });
  assert.ok(checkedAt >= Math.floor(before) && checkedAt <= Date.now() / 1000, `checked at ${String(checkedAt)}`);
  assert.equal(text.value('onramp_jobs_total', { kind: 'check', result: 'ok' }), 2);
  assert.equal(text.value('onramp_jobs_total', { kind: 'check', result: 'drift' }), 1);
  assert.equal(text.value('onramp_check_duration_seconds_count', { site: 'hq', result: 'ok' }), 2);
  assert.ok(text.value('onramp_check_duration_seconds_sum', { site: 'hq', result: 'drift' }) > 0);
  assert.equal(text.value('onramp_input_lines_total', { input }), 4);
  // dhcp.rules: the factory-switch rule (line 12) matched none of these leases, the known-switch rule all three.
  const matches = text.all('onramp_rule_matches_total', { file: rulesFile });
  assert.deepEqual(matches.map((sample) => sample.value), [0, 3], JSON.stringify(matches));
  assert.equal(text.value('onramp_jobs_running', { kind: 'check' }), 0);

  // The switch answers with another key: refused, counted, and the device is refused.
  const keyed = lab.get('FS-S5850-KEY');
  keyed.setFaults(['hostkey-changed']);
  await keyed.settled();
  const onboarder = appliance.onboarder;
  assert.ok(onboarder !== undefined);
  assert.equal(await onboarder.checkHost('FS-S5850-KEY'), 3);
  assert.ok(records.some((record) => record.event === Events.hostkeyChanged));
  text = await scrape();
  assert.equal(text.value('onramp_hostkey_refusals_total', { site: 'hq', device: 'FS-S5850-KEY' }), 1);
  assert.equal(text.value('onramp_device_state', { device: 'FS-S5850-KEY', state: 'refused' }), 1);
  assert.equal(text.value('onramp_jobs_total', { kind: 'check', result: 'failed' }), 1, 'a check from the CLI path is counted too');
  assert.ok(text.value('onramp_device_last_check_success_timestamp_seconds', { device: 'FS-S5850-KEY' }) >= Math.floor(before), 'the refusal does not hide the last check');

  // A factory switch on the port map's MAC: identified, provisioned, and it is that entry from then on.
  await appendFile(input, `Dec  2 20:01:00 dhcpsrv dhcpd[812]: DHCPACK on ${lab.get('Switch').address} to ${FACTORY_MAC} (Switch) via eth1\n`);
  text = await until('the provisioning to end', scrape, (now) => now.all('onramp_jobs_total', { kind: 'provision' }).length > 0, 60_000);
  assert.equal(text.value('onramp_jobs_total', { kind: 'provision', result: 'provisioned' }), 1, JSON.stringify(text.all('onramp_jobs_total')));
  assert.equal(text.value('onramp_provision_duration_seconds_count', { site: 'hq', result: 'provisioned' }), 1);
  assert.equal(text.value('onramp_device_state', { device: 'FS-S3900-NEW', profile: 'fs-s3900', state: 'provisioned' }), 1);
  assert.deepEqual(text.all('onramp_device_state', { device: `Switch ${FACTORY_MAC}` }), []);
  assert.equal(text.value('onramp_rule_matches_total', { file: rulesFile, line: '12' }), 1, 'the factory-switch rule');
});
