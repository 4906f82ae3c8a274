import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runLab } from '../src/lab/index.js';
import { LabShell } from './lab-shell.js';

function waitForLines(count: number, printed: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = (): void => {
      if (printed.length >= count) resolve();
      else if (Date.now() - started > 10_000) reject(new Error(`only ${printed.length} lines: ${printed.join('\n')}`));
      else setImmediate(check);
    };
    check();
  });
}

void test('runLab prints every switch with its fingerprint, serves SSH and stops on abort', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-lab-run-'));
  const printed: string[] = [];
  const abort = new AbortController();
  const saved = process.env.ONRAMP_LAB_PASSWORD;
  process.env.ONRAMP_LAB_PASSWORD = 'run-lab-pw';
  try {
    const running = runLab({ switches: 3, keyDir: dir, signal: abort.signal, out: (l) => printed.push(l) });
    await waitForLines(4, printed);
    assert.match(printed[0] ?? '', /^lab: 3 switches on port \d+/);
    const core = printed[1] ?? '';
    assert.match(core, /^LAB-CORE1 +fs-s5850 +127\.77\.0\.1:\d+ {2}user admin, password from env ONRAMP_LAB_PASSWORD {2}SHA256:\S{43}$/);
    assert.ok(!printed.join('\n').includes('run-lab-pw'));
    assert.equal(statSync(join(dir, 'LAB-CORE1.ed25519.key')).mode & 0o777, 0o600);
    const port = Number(/:(\d+)/.exec(core)?.[1]);
    const sh = await LabShell.open('127.77.0.1', port, { username: 'admin', password: 'run-lab-pw' });
    await sh.waitFor('LAB-CORE1#');
    sh.close();
    abort.abort();
    await running;
    assert.equal(printed.at(-1), 'lab: stopped');
  } finally {
    if (saved === undefined) delete process.env.ONRAMP_LAB_PASSWORD;
    else process.env.ONRAMP_LAB_PASSWORD = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('a topology file sets personalities, uplinks and faults; a bad one names file and path', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-lab-topo-'));
  try {
    const file = join(dir, 'lab.yaml');
    writeFileSync(
      file,
      [
        'switches:',
        '  - { hostname: T-CORE, personality: fs-s5850, mac: "64:9d:99:01:00:01", password: topo-pw }',
        '  - { hostname: T-ACC, personality: cisco-ios, mac: "64:9d:99:01:00:02", password: topo-pw,',
        '      uplink: { device: T-CORE, port: eth-0-3, localPort: Gi1/0/1 }, faults: [slow] }',
      ].join('\n'),
    );
    const printed: string[] = [];
    const abort = new AbortController();
    const running = runLab({ topology: file, keyDir: dir, signal: abort.signal, out: (l) => printed.push(l) });
    await waitForLines(3, printed);
    assert.match(printed[2] ?? '', /^T-ACC +cisco-ios .*password from password in .*lab\.yaml .*faults slow$/);
    abort.abort();
    await running;

    writeFileSync(file, 'switches:\n  - { hostname: X, personality: junos, mac: "64:9d:99:01:00:01" }\n');
    await assert.rejects(runLab({ topology: file, keyDir: dir, signal: abort.signal, out: () => undefined }), {
      message: `${file}: switches[0].personality: expected one of fs-s5850, fs-s3900, fs-s3900-r, cisco-ios`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
