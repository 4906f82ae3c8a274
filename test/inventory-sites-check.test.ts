import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSites, Inventory, parseSite } from '../src/inventory/index.js';

// `onramp sites check` fails on what jobs would refuse or get wrong, not only on what does not parse.

function siteYaml(name: string, subnets: string, credentials: string, devices: string[]): string {
  return [`name: ${name}`, `subnets: ${subnets}`, `credentials: ${credentials}`, 'devices:', ...devices.map((d) => `  - ${d}`), ''].join('\n');
}

async function sitesDir(t: { after: (fn: () => Promise<void>) => void }, sites: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'onramp-sites-check-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'templates'));
  await writeFile(join(dir, 'templates', 'fs-s5850.hbs'), 'hostname {{hostname}}\nusername {{credentials.username}} privilege 4\n');
  for (const [name, text] of Object.entries(sites)) {
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, 'site.yaml'), text);
  }
  return dir;
}

const ENV = '{ username: admin, passwordEnv: ONRAMP_SITES_CHECK_UNSET }';
const FILE = '{ username: admin, passwordFile: hq.pass }';
const CORE = '{ hostname: FS-S5850-CORE1, model: fs-s5850, ip: 10.77.0.2 }';

void test('a passwordFile that jobs would refuse is an error; an unset environment variable only a warning', async (t) => {
  const dir = await sitesDir(t, { hq: siteYaml('hq', '[10.77.0.0/24]', FILE, [CORE]) });
  const secret = join(dir, 'hq', 'hq.pass');
  const errorsWith = async (): Promise<string[]> => (await checkSites(dir, join(dir, 'templates'))).errors;

  assert.deepEqual(await errorsWith(), [`${join(dir, 'hq', 'site.yaml')}: password: cannot read ${secret} (ENOENT) (credentials)`]);
  await mkdir(secret);
  assert.match((await errorsWith()).join('\n'), /hq\.pass is not a regular file \(credentials\)/);
  await rm(secret, { recursive: true });
  await writeFile(secret, 'sesame\n');
  for (const [mode, refused] of [[0o644, true], [0o640, true], [0o700, true], [0o600, false], [0o400, false]] as const) {
    await chmod(secret, mode);
    const errors = await errorsWith();
    if (refused) assert.match(errors.join('\n'), new RegExp(`has mode 0${mode.toString(8)}; it must be 0600 or 0400`), `mode ${mode.toString(8)}`);
    else assert.deepEqual(errors, [], `mode ${mode.toString(8)}`);
    assert.ok(!errors.join('\n').includes('sesame'), 'the secret is never shown');
  }
  await writeFile(secret, '');
  assert.match((await errorsWith()).join('\n'), /hq\.pass is empty/);

  const envDir = await sitesDir(t, { hq: siteYaml('hq', '[10.77.0.0/24]', ENV, [CORE]) });
  const report = await checkSites(envDir, join(envDir, 'templates'));
  assert.deepEqual(report.errors, []);
  assert.match(report.warnings.join('\n'), /ONRAMP_SITES_CHECK_UNSET is not set/);
});

void test('overlapping subnets, within a site or across two, are errors naming both lines', async (t) => {
  const dir = await sitesDir(t, {
    hq: siteYaml('hq', '\n  - 10.77.0.0/16\n  - 10.78.0.0/24\n  - 10.78.0.128/25', ENV, [CORE]),
    lab: siteYaml('lab', '[10.77.5.0/24]', ENV, ['{ hostname: FS-S5850-LAB1, model: fs-s5850, ip: 10.77.5.2 }']),
  });
  const hq = join(dir, 'hq', 'site.yaml');
  const lab = join(dir, 'lab', 'site.yaml');
  const { errors } = await checkSites(dir, join(dir, 'templates'));
  assert.deepEqual(errors, [
    `${hq}:5: subnets: 10.78.0.128/25 overlaps 10.78.0.0/24 of this site (${hq}:4)`,
    `${lab}:2: subnets: 10.77.5.0/24 overlaps 10.77.0.0/16 of site hq (${hq}:3)`,
  ]);
});

void test('two devices with one address, and a device outside its site\'s subnets, are errors', async (t) => {
  const dir = await sitesDir(t, {
    hq: siteYaml('hq', '[10.77.0.0/24]', ENV, [CORE, '{ hostname: FS-S5850-CORE2, model: fs-s5850, ip: 10.77.0.2 }', '{ hostname: FS-S5850-AWAY, model: fs-s5850, ip: 10.99.0.2 }']),
  });
  const hq = join(dir, 'hq', 'site.yaml');
  const { errors } = await checkSites(dir, join(dir, 'templates'));
  assert.deepEqual(errors, [
    `${hq}:6: FS-S5850-CORE2: ip 10.77.0.2 is also the address of FS-S5850-CORE1 (${hq}:5)`,
    `${hq}:7: FS-S5850-AWAY: ip 10.99.0.2 is in none of site hq's subnets (10.77.0.0/24)`,
  ]);
});

