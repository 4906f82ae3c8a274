import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRemediation } from '../src/provision/plan.js';

const profile = { volatileLines: [/^Building configuration\.\.\.$/] };

const INTENDED = `Building configuration...
version 7.2.2
!
hostname CORE1
!
snmp-server community public ro
!
interface eth-0-1
 description uplink
 switchport mode trunk
!
interface eth-0-2
 switchport access vlan 10
!
end
`;

void test('identical configs need nothing, whatever the volatile lines say', () => {
  assert.deepEqual(planRemediation(INTENDED, INTENDED.replace('version 7.2.2', 'version 7.2.3'), profile), []);
});

void test('missing lines are added in their block, followed by exit', () => {
  const running = INTENDED.replace(' switchport mode trunk\n', '').replace('interface eth-0-2\n switchport access vlan 10\n!\n', '');
  assert.deepEqual(planRemediation(INTENDED, running, profile), [
    'interface eth-0-1', 'switchport mode trunk', 'exit',
    'interface eth-0-2', 'switchport access vlan 10', 'exit',
  ]);
});

void test('extra lines are removed with no in their context; single-valued settings are replaced without no', () => {
  const running = INTENDED
    .replace('hostname CORE1', 'hostname Switch')
    .replace('snmp-server community public ro', 'snmp-server community public ro\nsnmp-server community guest ro')
    .replace(' description uplink', ' description old\n shutdown')
    .replace(' switchport access vlan 10', ' switchport access vlan 20');
  assert.deepEqual(planRemediation(INTENDED, running, profile), [
    'no snmp-server community guest ro',
    'hostname CORE1',
    'interface eth-0-1', 'no shutdown', 'description uplink', 'exit',
    'interface eth-0-2', 'switchport access vlan 10', 'exit',
  ]);
});

void test('extra blocks: physical interfaces are emptied, others deleted', () => {
  const running = `${INTENDED.replace('end\n', '')}interface eth-0-9\n description spare\n!\ninterface vlan 99\n ip address 10.9.9.1 255.255.255.0\n!\nend\n`;
  assert.deepEqual(planRemediation(INTENDED, running, profile), [
    'interface eth-0-9', 'no description spare', 'exit',
    'no interface vlan 99',
  ]);
});

void test('a factory config gets the whole intended config', () => {
  const factory = 'Building configuration...\nversion 7.2.2\n!\nhostname Switch\n!\nend\n';
  assert.deepEqual(planRemediation(INTENDED, factory, profile), [
    'hostname CORE1',
    'snmp-server community public ro',
    'interface eth-0-1', 'description uplink', 'switchport mode trunk', 'exit',
    'interface eth-0-2', 'switchport access vlan 10', 'exit',
  ]);
});
