import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');

void test('npm start: the demo shows all three scenarios, re-checks them clean, and exits 0 by itself', () => {
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
  const recheck = out.slice(out.indexOf('re-checking all three switches'));
  for (const name of ['FS-S5850-CORE1', 'FS-S5850-SRV', 'FS-S3900-ACC1']) {
    assert.match(recheck, new RegExp(`${name}: Configuration OK`));
  }
  assert.match(out, /demo finished: every switch is as its site says\./);
});
