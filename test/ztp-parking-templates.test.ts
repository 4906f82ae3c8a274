import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Lab, type LabSwitch, type Personality } from '../src/lab/index.js';
import { Events } from '../src/log/index.js';
import { createOnboarder, readStatus, type Onboarder } from '../src/onboard/index.js';
import { StateStore } from '../src/state/index.js';
import { memoryLogger, tempDir, writeTree, type LogRecord } from './onboard-fakes.js';

// The shipped parking templates, each against its lab family: pushed through the planner and the guard rails,
// saved, and verified with the site login, the family read from the switch's own `show version`.
process.env.ONRAMP_PARK_SITE = 'park-site-pw';
process.env.ONRAMP_PARK_FACTORY = 'park-factory-pw';
process.env.ONRAMP_PARK_ENABLE = 'park-enable';

const ROOT = join(import.meta.dirname, '..');
/** An access port each template shuts, as the family's running config prints it. */
const shut: Record<Personality, RegExp> = {
  'fs-s5850': /^interface eth-0-1\n shutdown$/m,
  'fs-s3900': /^interface ethernet 1\/1\n shutdown$/m,
  'fs-s3900-r': /^interface GigaEthernet0\/1\n shutdown$/m,
  'cisco-ios': /^interface GigabitEthernet1\/0\/1\n shutdown$/m,
};
const personalities = Object.keys(shut) as Personality[];
const mac = (i: number): string => `02:18:00:00:00:0${String(i + 1)}`;

const lab: { current?: Lab } = {};
let onboarder: Onboarder;
let records: LogRecord[];
let state: StateStore;
let cleanup: () => Promise<void>;

before(async () => {
  const { dir, remove } = await tempDir('onramp-park-templates-');
  cleanup = remove;
  lab.current = await Lab.start({
    keyDir: join(dir, 'keys'),
    switches: personalities.map((personality, i) => ({
      hostname: `Switch-${String(i)}`, personality, mac: mac(i), username: 'admin', password: 'park-factory-pw', enableSecret: 'park-enable',
    })),
  });
  // Two models in the port map: a factory switch is spoken to with the generic profile until its family is known.
  await writeTree(dir, {
    'sites/hq/site.yaml': `name: hq
subnets: [127.77.0.0/24]
credentials: { username: admin, passwordEnv: ONRAMP_PARK_SITE, enableSecretEnv: ONRAMP_PARK_ENABLE }
factoryCredentials: { username: admin, passwordEnv: ONRAMP_PARK_FACTORY, enableSecretEnv: ONRAMP_PARK_ENABLE }
ssh: { port: ${String(lab.current.port)}, timeoutMs: 3000, retries: 0 }
portmap:
  - { mac: "02:18:00:00:00:99", hostname: ELSEWHERE1, model: fs-s3900 }
  - { mac: "02:18:00:00:00:98", hostname: ELSEWHERE2, model: fs-s5850 }
`,
  });
  const memory = memoryLogger();
  records = memory.records;
  state = new StateStore(join(dir, 'state'));
  onboarder = await createOnboarder({ sitesDir: join(dir, 'sites'), templatesDir: join(ROOT, 'templates'), state, logger: memory.logger });
});

after(async () => {
  await onboarder.close();
  await lab.current?.stop();
  await cleanup();
});

for (const [i, personality] of personalities.entries()) {
  void test(`templates/parking-${personality}.hbs parks a factory ${personality}`, async () => {
    const sw: LabSwitch | undefined = lab.current?.get(`Switch-${String(i)}`);
    assert.ok(sw !== undefined);
    onboarder.onboard(sw.address, mac(i), 'Switch');
    await onboarder.idle();
    const device = `Switch ${mac(i)}`;
    const refused = records.filter((record) => record.device !== undefined && record.level >= 50).map((record) => record.msg);
    const [parked] = records.filter((record) => record.event === Events.parked && record.device === device);
    assert.equal(parked?.result, 'parked', refused.join('\n'));
    assert.equal(sw.hostname(), `parked-${mac(i).replace(/:/g, '')}`);
    assert.match(sw.runningConfig(), shut[personality]);
    assert.equal(sw.saves(), 1);
    const entry = (await readStatus(state)).find((status) => status.device === device);
    assert.equal(entry?.facts?.family, personality);
  });
}
