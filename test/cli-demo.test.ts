import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');

void test('npm start: the demo shows its four scenarios (one switch parked), re-checks the known ones clean, and exits 0 by itself', () => {
  // spawnSync returns only when the process has exited: a lab server or watcher left running would hang it until the timeout.
  const result = spawnSync(process.execPath, [join(ROOT, 'dist', 'bin', 'onramp.js'), 'demo'], { cwd: ROOT, encoding: 'utf8', timeout: 90_000 });
  assert.equal(result.error, undefined, 'the demo finished before the timeout');
  assert.equal(result.status, 0, result.stdout + result.stderr);
  const out = result.stdout;
  assert.match(out, /FS-S5850-CORE1: Configuration OK/);
  assert.match(out, /FS-S5850-SRV: drift against the baseline/);
  assert.match(out, /^ {8}- description server-b$/m, 'the drift diff is shown');
  assert.match(out, /FS-S5850-SRV: drift remediated with \d+ line\(s\), saved and verified/);
  assert.match(out, /identified as FS-S3900-ACC1 by lldp/);
  assert.match(out, /FS-S3900-ACC1: provisioned as FS-S3900-ACC1/);
  assert.match(out, /Switch be:b5:de:01:12:d4: no port map entry matches this switch/);
  assert.match(out, /Switch be:b5:de:01:12:d4: parked \(unknown\) with parking-fs-s3900\.hbs and the site login, saved/);
  assert.match(out, /the unknown one is parked as parked-beb5de0112d4/);
  const recheck = out.slice(out.indexOf('re-checking the 3 known switches'));
  for (const name of ['FS-S5850-CORE1', 'FS-S5850-SRV', 'FS-S3900-ACC1']) {
    assert.match(recheck, new RegExp(`${name}: Configuration OK`));
  }
  assert.match(out, /demo finished: every switch is as its site says\./);
  assert.match(out, /web console: http:\/\/127\.0\.0\.1:\d+ {2}\(user demo, password \S+;/, 'the console runs on a free loopback port during the demo');
  assert.doesNotMatch(out, /press Enter/, 'without --keep it does not wait');
});

void test('npm start -- --keep: the console answers after the demo until Enter is pressed, then everything is cleaned up', async () => {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'bin', 'onramp.js'), 'demo', '--keep'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  const waiting = new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('press Enter')) resolve();
    });
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  await waiting;
  const url = /web console: (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
  assert.ok(url !== undefined, out);
  assert.equal((await fetch(`${url}/login`)).status, 200, 'still answering after the demo finished');
  child.stdin.end('\n');
  assert.equal(await exited, 0);
  clearTimeout(timer);
  await assert.rejects(fetch(`${url}/login`), 'stopped after Enter');
});
