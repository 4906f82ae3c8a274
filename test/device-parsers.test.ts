import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalPort, parseLldpNeighbors, parseMacTable } from '../src/device/index.js';

// Samples in the formats of VENDORS.md.

void test('LLDP: Centec `show lldp neighbor brief` blocks (fs-s5850)', () => {
  const out = [
    'Local Port  : eth-0-49', 'Remote Port : Ethernet1/49', 'Hold Time   : 120', 'Expire Time : 104', 'System Name : core-sw1', '',
    'Local Port  : eth-0-50', 'Remote Port : eth-0-1', 'Hold Time   : 120', 'Expire Time : 99', 'System Name : LAB-S5850-B', '',
  ].join('\n');
  assert.deepEqual(parseLldpNeighbors(out), [
    { localPort: 'eth-0-49', portId: 'Ethernet1/49', systemName: 'core-sw1' },
    { localPort: 'eth-0-50', portId: 'eth-0-1', systemName: 'LAB-S5850-B' },
  ]);
});

void test('LLDP: Edgecore table (fs-s3900) with blanks inside the port names', () => {
  const out = [
    'LLDP Remote Devices Information',
    ' Local Port Chassis ID        Port ID           Hold Time   System Name',
    ' ---------- ----------------- ----------------- ----------- --------------------',
    ' Eth 1/19   18-E8-29-00-00-10 18-E8-29-00-00-10 120 seconds ap-01',
    ' Group 1    CC-4E-24-00-00-7E CC-4E-24-00-00-B0 120 seconds core-sw1',
  ].join('\n');
  assert.deepEqual(parseLldpNeighbors(out), [
    { localPort: 'Eth 1/19', portId: '18-E8-29-00-00-10', systemName: 'ap-01' },
    { localPort: 'Group 1', portId: 'CC-4E-24-00-00-B0', systemName: 'core-sw1' },
  ]);
});

void test('LLDP: Cisco table, with a device id longer than its column', () => {
  const out = [
    'Capability codes:', '    (R) Router, (B) Bridge, (T) Telephone, (C) DOCSIS Cable Device',
    '    (W) WLAN Access Point, (P) Repeater, (S) Station, (O) Other', '',
    'Device ID           Local Intf     Hold-time  Capability      Port ID',
    'core-sw1            Gi1/0/49       120        B,R             Ethernet1/49',
    'a-very-long-device-name Gi1/0/2    120        B               Eth 1/25',
    '', 'Total entries displayed: 2',
  ].join('\n');
  assert.deepEqual(parseLldpNeighbors(out), [
    { localPort: 'Gi1/0/49', portId: 'Ethernet1/49', systemName: 'core-sw1' },
    { localPort: 'Gi1/0/2', portId: 'Eth 1/25', systemName: 'a-very-long-device-name' },
  ]);
});

void test('LLDP: Cisco detail blocks and nothing for an empty table', () => {
  const detail = [
    '------------------------------------------------', 'Local Intf: Gi1/0/49', 'Chassis id: 00aa.bb01.0203', 'Port id: Ethernet1/49',
    'Port Description: uplink', 'System Name: core-sw1', '', 'System Description:', 'FSOS Software', 'Time remaining: 101 seconds',
  ].join('\n');
  assert.deepEqual(parseLldpNeighbors(detail), [{ localPort: 'Gi1/0/49', portId: 'Ethernet1/49', systemName: 'core-sw1' }]);
  assert.deepEqual(parseLldpNeighbors('Device ID           Local Intf     Hold-time  Capability      Port ID\n\nTotal entries displayed: 0\n'), []);
  assert.deepEqual(parseLldpNeighbors(''), []);
});

void test('MAC: Centec table (fs-s5850)', () => {
  const out = [
    '          Mac Address Table', '-------------------------------------------',
    '(*)  - Security Entry     (M)  - MLAG Entry', '(MO) - MLAG Output Entry  (MI) - MLAG Input Entry',
    '(E)  - EVPN Entry         (EO) - EVPN Output Entry', '(EI) - EVPN Input Entry',
    'Vlan    Mac Address       Type        Ports', '----    -----------       --------    -----',
    '10      00aa.bb01.0203    dynamic     eth-0-1', '20      00aa.bb01.0a0b    static      eth-0-2',
  ].join('\n');
  assert.deepEqual(parseMacTable(out), [
    { mac: '00:aa:bb:01:02:03', vlan: 10, port: 'eth-0-1' },
    { mac: '00:aa:bb:01:0a:0b', vlan: 20, port: 'eth-0-2' },
  ]);
});

void test('MAC: Edgecore table (fs-s3900), interface first, dashes and upper case', () => {
  const out = [
    ' Interface MAC Address       VLAN Type      Life Time', ' --------- ----------------- ---- --------- -----------------',
    '  Eth 1/ 1 00-AA-BB-01-02-03   10 Learn     Delete on Timeout', '  Eth 1/25 00-AA-BB-0A-0B-0C    1 Learn     Delete on Timeout',
  ].join('\n');
  assert.deepEqual(parseMacTable(out), [
    { mac: '00:aa:bb:01:02:03', vlan: 10, port: 'Eth 1/1' },
    { mac: '00:aa:bb:0a:0b:0c', vlan: 1, port: 'Eth 1/25' },
  ]);
});

void test('MAC: BDCOM (fs-s3900-r) and Cisco tables; `All` has no VLAN', () => {
  const bdcom = ['Vlan    Mac Address       Type       Ports', '----    -----------       ----       -----', '10      00aa.bb01.0203    DYNAMIC    g0/1', '20      00aa.bb01.0a0b    DYNAMIC    tg0/1'].join('\n');
  assert.deepEqual(parseMacTable(bdcom), [
    { mac: '00:aa:bb:01:02:03', vlan: 10, port: 'g0/1' },
    { mac: '00:aa:bb:01:0a:0b', vlan: 20, port: 'tg0/1' },
  ]);
  const cisco = [
    '          Mac Address Table', '-------------------------------------------', '',
    'Vlan    Mac Address       Type        Ports', '----    -----------       --------    -----',
    ' All    0100.0ccc.cccc    STATIC      CPU', '  10    00aa.bb01.0203    DYNAMIC     Gi1/0/1', 'Total Mac Addresses for this criterion: 2',
  ].join('\n');
  assert.deepEqual(parseMacTable(cisco), [
    { mac: '01:00:0c:cc:cc:cc', port: 'CPU' },
    { mac: '00:aa:bb:01:02:03', vlan: 10, port: 'Gi1/0/1' },
  ]);
});

void test('canonicalPort folds the Edgecore padding', () => {
  assert.equal(canonicalPort(' Eth 1/ 1 '), 'Eth 1/1');
  assert.equal(canonicalPort('eth-0-1'), 'eth-0-1');
});
