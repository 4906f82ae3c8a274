import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { onramp, ROOT, scratch } from './agent-cli.js';

// onramp run and the firmware flags: an image onramp must serve needs --firmware-http, and the flags' values are checked at start-up.

function siteWithImage(dir: string): void {
  mkdirSync(join(dir, 'sites', 'hq'), { recursive: true });
  const image = Buffer.from('an image');
  writeFileSync(join(dir, 'sites', 'hq', 'img.bix'), image);
  writeFileSync(join(dir, 'sites', 'hq', 'site.yaml'), `name: hq
subnets: [10.77.0.0/24]
credentials: { username: admin, passwordEnv: ONRAMP_FW_CLI_PASSWORD }
firmware:
  fs-s3900: { version: 1.7.6, image: img.bix, sha256: ${createHash('sha256').update(image).digest('hex')} }
`);
  writeFileSync(join(dir, 'dhcpd.log'), '');
}

function run(dir: string, ...extra: string[]): ReturnType<typeof onramp> {
  return onramp(['run', `--conf=${join(ROOT, 'rules', 'dhcp.rules')}`, `--input=${join(dir, 'dhcpd.log')}`, '--notail',
    '--sites', join(dir, 'sites'), '--templates', join(ROOT, 'templates'), '--state', join(dir, 'state'), ...extra]);
}

void test('a site image onramp must serve without --firmware-http stops start-up at its line; with it, onramp runs', (t) => {
  const dir = scratch(t);
  siteWithImage(dir);
  const refused = run(dir);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, new RegExp(`${join(dir, 'sites', 'hq', 'site.yaml').replace(/[.]/g, '\\.')}:5: firmware\\.fs-s3900\\.image: .*img\\.bix is served by onramp: give onramp run --firmware-http ADDR:PORT`));
  const served = run(dir, '--firmware-http', '127.0.0.1:0', '--firmware-timeout', '5m');
  assert.equal(served.code, 0, served.stderr);
});

void test('--firmware-http and --firmware-timeout values are checked', (t) => {
  const dir = scratch(t);
  siteWithImage(dir);
  for (const [args, message] of [
    [['--firmware-http', '0.0.0.0:8069'], /--firmware-http: "0\.0\.0\.0:8069": 0\.0\.0\.0 cannot be put in a URL/],
    [['--firmware-http', 'appliance'], /--firmware-http: "appliance": expected ADDR:PORT/],
    [['--firmware-http', '127.0.0.1:0', '--firmware-timeout', 'soon'], /--firmware-timeout: expected a duration of at least 1s/],
  ] as const) {
    const result = run(dir, ...args);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
  }
});
