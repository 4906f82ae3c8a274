import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { getProfile, type UpgradeSteps } from '../src/device/index.js';
import { ImageChecker, ImageCheckError, ImageServer, parseImageServerAddress } from '../src/firmware/index.js';
import type { FirmwareTarget } from '../src/inventory/index.js';
import { silentLogger } from '../src/log/index.js';

const PROFILE_STEPS = getProfile('fs-s3900').upgrade;
if (PROFILE_STEPS === undefined) throw new Error('fs-s3900 has upgrade steps');
const STEPS: UpgradeSteps = PROFILE_STEPS;

function sha(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function target(image: FirmwareTarget['image'], sha256: string): FirmwareTarget {
  return { model: 'fs-s3900', version: '1.7.6', image, sha256, steps: STEPS, overridden: [], returnTimeoutMs: 1000, source: { file: 'test' } };
}

function get(port: number, path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }); });
    });
    req.on('error', reject);
    req.end();
  });
}

void test('the image server serves exactly the files the sites name, read-only, and nothing a request path points at', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'onramp-imgsrv-'));
  await writeFile(join(dir, 'image.bix'), 'IMAGE BYTES');
  await writeFile(join(dir, 'secret.txt'), 'not to be served');
  const server = await ImageServer.start({ host: '127.0.0.1', port: 0 }, silentLogger());
  try {
    const fw = target({ kind: 'file', path: join(dir, 'image.bix'), name: 'image.bix' }, sha('IMAGE BYTES'));
    server.publish([{ name: 'hq', firmware: [fw, target({ kind: 'url', url: 'http://10.0.0.1/x.bin' }, 'a'.repeat(64))] }]);
    assert.equal(server.urlOf('hq', fw), `http://127.0.0.1:${String(server.port)}/firmware/hq/fs-s3900/image.bix`);
    assert.deepEqual(await get(server.port, '/firmware/hq/fs-s3900/image.bix'), { status: 200, body: 'IMAGE BYTES' });
    assert.equal((await get(server.port, '/firmware/hq/fs-s3900/image.bix', 'HEAD')).status, 200);
    for (const path of ['/firmware/hq/fs-s3900/secret.txt', '/firmware/hq/fs-s3900/../../secret.txt', '/firmware/hq/fs-s3900/image.bix/..', '/firmware/hq/fs-s3900/%2e%2e/secret.txt', '/secret.txt', '/']) {
      assert.equal((await get(server.port, path)).status, 404, path);
    }
    assert.equal((await get(server.port, '/firmware/hq/fs-s3900/image.bix', 'PUT')).status, 405);
    server.publish([]);
    assert.equal((await get(server.port, '/firmware/hq/fs-s3900/image.bix')).status, 404, 'a site that no longer names it: no longer served');
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

void test('--firmware-http takes an address switches can reach', () => {
  assert.deepEqual(parseImageServerAddress('10.77.0.1:8069'), { host: '10.77.0.1', port: 8069 });
  assert.match(parseImageServerAddress('0.0.0.0:8069') as string, /0\.0\.0\.0 cannot be put in a URL/);
  assert.match(parseImageServerAddress('appliance:80') as string, /expected ADDR:PORT/);
  assert.match(parseImageServerAddress('10.0.0.1:70000') as string, /expected ADDR:PORT/);
});

void test('onramp hashes an image itself before any switch is told to fetch it: a URL read once for switches at once, a mismatch refused', async () => {
  let reads = 0;
  let body = 'GOOD IMAGE';
  const http = createServer((_req, res) => {
    reads++;
    res.end(body);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  let now = 0;
  const checker = new ImageChecker(() => now);
  try {
    const good = target({ kind: 'url', url: `http://127.0.0.1:${String(port)}/img.bin` }, sha('GOOD IMAGE'));
    const digests = await Promise.all([checker.check(good), checker.check(good), checker.check(good)]);
    assert.equal(reads, 1, 'three switches upgrading at once share one read');
    assert.equal(digests[0].md5, createHash('md5').update('GOOD IMAGE').digest('hex'));
    body = 'TAMPERED';
    await checker.check(good);
    assert.equal(reads, 1, 'a verdict is kept for a while');
    now += 11 * 60_000;
    await assert.rejects(checker.check(good), (err: unknown) => err instanceof ImageCheckError && err.reason === 'hash-mismatch' && /has SHA-256 [0-9a-f]{64}, not the/.test(err.message));
    assert.equal(reads, 2);
    await assert.rejects(checker.check(target({ kind: 'url', url: `http://127.0.0.1:${String(port)}/gone.bin` }, 'a'.repeat(64))), ImageCheckError);
    const dir = await mkdtemp(join(tmpdir(), 'onramp-imgchk-'));
    try {
      await writeFile(join(dir, 'a.bin'), 'FILE ONE');
      const file = target({ kind: 'file', path: join(dir, 'a.bin'), name: 'a.bin' }, sha('FILE ONE'));
      await checker.check(file);
      await writeFile(join(dir, 'a.bin'), 'FILE TWO, longer');
      await assert.rejects(checker.check(file), (err: unknown) => err instanceof ImageCheckError && err.reason === 'hash-mismatch', 'a file changed since it was checked is hashed again');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  } finally {
    await new Promise<void>((resolve) => http.close(() => { resolve(); }));
  }
});
