import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSite } from '../src/inventory/index.js';
import { siteProblemsOf } from './support/site-problems.js';

const HEAD = `name: hq
subnets: [10.77.0.0/24]
credentials: { username: admin, passwordEnv: ONRAMP_HQ_PASSWORD }
devices: []
notify:
`;

void test('notify: hooks parsed with their defaults and where they are defined', () => {
  const site = parseSite('/sites/hq/site.yaml', `${HEAD}  - webhook: { url: "https://hooks.example.net/x", secretFile: hook.secret, format: teams }
    events: [device.check.drift, hostkey.changed]
  - exec: { argv: [/usr/local/bin/page, --urgent] }
    events: [device.provision.failed]
    timeoutMs: 2000
    retries: 0
    perMinute: 5
  - webhook: { urlEnv: ONRAMP_HQ_SLACK_URL, secretEnv: HOOK, format: slack }
    events: [device.backup.saved]
`);
  assert.deepEqual(site.notify.map((hook) => hook.target), [
    { kind: 'webhook', url: 'https://hooks.example.net/x', format: 'teams', secret: { secretFile: 'hook.secret' } },
    { kind: 'exec', argv: ['/usr/local/bin/page', '--urgent'] },
    { kind: 'webhook', url: { env: 'ONRAMP_HQ_SLACK_URL' }, format: 'slack', secret: { secretEnv: 'HOOK' } },
  ]);
  assert.deepEqual(site.notify.map((hook) => [hook.timeoutMs, hook.retries, hook.perMinute, hook.source.line]), [[10_000, 3, 60, 6], [2000, 0, 5, 8], [10_000, 3, 60, 13]]);
});

void test('notify: mistakes are reported with file:line and what was expected', () => {
  const problems = siteProblemsOf(`${HEAD}  - webhook: { url: "ftp://x", secretEnv: "not a name", format: xml }
    events: [device.check.ok]
  - exec: { argv: [page, now] }
    events: []
  - webhook: { url: "https://u:p@example.net/", secretEnv: HOOK }
    events: [device.check.drift]
    sms: yes
  - events: [device.check.drift]
  - webhook: { url: "https://example.net/" }
    events: [device.check.drift]
  - webhook: { url: "https://example.net/", urlEnv: SLACK_URL, secretEnv: HOOK }
    events: [device.check.drift]
`);
  const expected = [
    /^\/sites\/hq\/site\.yaml:6: notify\[0\]\.webhook\.url: expected an http:\/\/ or https:\/\/ URL$/,
    /^\/sites\/hq\/site\.yaml:6: notify\[0\]\.webhook\.format: expected one of: json, slack, teams$/,
    /^\/sites\/hq\/site\.yaml:6: notify\[0\]\.webhook\.secretEnv: "not a name" is not an environment variable name$/,
    /^\/sites\/hq\/site\.yaml:7: notify\[0\]\.events\[0\]: "device\.check\.ok": expected a non-empty list of events from: device\.check\.drift, /,
    /^\/sites\/hq\/site\.yaml:8: notify\[1\]\.exec\.argv\[0\]: "page" is not an absolute path/,
    /^\/sites\/hq\/site\.yaml:9: notify\[1\]\.events: expected a non-empty list of events/,
    /^\/sites\/hq\/site\.yaml:10: notify\[2\]\.webhook\.url: a URL with a user or password would put a secret in the site file/,
    /^\/sites\/hq\/site\.yaml:12: notify\[2\]\.sms: unknown key \(expected one of: webhook, exec, events, timeoutMs, retries, perMinute\)$/,
    /^\/sites\/hq\/site\.yaml:13: notify\[3\]: missing webhook: or exec:$/,
    /^\/sites\/hq\/site\.yaml:14: notify\[4\]\.webhook: missing secretEnv or secretFile/,
    /^\/sites\/hq\/site\.yaml:16: notify\[5\]\.webhook\.url: give either urlEnv or url, not both$/,
  ];
  assert.equal(problems.length, expected.length, problems.join('\n'));
  for (const pattern of expected) assert.ok(problems.some((line) => pattern.test(line)), `${String(pattern)} in:\n${problems.join('\n')}`);
});

void test('notify: an inline secret is refused like any other', () => {
  const problems = siteProblemsOf(`${HEAD}  - webhook: { url: "https://example.net/", secret: hunter2 }
    events: [device.check.drift]
`);
  assert.ok(problems.some((line) => /site\.yaml:6: notify\[0\]\.webhook\.secret: inline secrets are not allowed/.test(line)), problems.join('\n'));
});