void test('a lease takes the site of the longest matching prefix, whatever the order of the sites', () => {
  const wide = parseSite('/sites/campus/site.yaml', siteYaml('campus', '[10.77.0.0/16]', ENV, []));
  const narrow = parseSite('/sites/lab/site.yaml', siteYaml('lab', '[10.77.5.0/24]', ENV, []));
  for (const sites of [[wide, narrow], [narrow, wide]]) {
    const inventory = new Inventory(sites, '/sites', '/templates');
    assert.equal(inventory.siteForIp('10.77.5.9')?.name, 'lab');
    assert.equal(inventory.siteForIp('10.77.6.9')?.name, 'campus');
    assert.equal(inventory.siteForIp('10.78.0.1'), undefined);
  }
});

void test('a restorable site: its key not set here is a warning, set but not a key an error', async (t) => {
  const text = `${siteYaml('hq', '[10.77.0.0/24]', ENV, [CORE])}backups: { restorable: true, keyEnv: ONRAMP_SITES_CHECK_BACKUP_KEY }\n`;
  const dir = await sitesDir(t, { hq: text });
  t.after(() => { delete process.env.ONRAMP_SITES_CHECK_BACKUP_KEY; });
  const unset = await checkSites(dir, join(dir, 'templates'));
  assert.deepEqual(unset.errors, []);
  assert.match(unset.warnings.join('\n'), /site\.yaml: backups\.restorable: backups\.restorable is on but ONRAMP_SITES_CHECK_BACKUP_KEY is not set/);
  process.env.ONRAMP_SITES_CHECK_BACKUP_KEY = 'not-a-key';
  assert.match((await checkSites(dir, join(dir, 'templates'))).errors.join('\n'), /ONRAMP_SITES_CHECK_BACKUP_KEY is not a backup key: expected 32 random bytes/);
  process.env.ONRAMP_SITES_CHECK_BACKUP_KEY = Buffer.alloc(32, 7).toString('base64');
  const good = await checkSites(dir, join(dir, 'templates'));
  assert.deepEqual([good.errors, good.warnings.filter((warning) => warning.includes('backups'))], [[], []]);
});

void test('parking: a family of the port map without a parking template is a warning; one that renders a config a push would refuse is an error', async (t) => {
  const portmap = (extra = ''): string => `name: hq
subnets: [10.77.0.0/24]
credentials: ${ENV}
factoryCredentials: ${ENV}
${extra}devices:
  - ${CORE}
portmap:
  - { mac: "02:20:00:00:00:01", hostname: ACC1, model: fs-s5850 }
`;
  const dir = await sitesDir(t, { hq: portmap() });
  const templates = join(dir, 'templates');
  let report = await checkSites(dir, templates);
  assert.deepEqual(report.errors, []);
  assert.ok(report.warnings.some((w) => w.includes(`no parking template ${join(templates, 'parking-fs-s5850.hbs')}: an unknown fs-s5850 switch would be reported, not parked`)), report.warnings.join('\n'));

  await writeFile(join(templates, 'parking-fs-s5850.hbs'), 'hostname {{hostname}}\n!\ninterface eth-0-1\n shutdown\n');
  report = await checkSites(dir, templates);
  assert.match(report.errors.join('\n'), /parking: .*parking-fs-s5850\.hbs renders a config with .*admin/);
  await writeFile(join(templates, 'parking-fs-s5850.hbs'), 'hostname {{hostname}}\nusername {{credentials.username}} privilege 4 password {{credentials.password}}\n{{quarantineVlan}}\n');
  report = await checkSites(dir, templates);
  assert.match(report.errors.join('\n'), /parking: .*parking-fs-s5850\.hbs:3: missing variables: quarantineVlan/);
  await writeFile(join(templates, 'parking-fs-s5850.hbs'), 'hostname {{hostname}}\nusername {{credentials.username}} privilege 4 password {{credentials.password}}\n');
  report = await checkSites(dir, templates);
  assert.deepEqual(report.errors, []);
  assert.ok(!report.warnings.some((w) => w.includes('parking')));

  // Named by the site, it must exist; a site that only reports unknown switches needs none.
  const named = await sitesDir(t, { hq: portmap('parking: { template: parking-hq.hbs }\n') });
  assert.match((await checkSites(named, join(named, 'templates'))).errors.join('\n'), /no parking template .*parking-hq\.hbs/);
  const reporting = await sitesDir(t, { hq: portmap('policy: { unknown: report }\n') });
  assert.ok(!(await checkSites(reporting, join(reporting, 'templates'))).warnings.some((w) => w.includes('parking')));
});
