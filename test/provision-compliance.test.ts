import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getProfile } from '../src/device/index.js';
import type { ComplianceScope } from '../src/inventory/index.js';
import { checkCompliance, planRemediation, scopeConfig } from '../src/provision/index.js';

const profile = getProfile('fs-s5850');
const INTENDED = `hostname CORE1
!
username admin privilege 4 password 8 $1$x$y
!
snmp-server location hq
!
ntp server 10.0.0.1
!
interface eth-0-1
 description uplink
 switchport mode trunk
!
interface vlan77
 ip address 10.77.0.10 255.255.255.0
!
end
`;
// A field engineer renamed the port, someone changed the SNMP location, and the NTP server moved.
const RUNNING = INTENDED.replace(' description uplink', ' description to-core-2 (patched by JB)')
  .replace('snmp-server location hq', 'snmp-server location hq room 2')
  .replace('ntp server 10.0.0.1', 'ntp server 10.0.0.9');

const SCOPE: ComplianceScope = {
  features: [{ name: 'interfaces', match: ['interface'] }, { name: 'snmp', match: ['snmp-server'] }, { name: 'login', match: ['username', 'line vty'] }],
  ignore: [['interface', 'description']],
};

void test('the whole config is one feature when the site names none', () => {
  const report = checkCompliance(INTENDED, RUNNING, profile, 'CORE1', { features: [], ignore: [] });
  assert.deepEqual(report.features, [{ name: 'config', compliant: false }]);
  assert.match(report.diff.unified, /^\+ description to-core-2/m);
  assert.deepEqual(checkCompliance(INTENDED, INTENDED, profile, 'CORE1', { features: [], ignore: [] }).features, [{ name: 'config', compliant: true }]);
});

void test('features say which comply; ignored descriptions and lines outside every feature are not compared', () => {
  const report = checkCompliance(INTENDED, RUNNING, profile, 'CORE1', SCOPE);
  assert.deepEqual(report.features, [
    { name: 'interfaces', compliant: true },
    { name: 'snmp', compliant: false },
    { name: 'login', compliant: true },
  ]);
  assert.equal(report.diff.added, 1);
  assert.equal(report.diff.removed, 1);
  assert.doesNotMatch(report.diff.unified, /description|ntp/);
  assert.match(report.diff.unified, /^\+snmp-server location hq room 2$/m);
});

void test('the plan of a scoped config leaves ignored lines and lines outside the features alone', () => {
  const plan = planRemediation(scopeConfig(INTENDED, profile, SCOPE), scopeConfig(RUNNING, profile, SCOPE), profile);
  assert.deepEqual(plan.lines, ['snmp-server location hq']);
  const whole = planRemediation(INTENDED, RUNNING, profile);
  assert.ok(whole.lines.some((line) => line.startsWith('description ')), 'without a scope the description is put back');
});
