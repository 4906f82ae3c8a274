import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DeviceSession, getProfile, HostKeyStore, readFacts, type DeviceTarget } from '../src/device/index.js';
import { digestBytes, ImageServer, runUpgradeSteps, stepValues, UpgradeStepError } from '../src/firmware/index.js';
import type { FirmwareTarget } from '../src/inventory/index.js';
import { Lab, labImage, type LabSwitch, type Personality } from '../src/lab/index.js';
import { silentLogger } from '../src/log/index.js';
import { StateStore } from '../src/state/index.js';

/** The profiles' upgrade steps driven over SSH against the lab's emulation of each family's copy, verify, boot and reload. */
const dir = mkdtempSync(join(tmpdir(), 'onramp-lab-firmware-'));
const login = { username: 'admin', password: 'fw-pw' };
const families: { personality: Personality; version: string }[] = [
  { personality: 'fs-s3900', version: '1.7.6' },
  { personality: 'fs-s5850', version: '7.4.1' },
  { personality: 'fs-s3900-r', version: '2.2.1A Build 98001' },
  { personality: 'cisco-ios', version: '15.2(7)E9' },
];
const booted = new Map<string, () => void>();
let lab: Lab;
let images: ImageServer;
let corrupt: Server;
let corruptPort = 0;
const targets = new Map<Personality, FirmwareTarget>();
const goodImages = new Map<Personality, Buffer>();

function target(personality: Personality, version: string, path: string, sha256: string): FirmwareTarget {
  const upgrade = getProfile(personality).upgrade;
  if (upgrade === undefined) throw new Error(`${personality} has no upgrade steps`);
  return {
    model: personality, version, image: { kind: 'file', path, name: `${personality}.img` }, sha256, steps: upgrade, overridden: [],
    returnTimeoutMs: 10_000, source: { file: 'test' },
  };
}

function targetFor(sw: LabSwitch, name: string): DeviceTarget {
  return {
    host: sw.address, port: sw.port, ...login, enableSecret: 'fw-en', profile: getProfile(sw.spec.personality), timeoutMs: 5000, retries: 0,
    hostKeyPolicy: 'pin', identity: { kind: 'device', name },
  };
}

function open(sw: LabSwitch, name: string): Promise<DeviceSession> {
  return DeviceSession.open(targetFor(sw, name), { hostKeys: new HostKeyStore(new StateStore(join(dir, 'state'))), logger: silentLogger() });
}

function bootOf(name: string): Promise<void> {
  return new Promise((resolve) => booted.set(name, resolve));
}

before(async () => {
  lab = await Lab.start({
    keyDir: join(dir, 'keys'), reloadMs: 200,
    onBoot: (sw) => booted.get(sw.spec.hostname)?.(),
    switches: families.flatMap((f, i) => [
      { hostname: `UP-${f.personality}`, personality: f.personality, mac: `64:9d:99:05:00:0${i + 1}`, ...login, enableSecret: 'fw-en' },
      { hostname: `BAD-${f.personality}`, personality: f.personality, mac: `64:9d:99:05:01:0${i + 1}`, ...login, enableSecret: 'fw-en' },
    ]),
  });
  images = await ImageServer.start({ host: '127.0.0.1', port: 0 }, silentLogger());
  for (const f of families) {
    const bytes = labImage(f.personality, f.version);
    const path = join(dir, `${f.personality}.img`);
    writeFileSync(path, bytes);
    goodImages.set(f.personality, bytes);
    targets.set(f.personality, target(f.personality, f.version, path, digestBytes(bytes).sha256));
  }
  images.publish([{ name: 'lab', firmware: [...targets.values()] }]);
  // A mirror that hands out a damaged copy: one byte of the body flipped.
  corrupt = createServer((request, response) => {
    const personality = (request.url ?? '').split('/').at(-1)?.replace(/\.img$/, '') as Personality;
    const bytes = Buffer.from(goodImages.get(personality) ?? Buffer.alloc(0));
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
    response.writeHead(200, { 'content-length': bytes.length }).end(bytes);
  });
  await new Promise<void>((resolve) => corrupt.listen(0, '127.0.0.1', resolve));
  const address = corrupt.address();
  corruptPort = typeof address === 'object' && address !== null ? address.port : 0;
});

after(async () => {
  await images.close();
  await new Promise<void>((resolve) => corrupt.close(() => { resolve(); }));
  await lab.stop();
  rmSync(dir, { recursive: true, force: true });
});

for (const f of families) {
  void test(`${f.personality}: the profile's steps fetch the image from onramp, select it, reload; the switch comes back on the new version`, async () => {
    const sw = lab.get(`UP-${f.personality}`);
    const fwTarget = targets.get(f.personality);
    assert.ok(fwTarget);
    const url = images.urlOf('lab', fwTarget);
    assert.ok(url);
    const before = sw.version();
    assert.notEqual(before, f.version);
    const session = await open(sw, sw.spec.hostname);
    const back = bootOf(sw.spec.hostname);
    const steps: string[] = [];
    await runUpgradeSteps(session, fwTarget.steps, stepValues(url, fwTarget, digestBytes(goodImages.get(f.personality) ?? Buffer.alloc(0))), (name) => steps.push(name));
    await session.close();
    assert.deepEqual(steps, ['fetch', ...(fwTarget.steps.verify ? ['verify'] : []), ...(fwTarget.steps.boot ? ['boot'] : []), 'reload']);
    assert.equal(sw.isUp(), false, 'the switch is down after the reload');
    await back;
    assert.equal(sw.reloads(), 1);
    assert.equal(sw.version(), f.version);
    const again = await open(sw, sw.spec.hostname);
    const facts = await readFacts(again, getProfile(f.personality));
    await again.close();
    assert.equal(facts.version, f.version, 'show version reports the image the switch booted');
  });

  void test(`${f.personality}: a damaged download is refused on the switch and nothing is booted`, async () => {
    const sw = lab.get(`BAD-${f.personality}`);
    const fwTarget = targets.get(f.personality);
    assert.ok(fwTarget);
    const url = `http://127.0.0.1:${String(corruptPort)}/firmware/lab/${f.personality}/${f.personality}.img`;
    const session = await open(sw, sw.spec.hostname);
    try {
      const values = stepValues(url, fwTarget, digestBytes(goodImages.get(f.personality) ?? Buffer.alloc(0)));
      await assert.rejects(runUpgradeSteps(session, fwTarget.steps, values), (err: unknown) => {
        assert.ok(err instanceof UpgradeStepError);
        // FSOS checks the image as it writes it; IOS copies anything and its verify finds the wrong MD5.
        assert.equal(err.step, f.personality === 'cisco-ios' ? 'verify' : 'fetch');
        assert.equal(err.bootChanged, false);
        return true;
      });
    } finally {
      await session.close();
    }
    assert.equal(sw.reloads(), 0);
    assert.equal(sw.bootFile(), undefined);
    assert.notEqual(sw.version(), f.version);
    assert.equal(sw.isUp(), true);
  });
}
