import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSite, type PortmapEntry } from '../src/inventory/index.js';
import { exportPortmap, importPortmap } from '../src/portmap/index.js';
import { onramp, ROOT } from './agent-cli.js';

const TEMPLATES = join(ROOT, 'templates');

interface Sites {
  dir: string;
  siteFile: string;
  csv: string;
}

/** A copy of the example sites (comments and all) in a scratch folder. */
async function sites(t: TestContext): Promise<Sites> {
  const dir = await mkdtemp(join(tmpdir(), 'onramp-portmap-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await cp(join(ROOT, 'baselines'), join(dir, 'sites'), { recursive: true });
  return { dir: join(dir, 'sites'), siteFile: join(dir, 'sites', 'hq', 'site.yaml'), csv: join(dir, 'portmap.csv') };
}

async function importCsv(at: Sites, csv: string, dryRun = false): ReturnType<typeof importPortmap> {
  await writeFile(at.csv, csv);
  return importPortmap({ sitesDir: at.dir, templatesDir: TEMPLATES, site: 'hq', csvFile: at.csv, dryRun });
}

function withoutSource(entries: readonly PortmapEntry[]): Omit<PortmapEntry, 'source'>[] {
  return entries.map((entry) => {
    const rest: Partial<PortmapEntry> = { ...entry };
    delete rest.source;
    return rest as Omit<PortmapEntry, 'source'>;
  });
}

/** The site file with its portmap: block cut out, to check that nothing else moved. */
function outsidePortmap(text: string): string {
  return text.replace(/^portmap:\n(?:(?: {2}| *#|\s*$).*\n?)*/m, '');
}

void test('export then import gives back the same port map, and the rest of the site file byte for byte', async (t) => {
  const at = await sites(t);
  const before = await readFile(at.siteFile, 'utf8');
  const exported = await exportPortmap(at.dir, 'hq');
  assert.equal(exported.split('\n')[0], 'uplink device,uplink port,mac,serial,circuit id,remote id,hostname,model,profile,vars');
  assert.match(exported, /^FS-S5850-CORE1,eth-0-12,,,,,FS-S3900-ACC1,fs-s3900,,mgmtIp=10\.77\.0\.21;uplinkPort=1\/25$/m);
  const result = await importCsv(at, exported);
  assert.deepEqual(result.problems, []);
  assert.equal(result.written, true);
  assert.equal(result.entries, 3);
  const after = await readFile(at.siteFile, 'utf8');
  assert.equal(outsidePortmap(after), outsidePortmap(before));
  assert.match(after, /^# How a factory "Switch" gets its identity/m, 'the comment above the port map is kept');
  const original = await loadSite(join(ROOT, 'baselines', 'hq', 'site.yaml'));
  assert.deepEqual(withoutSource((await loadSite(at.siteFile)).portmap), withoutSource(original.portmap));
  assert.equal(await exportPortmap(at.dir, 'hq'), exported, 'a second export is the first');
});

void test('quoted commas, CRLF, a BOM, headers in any order and case, JSON vars and a serial are read as written', async (t) => {
  const at = await sites(t);
  const csv = '\uFEFFHostname,Model,Port,Uplink_Device,Circuit ID,MAC,Serial,vars\r\n'
    + 'FS-S3900-ACC7,fs-s3900,eth-0-7,FS-S5850-CORE1,,,,"mgmtIp=10.77.0.27;uplinkPort=1/25;location=Rack 4, row 2"\r\n'
    + 'FS-S3900-ACC8,fs-s3900,,,"eth-0-8",00AA.BB00.0008,SN-0008,"{""mgmtIp"": ""10.77.0.28"", ""uplinkPort"": ""1/25"", ""mgmtVlan"": 77}"\r\n'
    + 'FS-S3900-ACC9,fs-s3900,,,,,FSN1234X,mgmtIp=10.77.0.29;uplinkPort=1/25\r\n';
  const result = await importCsv(at, csv);
  assert.deepEqual(result.problems, []);
  const site = await loadSite(at.siteFile);
  assert.deepEqual(withoutSource(site.portmap), [
    { uplink: { device: 'FS-S5850-CORE1', port: 'eth-0-7' }, hostname: 'FS-S3900-ACC7', model: 'fs-s3900', profile: 'fs-s3900',
      vars: { mgmtIp: '10.77.0.27', uplinkPort: '1/25', location: 'Rack 4, row 2' } },
    { mac: '00:aa:bb:00:00:08', serial: 'SN-0008', circuitId: 'eth-0-8', hostname: 'FS-S3900-ACC8', model: 'fs-s3900', profile: 'fs-s3900',
      vars: { mgmtIp: '10.77.0.28', uplinkPort: '1/25', mgmtVlan: 77 } },
    { serial: 'FSN1234X', hostname: 'FS-S3900-ACC9', model: 'fs-s3900', profile: 'fs-s3900', vars: { mgmtIp: '10.77.0.29', uplinkPort: '1/25' } },
  ]);
  const text = await readFile(at.siteFile, 'utf8');
  assert.match(text, /^ {2}- uplink: \{ device: FS-S5850-CORE1, port: eth-0-7 \}$/m);
  assert.match(text, /^ {2}- mac: "00AA\.BB00\.0008"$/m);
  const exported = await exportPortmap(at.dir, 'hq');
  assert.match(exported, /^,,00AA\.BB00\.0008,SN-0008,eth-0-8,,FS-S3900-ACC8,fs-s3900,,"\{""mgmtIp"":""10\.77\.0\.28"",""uplinkPort"":""1\/25"",""mgmtVlan"":77\}"$/m,
    'a number among the vars is kept as JSON');
  assert.match(exported, /,"mgmtIp=10\.77\.0\.27;uplinkPort=1\/25;location=Rack 4, row 2"$/m);
});

void test('every bad row is reported with its line and what was expected, and nothing is written', async (t) => {
  const at = await sites(t);
  const before = await readFile(at.siteFile, 'utf8');
  const { mtimeMs } = await stat(at.siteFile);
  const rows = [
    'hostname,model,mac,uplink device,uplink port,serial,vars',
    'FS-GOOD1,fs-s3900,00:11:22:33:44:55,,,,mgmtIp=10.77.0.31;uplinkPort=1/25',
    '../../etc/cron.d/x,fs-s3900,00:11:22:33:44:56,,,,',
    'FS-BADMAC,fs-s3900,00:11:22:33:44,,,,',
    'FS-SHORT,fs-s3900',
    'FS-HALF,fs-s3900,,FS-S5850-CORE1,,,',
    'FS-VARS,fs-s3900,00:11:22:33:44:57,,,,mgmtIp',
    'FS-NOID,fs-s3900,,,,,',
    '"FS-QUOTE"x,fs-s3900,,,,,',
    'FS-DUPMAC,fs-s3900,00-11-22-33-44-55,,,,',
    'FS-NOUPLINK,fs-s3900,,FS-NOWHERE,eth-0-2,,',
    'FS-SECRET,fs-s3900,00:11:22:33:44:58,,,,"{""password"": ""hunter2""}"',
    'FS-SERIAL,fs-s3900,,,,SN/../1,',
    'FS-GOOD1,fs-s3900,,,,SN2,',
    'FS-BADMODEL,fs s3900,00:11:22:33:44:59,,,,',
    'FS-JSON,fs-s3900,00:11:22:33:44:5a,,,,"{""mgmtIp"": }"',
  ];
  const result = await importCsv(at, `${rows.join('\n')}\n`);
  const at_ = (line: number): string => `${at.csv}:${String(line)}: `;
  assert.deepEqual(result.problems, [
    `${at_(3)}hostname: "../../etc/cron.d/x" is not a valid hostname (letters, digits, '.', '_', '-'; starting with a letter or digit)`,
    `${at_(4)}mac: "00:11:22:33:44" is not a MAC address`,
    `${at_(5)}expected 7 fields (hostname, model, mac, uplink device, uplink port, serial, vars), found 2`,
    `${at_(6)}uplink device and uplink port go together: give both or neither`,
    `${at_(7)}vars: "mgmtIp" is not key=value (expected key=value;key=value, or a JSON object)`,
    `${at_(8)}needs at least one of uplink, mac, serial, circuitId, remoteId to recognise the switch`,
    `${at_(9)}"x" after a closing quote: expected a comma or the end of the line`,
    `${at_(10)}mac: MAC 00:11:22:33:44:55 is already mapped to FS-GOOD1 at ${at.csv}:2`,
    `${at_(11)}uplink device: FS-NOWHERE is not a device of this site`,
    `${at_(12)}vars (password): inline secrets are not allowed; name an environment variable (passwordEnv) or a 0600 file (passwordFile)`,
    `${at_(13)}serial: "SN/../1" is not a serial number (letters, digits, '.', '_', '-'; at most 64)`,
    `${at_(14)}hostname: FS-GOOD1 is already defined at ${at.csv}:2`,
    `${at_(15)}model: "fs s3900" is not a valid model name (letters, digits, '.', '_', '-'; starting with a letter or digit)`,
    `${at_(16)}vars: not a valid JSON object (${jsonError('{"mgmtIp": }')})`,
  ]);
  assert.equal(result.written, false);
  assert.equal(await readFile(at.siteFile, 'utf8'), before);
  assert.equal((await stat(at.siteFile)).mtimeMs, mtimeMs);
});

function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected invalid JSON');
}

void test('a header that does not name port map columns is refused before any row', async (t) => {
  const at = await sites(t);
  const result = await importCsv(at, 'hostname;model;mac\nFS-X;fs-s3900;00:11:22:33:44:55\n');
  assert.equal(result.problems.length, 3);
  assert.match(result.problems[0] ?? '', /:1: column 1: "hostname;model;mac" is not a port map column \(columns are separated by commas\)/);
  assert.match(result.problems[1] ?? '', /:1: missing the hostname column/);
  assert.match(result.problems[2] ?? '', /:1: missing the model column/);
  const twice = await importCsv(at, 'hostname,model,MAC,mac,colour\n');
  assert.deepEqual(twice.problems.map((problem) => problem.replace(`${at.csv}:`, '')), [
    '1: column 4: mac is given twice',
    '1: column 5: "colour" is not a port map column (expected: uplink device, uplink port, mac, serial, circuit id, remote id, hostname, model, profile, vars)',
  ]);
  const empty = await importCsv(at, '\uFEFF\r\n');
  assert.match(empty.problems[0] ?? '', /:1: empty: expected a header row/);
});

void test('the imported entries are checked as sites check checks a site file: templates render, names are unique across sites', async (t) => {
  const at = await sites(t);
  const branch = join(at.dir, 'branch', 'site.yaml');
  await mkdir(join(at.dir, 'branch'));
  await writeFile(branch, [
    'name: branch',
    'subnets: [10.78.0.0/24]',
    'credentials: { username: admin, passwordEnv: ONRAMP_HQ_PASSWORD }',
    'factoryCredentials: { username: admin, passwordEnv: ONRAMP_FACTORY_PASSWORD }',
    'vars: { location: branch, mgmtVlan: 78, mgmtMask: 255.255.255.0, vlans: [] }',
    'portmap:',
    '  - { mac: "00:11:22:33:44:70", hostname: BR-ACC1, model: fs-s3900, vars: { mgmtIp: 10.78.0.21, uplinkPort: 1/25 } }',
    '',
  ].join('\n'));
  const before = await readFile(at.siteFile, 'utf8');
  const elsewhere = await importCsv(at, 'hostname,model,mac,vars\nBR-ACC1,fs-s3900,00:11:22:33:44:63,mgmtIp=10.77.0.27;uplinkPort=1/25\n');
  assert.deepEqual(elsewhere.problems, [`${at.csv}:2: hostname: BR-ACC1 is also defined in ${branch}`]);
  const result = await importCsv(at, [
    'hostname,model,mac,vars',
    'FS-S3900-ACC5,fs-s3900,00:11:22:33:44:61,mgmtIp=10.77.0.25',
    // A newline in a value would become a second CLI line on the switch.
    'FS-S3900-ACC6,fs-s3900,00:11:22:33:44:62,"mgmtIp=10.77.0.26;uplinkPort=1/25;location=hq\nexit"',
    '',
  ].join('\n'));
  assert.equal(result.problems.length, 2, result.problems.join('\n'));
  assert.match(result.problems[0] ?? '', new RegExp(`^${at.csv}:2: portmap\\[0\\] \\(FS-S3900-ACC5\\): .*missing variables: uplinkPort`));
  assert.match(result.problems[1] ?? '', new RegExp(`^${at.csv}:3: portmap\\[1\\] \\(FS-S3900-ACC6\\): .*refusing values with newline or control characters: location`));
  assert.equal(await readFile(at.siteFile, 'utf8'), before);
});

void test('--dry-run validates and writes nothing; a write keeps the site file\'s mode', async (t) => {
  const at = await sites(t);
  await chmod(at.siteFile, 0o640);
  const before = await readFile(at.siteFile, 'utf8');
  const csv = 'hostname,model,mac,vars\nFS-S3900-ACC5,fs-s3900,00:11:22:33:44:61,mgmtIp=10.77.0.25;uplinkPort=1/25\n';
  const dry = await importCsv(at, csv, true);
  assert.deepEqual(dry.problems, []);
  assert.equal(dry.written, false);
  assert.equal(await readFile(at.siteFile, 'utf8'), before);
  const real = await importCsv(at, csv);
  assert.equal(real.written, true);
  assert.equal((await stat(at.siteFile)).mode & 0o777, 0o640);
  assert.deepEqual((await loadSite(at.siteFile)).portmap.map((entry) => entry.hostname), ['FS-S3900-ACC5']);
});

void test('onramp portmap import and export on the command line: exit 2 with the problems, 0 and the file written', async (t) => {
  const at = await sites(t);
  const out = join(at.dir, '..', 'out.csv');
  const exported = onramp(['portmap', 'export', 'hq', out, '--sites', at.dir]);
  assert.equal(exported.code, 0, exported.stderr);
  const csv = await readFile(out, 'utf8');
  await writeFile(at.csv, csv.replace('be:b5:de:01:12:a1', 'be:b5:de:01:12'));
  const before = await readFile(at.siteFile, 'utf8');
  const bad = onramp(['portmap', 'import', 'hq', at.csv, '--sites', at.dir, '--templates', TEMPLATES]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, new RegExp(`^${at.csv}:3: mac: "be:b5:de:01:12" is not a MAC address$`, 'm'));
  assert.match(bad.stderr, /1 problem\(s\); .*site\.yaml not changed/);
  assert.equal(await readFile(at.siteFile, 'utf8'), before);
  await writeFile(at.csv, csv.replace('FS-S3900-ACC3', 'FS-S3900-ACC4'));
  const good = onramp(['portmap', 'import', 'hq', at.csv, '--sites', at.dir, '--templates', TEMPLATES]);
  assert.equal(good.code, 0, good.stderr);
  assert.match(good.stdout, /site\.yaml: 3 port map entries imported from/);
  const stdout = onramp(['portmap', 'export', 'hq', '--sites', at.dir]);
  assert.equal(stdout.stdout, csv.replace('FS-S3900-ACC3', 'FS-S3900-ACC4'));
  const missing = onramp(['portmap', 'export', 'nowhere', '--sites', at.dir]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no site "nowhere" in .* \(sites: hq\)/);
});
