import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inAllowedRange, parseSite } from '../src/inventory/index.js';
import { siteProblemsOf } from './support/site-problems.js';

const SITE = `name: hq
subnets: [10.77.0.0/24, 10.78.0.0/16]
credentials: { username: admin, passwordEnv: ONRAMP_TEST_PASSWORD }
devices:
  - { hostname: CORE1, model: fs-s5850, ip: 10.77.0.10 }
`;

void test('defaults: unknown factory switches are parked with parking-<family>.hbs, anywhere in the subnets', () => {
  const site = parseSite('/sites/hq/site.yaml', SITE);
  assert.equal(site.policy.unknown, 'park');
  assert.deepEqual(site.parking, {});
  assert.deepEqual(site.onboard.allowedRanges, []);
  assert.ok(inAllowedRange(site.onboard, '10.77.0.250'));
});

void test('policy.unknown, parking.template and onboard.allowedRanges are read', () => {
  const site = parseSite('/sites/hq/site.yaml', SITE.replace('devices:', `policy: { unknown: report }
parking: { template: parking-hq.hbs }
onboard: { allowedRanges: [10.77.0.128/25, 10.78.4.0/24] }
devices:`));
  assert.equal(site.policy.unknown, 'report');
  assert.equal(site.parking.template, 'parking-hq.hbs');
  assert.deepEqual(site.onboard.allowedRanges.map((range) => range.cidr), ['10.77.0.128/25', '10.78.4.0/24']);
  assert.ok(inAllowedRange(site.onboard, '10.77.0.200'));
  assert.ok(inAllowedRange(site.onboard, '10.78.4.9'));
  assert.ok(!inAllowedRange(site.onboard, '10.77.0.100'));
  assert.ok(!inAllowedRange(site.onboard, '10.78.5.9'));
});

void test('bad values are named with their line and what was expected', () => {
  const problems = siteProblemsOf(SITE.replace('devices:', `policy: { unknown: ignore }
parking: { template: ../evil.hbs, vlan: 999 }
onboard:
  allowedRanges: [10.77.0.128/25, 10.99.0.0/24, 10.77.0.0/33, 7]
  ranges: []
devices:`));
  assert.deepEqual(problems, [
    '/sites/hq/site.yaml:4: policy.unknown: expected one of: park, report',
    '/sites/hq/site.yaml:5: parking.vlan: unknown key (expected one of: template)',
    '/sites/hq/site.yaml:5: parking.template: "../evil.hbs" is not a template file name in the templates folder (NAME.hbs: letters, digits, \'.\', \'_\', \'-\')',
    '/sites/hq/site.yaml:8: onboard.ranges: unknown key (expected one of: allowedRanges)',
    '/sites/hq/site.yaml:7: onboard.allowedRanges[1]: 10.99.0.0/24 is not inside any of the site\'s subnets (10.77.0.0/24, 10.78.0.0/16)',
    '/sites/hq/site.yaml:7: onboard.allowedRanges[2]: prefix length 33 is over 32',
    '/sites/hq/site.yaml:7: onboard.allowedRanges[3]: expected a CIDR range string',
  ]);
  assert.deepEqual(siteProblemsOf(SITE.replace('devices:', 'onboard: { allowedRanges: [] }\ndevices:')), [
    '/sites/hq/site.yaml:4: onboard.allowedRanges: expected a non-empty list of CIDR ranges, such as [10.77.0.128/25]',
  ]);
});
