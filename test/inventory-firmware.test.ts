import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadInventory, parseSite, SiteFileError } from '../src/inventory/index.js';
import { siteProblemsOf } from './support/site-problems.js';

const BASE = `name: hq
subnets: [10.77.0.0/24]
credentials: { username: admin, passwordEnv: ONRAMP_TEST_PASSWORD }
factoryCredentials: { username: admin, passwordEnv: ONRAMP_TEST_FACTORY }
devices:
  - { hostname: FS-S5850-CORE1, model: fs-s5850, ip: 10.77.0.10 }
portmap:
  - { mac: "be:b5:de:01:12:a1", hostname: FS-S3900-ACC2, model: fs-s3900 }
`;
const IMAGE = Buffer.from('an S3900 image\n');
const SHA = createHash('sha256').update(IMAGE).digest('hex');

async function withSite(firmware: string, body: (dir: string, file: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'onramp-fw-site-'));
  try {
    await mkdir(join(dir, 'hq'));
    await writeFile(join(dir, 'hq', 's3900-1.7.6.bix'), IMAGE);
    await writeFile(join(dir, 'hq', 'site.yaml'), `${BASE}${firmware}`);
    await body(dir, join(dir, 'hq', 'site.yaml'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void test('firmware: a served file and a URL, with the profile steps and a site override of an inferred one', async () => {
  await withSite(`firmware:
  fs-s3900:
    version: 1.7.6
    image: s3900-1.7.6.bix
    sha256: ${SHA.toUpperCase()}
    returnTimeout: 3m
    steps:
      fetch: { commands: "copy http file", timeout: 2m }
  fs-s5850: { version: 7.4.1, image: "http://10.77.0.1:8080/images/s5850-7.4.1.bin", sha256: ${'a'.repeat(64)} }
`, async (dir) => {
    const inventory = await loadInventory(dir, join(dir, 'templates'));
    const [site] = inventory.sites;
    assert.ok(site);
    const s3900 = site.firmware.find((t) => t.model === 'fs-s3900');
    assert.ok(s3900);
    assert.equal(s3900.version, '1.7.6');
    assert.equal(s3900.sha256, SHA, 'the hash is kept in lower case');
    assert.deepEqual(s3900.image, { kind: 'file', path: join(dir, 'hq', 's3900-1.7.6.bix'), name: 's3900-1.7.6.bix' });
    assert.equal(s3900.returnTimeoutMs, 180_000);
    assert.deepEqual(s3900.overridden, ['fetch']);
    assert.equal(s3900.steps.fetch.timeoutMs, 120_000);
    assert.equal(s3900.steps.fetch.source.kind, 'inferred');
    assert.match(s3900.steps.fetch.source.note, /site\.yaml:\d+/);
    // The profile's answers to the dialogue stay: only what the site gave changed.
    assert.ok((s3900.steps.fetch.confirm ?? []).length >= 4);
    assert.equal(s3900.steps.boot?.commands[0], 'boot system opcode:{file}');
    const s5850 = site.firmware.find((t) => t.model === 'fs-s5850');
    assert.deepEqual(s5850?.image, { kind: 'url', url: 'http://10.77.0.1:8080/images/s5850-7.4.1.bin' });
  });
});

void test('firmware: each bad value is reported with its file and line', () => {
  const problems = siteProblemsOf(`${BASE}firmware:
  fs-s3900:
    version: ""
    image: "tftp://10.0.0.1/s3900.bix"
    sha256: 12ab
  fs-s5850:
    image: "http://10.0.0.1/dir/"
    sha256: ${'b'.repeat(64)}
    version: 7.4.1
    steps:
      reload: { commands: reload }
      verify: { commands: "verify {sha512} {file}" }
  cisco-ios:
    version: 15.2(7)E9
    image: missing.bin
    sha256: ${'c'.repeat(64)}
    steps:
      boot: { commands: "boot system flash:{file}" }
      fetch: { confirm: [{ prompt: "(", answer: "" }] }
`);
  const has = (pattern: RegExp): void => {
    assert.ok(problems.some((line) => pattern.test(line)), `expected a problem matching ${String(pattern)} in:\n${problems.join('\n')}`);
  };
  has(/site\.yaml:11: firmware\.fs-s3900\.version: /);
  has(/site\.yaml:12: firmware\.fs-s3900\.image: tftp:\/\/ images cannot be checked by onramp/);
  has(/site\.yaml:13: firmware\.fs-s3900\.sha256: expected the image's SHA-256 as 64 hexadecimal digits/);
  has(/site\.yaml:15: firmware\.fs-s5850\.image: the URL must end in a file name/);
  has(/site\.yaml:\d+: firmware\.fs-s5850\.steps\.verify\.commands\[0\]: \{sha512\} is not a placeholder/);
  // The fs-s5850 reload is inferred: overriding it is fine.
  assert.ok(!problems.some((line) => /fs-s5850\.steps\.reload/.test(line)), problems.join('\n'));
  has(/site\.yaml:\d+: firmware\.cisco-ios\.image: image \/sites\/hq\/missing\.bin cannot be read \(ENOENT\)/);
  has(/firmware\.cisco-ios\.steps\.boot: the profile's boot step is sourced/);
  has(/firmware\.cisco-ios\.steps\.fetch: the profile's fetch step is sourced/);
});

void test('firmware: a served image whose bytes are not the named SHA-256 stops the load; an unreadable one too', async () => {
  await withSite(`firmware:\n  fs-s3900: { version: 1.7.6, image: s3900-1.7.6.bix, sha256: ${'d'.repeat(64)} }\n`, async (dir, file) => {
    await assert.rejects(loadInventory(dir, join(dir, 'templates')), (err: unknown) => {
      assert.ok(err instanceof SiteFileError);
      assert.match(err.message, new RegExp(`${file.replace(/[.]/g, '\\.')}:10: firmware\\.fs-s3900\\.image: .*s3900-1\\.7\\.6\\.bix has SHA-256 ${SHA}, not the d{64} the site names`));
      return true;
    });
  });
  if (process.getuid?.() === 0) return; // root reads a 0000 file anyway
  await withSite(`firmware:\n  fs-s3900: { version: 1.7.6, image: s3900-1.7.6.bix, sha256: ${SHA} }\n`, async (dir) => {
    await chmod(join(dir, 'hq', 's3900-1.7.6.bix'), 0o000);
    assert.throws(() => parseSite(join(dir, 'hq', 'site.yaml'), `${BASE}firmware:\n  fs-s3900: { version: 1.7.6, image: s3900-1.7.6.bix, sha256: ${SHA} }\n`), /cannot be read \(EACCES\)/);
  });
});

void test('firmware: a model whose profile has no upgrade steps needs the site to give fetch and reload', () => {
  const problems = siteProblemsOf(`${BASE}firmware:\n  acme-9000: { version: "1.0", image: "http://10.0.0.1/a.bin", sha256: ${'e'.repeat(64)} }\n`);
  assert.ok(problems.some((line) => /firmware\.acme-9000: no device profile for model acme-9000/.test(line)), problems.join('\n'));
});
