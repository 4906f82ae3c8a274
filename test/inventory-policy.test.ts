import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSite } from '../src/inventory/index.js';
import { siteProblemsOf } from './support/site-problems.js';

const SITE = `name: hq
subnets: [10.77.0.0/24]
credentials: { username: admin, passwordEnv: ONRAMP_TEST_PASSWORD }
devices:
  - { hostname: CORE1, model: fs-s5850, ip: 10.77.0.10 }
`;

void test('policy defaults: nothing allowed, a third of the config at most, roll back on failure; compliance covers everything', () => {
  const site = parseSite('/sites/hq/site.yaml', SITE);
  assert.deepEqual(site.policy.allow, []);
  assert.equal(site.policy.maxChangeRatio, 0.3);
  assert.equal(site.policy.onFailure, 'rollback');
  assert.deepEqual(site.compliance, { features: [], ignore: [] });
  assert.equal(site.devices[0]?.intended, 'template');
});

void test('policy, compliance and intended keys are read', () => {
  const site = parseSite('/sites/hq/site.yaml', SITE.replace('devices:', `policy: { onDrift: remediate, allow: [mgmt-address, hostname], maxChangeRatio: 0.5, onFailure: leave }
compliance:
  sections: { interfaces: [interface], login: [username, line vty] }
  ignore: ["interface > description", "ntp clock-period"]
intended: template
devices:`));
  assert.deepEqual(site.policy.allow, ['mgmt-address', 'hostname']);
  assert.equal(site.policy.maxChangeRatio, 0.5);
  assert.equal(site.policy.onFailure, 'leave');
  assert.deepEqual(site.compliance.features, [{ name: 'interfaces', match: ['interface'] }, { name: 'login', match: ['username', 'line vty'] }]);
  assert.deepEqual(site.compliance.ignore, [['interface', 'description'], ['ntp clock-period']]);
  assert.equal(site.devices[0]?.intended, 'template');
});

void test('a list of sections names each feature after its line start', () => {
  const site = parseSite('/sites/hq/site.yaml', SITE.replace('devices:', 'compliance: { sections: [interface, snmp-server] }\ndevices:'));
  assert.deepEqual(site.compliance.features, [{ name: 'interface', match: ['interface'] }, { name: 'snmp-server', match: ['snmp-server'] }]);
});

void test('bad policy, compliance and intended values name file:line: path and what was expected', () => {
  const lines = siteProblemsOf(SITE.replace('devices:', `policy: { allow: [mgmt-adress], maxChangeRatio: 3, onFailure: retry }
compliance: { sections: { interfaces: 7 }, ignore: ["interface > "], compare: all }
devices:`).replace('ip: 10.77.0.10 }', 'ip: 10.77.0.10, intended: baseline }'));
  const expect = [
    /site\.yaml:4: policy\.allow\[0\]: expected guard-rail classes from: login-user, mgmt-address/,
    /site\.yaml:4: policy\.maxChangeRatio: expected a share of the config above 0 and at most 1/,
    /site\.yaml:4: policy\.onFailure: expected one of: rollback, leave/,
    /site\.yaml:5: compliance\.sections\.interfaces: expected the start of a top-level config line/,
    /site\.yaml:5: compliance\.ignore\[0\]: expected line starts from the top separated by ">"/,
    /site\.yaml:5: compliance\.compare: unknown key/,
    /site\.yaml:7: devices\[0\]\.intended: intended: baseline needs a baseline file/,
  ];
  for (const pattern of expect) assert.ok(lines.some((line) => pattern.test(line)), `${pattern} not in:\n${lines.join('\n')}`);
});
