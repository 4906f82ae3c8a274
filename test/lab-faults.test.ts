import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Algorithms } from 'ssh2';
import { Lab } from '../src/lab/index.js';
import { connect, execCommand, LabShell, lines } from './lab-shell.js';

const keyDir = mkdtempSync(join(tmpdir(), 'onramp-lab-faults-'));
const login = { username: 'admin', password: 'fault-pw' };
const longConfig = [
  'version 7.2.2',
  '!',
  'hostname FLT',
  '!',
  ...Array.from({ length: 30 }, (_, i) => [`interface eth-0-${i + 1}`, ` description port ${i + 1}`, '!']).flat(),
];
let lab: Lab;

before(async () => {
  lab = await Lab.start({
    keyDir,
    slowMs: 300,
    switches: [
      { hostname: 'FLT', personality: 'fs-s5850', mac: '64:9d:99:02:00:01', ...login, runningConfig: longConfig.join('\n') },
    ],
  });
});

after(async () => {
  await lab.stop();
  rmSync(keyDir, { recursive: true, force: true });
});

function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

async function withFaults(faults: Parameters<Lab['switches'][number]['setFaults']>[0], body: () => Promise<void>): Promise<void> {
  const sw = lab.get('FLT');
  sw.setFaults(faults);
  await sw.settled();
  try {
    await body();
  } finally {
    sw.setFaults([]);
    await sw.settled();
  }
}

function shell(rows = 24): Promise<LabShell> {
  const sw = lab.get('FLT');
  return LabShell.open(sw.address, sw.port, { ...login, rows });
}

void test('without faults: exec requests answer one command; output comes in several packets', async () => {
  const sw = lab.get('FLT');
  const out = await execCommand(sw.address, sw.port, login, 'show version');
  assert.match(out, /^FSOS Software, S5850, Version 7\.2\.2\r\n/);
  const sh = await shell();
  try {
    await sh.waitFor('FLT#');
    const before = sh.packets;
    await sh.run('terminal length 0', 'FLT#');
    await sh.run('show running-config', 'FLT#');
    assert.ok(sh.packets - before >= 4, `only ${sh.packets - before} packets`);
  } finally {
    sh.close();
  }
});

void test('refuse: nothing listens until the fault is cleared', async () => {
  const sw = lab.get('FLT');
  await withFaults(['refuse'], async () => {
    await assert.rejects(connect(sw.address, sw.port, login), { code: 'ECONNREFUSED' });
  });
  (await connect(sw.address, sw.port, login)).end();
});

void test('wrong-password: the configured password is rejected', async () => {
  const sw = lab.get('FLT');
  await withFaults(['wrong-password'], async () => {
    await assert.rejects(connect(sw.address, sw.port, login), { level: 'client-authentication' });
  });
});

void test('slow: each reply waits, in fragments', async () => {
  await withFaults(['slow'], async () => {
    const sh = await shell();
    try {
      await sh.waitFor('FLT#');
      const started = Date.now();
      await sh.run('show version', 'FLT#', 5000);
      assert.ok(Date.now() - started >= 300, `answered after ${Date.now() - started} ms`);
    } finally {
      sh.close();
    }
  });
});

void test('disconnect-on-show-run: the connection drops halfway through the config', async () => {
  await withFaults(['disconnect-on-show-run'], async () => {
    const sh = await shell();
    await sh.waitFor('FLT#');
    await sh.run('terminal length 0', 'FLT#');
    sh.send('show running-config\r');
    await sh.waitClosed();
    const got = sh.pending();
    assert.match(got, /Building configuration\.\.\./);
    assert.doesNotMatch(got, /\r\nend\r\n/);
    assert.equal(lab.get('FLT').saves(), 0);
  });
});

void test('hostkey-changed: a different key is served; the persisted one returns afterwards and survives restarts', async () => {
  const sw = lab.get('FLT');
  const seen: string[] = [];
  const verifier = (key: Buffer): boolean => {
    seen.push(fingerprint(key));
    return true;
  };
  (await connect(sw.address, sw.port, { ...login, hostVerifier: verifier })).end();
  await withFaults(['hostkey-changed'], async () => {
    (await connect(sw.address, sw.port, { ...login, hostVerifier: verifier })).end();
  });
  (await connect(sw.address, sw.port, { ...login, hostVerifier: verifier })).end();
  assert.equal(seen[0], sw.hostKeyFingerprint());
  assert.notEqual(seen[1], seen[0]);
  assert.equal(seen[2], seen[0]);

  const again = await Lab.start({
    keyDir,
    switches: [{ hostname: 'FLT', personality: 'fs-s5850', mac: '64:9d:99:02:00:01', ...login, address: '127.77.9.1' }],
  });
  try {
    assert.equal(again.get('FLT').hostKeyFingerprint(), sw.hostKeyFingerprint());
  } finally {
    await again.stop();
  }
});

void test('paging-stuck: terminal length 0 is accepted but the pager stays', async () => {
  await withFaults(['paging-stuck'], async () => {
    const sh = await shell(10);
    try {
      await sh.waitFor('FLT#');
      const reply = lines(await sh.run('terminal length 0', 'FLT#'));
      assert.deepEqual(reply, ['terminal length 0', 'FLT#']);
      sh.send('show running-config\r');
      await sh.waitFor(' --More-- ');
      sh.send('q');
      await sh.waitFor('FLT#');
    } finally {
      sh.close();
    }
  });
});

void test('banner: a pre-auth banner and a MOTD with # and > before the prompt', async () => {
  await withFaults(['banner'], async () => {
    const sw = lab.get('FLT');
    const banners: string[] = [];
    const sh = await LabShell.open(sw.address, sw.port, { ...login, onBanner: (m) => banners.push(m) });
    try {
      const before = await sh.waitFor('FLT#');
      assert.match(banners.join(''), /Unauthorised access/);
      assert.match(before, /#{20,}/);
      assert.match(before, /> audit\.log/);
    } finally {
      sh.close();
    }
  });
});

void test('legacy-algorithms: modern clients fail, a client offering the old algorithms gets in', async () => {
  const legacy: Algorithms = {
    kex: ['diffie-hellman-group14-sha1', 'diffie-hellman-group1-sha1'],
    serverHostKey: ['ssh-rsa'],
    cipher: ['aes128-cbc'],
    hmac: ['hmac-sha1'],
  };
  await withFaults(['legacy-algorithms'], async () => {
    const sw = lab.get('FLT');
    await assert.rejects(connect(sw.address, sw.port, login), /no matching|handshake/i);
    const sh = await LabShell.open(sw.address, sw.port, { ...login, algorithms: legacy });
    try {
      await sh.waitFor('FLT#');
    } finally {
      sh.close();
    }
  });
});

void test('reject-config: a matching config line is refused with the caret marker and nothing changes', async () => {
  await withFaults(['reject-config'], async () => {
    const sh = await shell();
    try {
      await sh.waitFor('FLT#');
      const before = lab.get('FLT').runningConfig();
      await sh.run('configure terminal', 'FLT(config)#');
      const reply = lines(await sh.run('snmp-server community secret-c read-only', 'FLT(config)#'));
      assert.equal(reply[1], `${' '.repeat('FLT(config)#'.length)}^`);
      assert.equal(reply[2], "% Invalid input detected at '^' marker.");
      assert.equal(lab.get('FLT').runningConfig(), before);
      await sh.run('ip domain-name lab.example', 'FLT(config)#');
      await sh.run('end', 'FLT#');
      assert.match(lab.get('FLT').runningConfig(), /\nip domain-name lab\.example\n/);
    } finally {
      sh.close();
    }
  });
});
