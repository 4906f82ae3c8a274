import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getProfile } from '../src/device/index.js';
import { planRemediation } from '../src/provision/index.js';

const profile = getProfile('fs-s5850');

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

const plan = (intended: string, running: string, family = profile): readonly string[] => planRemediation(intended, running, family).lines;

void test('identical configs need nothing, whatever the volatile lines say', () => {
  const result = planRemediation(INTENDED, INTENDED.replace('version 7.2.2', 'version 7.2.3'), profile);
  assert.deepEqual(result.lines, []);
  assert.deepEqual(result.rollback, []);
  assert.deepEqual(result.changes, []);
});

void test('missing lines are added in their section, followed by exit', () => {
  const running = INTENDED.replace(' switchport mode trunk\n', '').replace('interface eth-0-2\n switchport access vlan 10\n!\n', '');
  assert.deepEqual(plan(INTENDED, running), [
    'interface eth-0-1', 'switchport mode trunk', 'exit',
    'interface eth-0-2', 'switchport access vlan 10', 'exit',
  ]);
});

void test('extra lines are removed with no in their section; single-valued settings are replaced without no', () => {
  const running = INTENDED
    .replace('hostname CORE1', 'hostname Switch')
    .replace('snmp-server community public ro', 'snmp-server community public ro\nsnmp-server community guest ro')
    .replace(' description uplink', ' description old\n shutdown')
    .replace(' switchport access vlan 10', ' switchport access vlan 20');
  assert.deepEqual(plan(INTENDED, running), [
    'interface eth-0-1', 'no shutdown', 'description uplink', 'exit',
    'interface eth-0-2', 'switchport access vlan 10', 'exit',
    'no snmp-server community guest ro',
    // The hostname changes the prompt: it comes late.
    'hostname CORE1',
  ]);
});

void test('a physical port the intended config does not mention is left alone; other sections are deleted', () => {
  const running = `${INTENDED.replace('end\n', '')}interface eth-0-9\n description spare\n shutdown\n!\ninterface vlan 99\n ip address 10.9.9.1 255.255.255.0\n!\nend\n`;
  assert.deepEqual(plan(INTENDED, running), ['no interface vlan 99']);
});

void test('a factory config gets the whole intended config', () => {
  const factory = 'Building configuration...\nversion 7.2.2\n!\nhostname Switch\n!\nend\n';
  assert.deepEqual(plan(INTENDED, factory), [
    'snmp-server community public ro',
    'interface eth-0-1', 'description uplink', 'switchport mode trunk', 'exit',
    'interface eth-0-2', 'switchport access vlan 10', 'exit',
    'hostname CORE1',
  ]);
});
