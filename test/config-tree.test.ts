import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigTree, renderConfigTree, sameConfig, type ConfigNode } from '../src/config/index.js';
import { getProfile } from '../src/device/index.js';

const leaf = (text: string): ConfigNode => ({ text, children: [] });
const section = (text: string, ...children: ConfigNode[]): ConfigNode => ({ text, children });

void test('indentation nests to any depth; `!` and exit-address-family end sections', () => {
  const text = [
    'Building configuration...',
    'router bgp 65000',
    ' bgp router-id 10.0.0.1',
    ' address-family ipv4 unicast',
    '  network 10.0.0.0 mask 255.255.255.0',
    '  neighbor 10.0.0.2 activate',
    ' exit-address-family',
    ' neighbor 10.0.0.2 remote-as 65001',
    '!',
    'policy-map EDGE',
    ' class VOICE',
    '  police 1000000 8000',
    '   exceed-action drop',
    '!',
    'end',
  ].join('\n');
  assert.deepEqual(parseConfigTree(text, getProfile('cisco-ios').tree), [
    section('router bgp 65000',
      leaf('bgp router-id 10.0.0.1'),
      section('address-family ipv4 unicast', leaf('network 10.0.0.0 mask 255.255.255.0'), leaf('neighbor 10.0.0.2 activate')),
      leaf('neighbor 10.0.0.2 remote-as 65001')),
    section('policy-map EDGE', section('class VOICE', section('police 1000000 8000', leaf('exceed-action drop')))),
  ]);
});

void test('an interface IOS 12.0 printed one space in, after a `!`, is the next top-level section with its body, as a switch types it', () => {
  const text = [
    'interface FastEthernet0/5',
    ' description',
    ' switchport access vlan 300',
    '!',
    ' interface FastEthernet0/6',
    ' description',
    ' switchport access vlan 24',
    '!',
    ' interface FastEthernet0/7',
    '  shutdown',
    '!',
    'hostname C2900',
  ].join('\n');
  assert.deepEqual(parseConfigTree(text, getProfile('cisco-ios').tree), [
    section('interface FastEthernet0/5', leaf('description'), leaf('switchport access vlan 300')),
    section('interface FastEthernet0/6', leaf('description'), leaf('switchport access vlan 24')),
    section('interface FastEthernet0/7', leaf('shutdown')),
    leaf('hostname C2900'),
  ]);
});

void test('an exit at the children\'s indentation closes only its own section', () => {
  const text = 'interface eth-0-1\n description a\n exit\nhostname X\nrouter ospf 1\n area 0 range 10.0.0.0/8\n  exit\n network 10.0.0.0/8 area 0\n';
  assert.deepEqual(parseConfigTree(text, getProfile('fs-s5850').tree), [
    section('interface eth-0-1', leaf('description a')),
    leaf('hostname X'),
    section('router ospf 1', leaf('area 0 range 10.0.0.0/8'), leaf('network 10.0.0.0/8 area 0')),
  ]);
});

void test('FSOS flat interface blocks take the lines up to the next `!`', () => {
  const text = [
    '!<stackingMac>01_64-9d-99-00-00-01_05</stackingMac>',
    'hostname ACC1',
    '!',
    'interface ethernet 1/1',
    'description uplink',
    'switchport allowed vlan add 10',
    'interface ethernet 1/2',
    'shutdown',
    '!',
    'vlan database',
    ' VLAN 10 name Users',
    '!',
    'ip default-gateway 10.0.0.1',
  ].join('\n');
  assert.deepEqual(parseConfigTree(text, getProfile('fs-s3900').tree), [
    leaf('hostname ACC1'),
    section('interface ethernet 1/1', leaf('description uplink'), leaf('switchport allowed vlan add 10')),
    section('interface ethernet 1/2', leaf('shutdown')),
    section('vlan database', leaf('VLAN 10 name Users')),
    leaf('ip default-gateway 10.0.0.1'),
  ]);
});

void test('an FSOS interface printed indented keeps a line after a blank line, and reads back after rendering', () => {
  const syntax = getProfile('fs-s3900').tree;
  const text = 'interface ethernet 1/25\n description up\n dhcp snooping trust\n\n channel-group 1 mode auto\n!\ninterface ethernet 1/28\n shutdown\n\n!\nhostname SW2\n';
  const tree = parseConfigTree(text, syntax);
  assert.deepEqual(tree, [
    section('interface ethernet 1/25', leaf('description up'), leaf('dhcp snooping trust'), leaf('channel-group 1 mode auto')),
    section('interface ethernet 1/28', leaf('shutdown')),
    leaf('hostname SW2'),
  ]);
  const flat = parseConfigTree('interface ethernet 1/1\ndescription a\n!\nhostname X\n', syntax);
  assert.deepEqual(parseConfigTree(renderConfigTree(flat), syntax), flat);
  assert.deepEqual(parseConfigTree(renderConfigTree(tree), syntax), tree);
});

void test('a section printed twice is one section; vlan lists stay next to named vlan blocks', () => {
  const text = 'vlan 1,10-20\n!\nvlan 10\n name users\n!\ninterface vlan 10\n ip address 10.0.10.1 255.255.255.0\n!\ninterface vlan 10\n ip helper-address 10.0.0.5\n!\n';
  assert.deepEqual(parseConfigTree(text, getProfile('fs-s5850').tree), [
    leaf('vlan 1,10-20'),
    section('vlan 10', leaf('name users')),
    section('interface vlan 10', leaf('ip address 10.0.10.1 255.255.255.0'), leaf('ip helper-address 10.0.0.5')),
  ]);
});

void test('NX-OS two-space indentation and a blank line ending a BDCOM block', () => {
  const nxos = 'vrf context management\n  ip route 0.0.0.0/0 10.0.0.1\n  address-family ipv4 unicast\n    maximum routes 100\n';
  assert.deepEqual(parseConfigTree(nxos, getProfile('generic').tree), [
    section('vrf context management', leaf('ip route 0.0.0.0/0 10.0.0.1'), section('address-family ipv4 unicast', leaf('maximum routes 100'))),
  ]);
  const bdcom = 'aaa group server radius R1\n server 10.0.0.9\n\nhostname S3400\n';
  assert.deepEqual(parseConfigTree(bdcom, getProfile('fs-s3900-r').tree), [section('aaa group server radius R1', leaf('server 10.0.0.9')), leaf('hostname S3400')]);
});

void test('render gives one space per level, and parses back to the same tree', () => {
  const tree = [section('router bgp 1', section('address-family ipv4', leaf('network 10.0.0.0/8'))), leaf('hostname X')];
  const text = renderConfigTree(tree);
  assert.equal(text, 'router bgp 1\n address-family ipv4\n  network 10.0.0.0/8\nhostname X\n');
  assert.deepEqual(parseConfigTree(text, getProfile('cisco-ios').tree), tree);
  assert.equal(renderConfigTree([]), '');
});

void test('sameConfig ignores sibling order except inside ordered sections', () => {
  const syntax = getProfile('cisco-ios').tree;
  const a = parseConfigTree('hostname X\ninterface Gi0/1\n description a\n shutdown\nip access-list extended IN\n 10 permit ip any any\n 20 deny ip any any\n', syntax);
  const b = parseConfigTree('ip access-list extended IN\n 10 permit ip any any\n 20 deny ip any any\ninterface Gi0/1\n shutdown\n description a\nhostname X\n', syntax);
  const c = parseConfigTree('hostname X\ninterface Gi0/1\n description a\n shutdown\nip access-list extended IN\n 20 deny ip any any\n 10 permit ip any any\n', syntax);
  assert.equal(sameConfig(a, b, syntax), true);
  assert.equal(sameConfig(a, c, syntax), false);
  assert.equal(sameConfig(a, a.slice(1), syntax), false);
});

void test('runs of blanks inside a line are alignment: IOS\'s `deny   ip` is `deny ip`', () => {
  const syntax = getProfile('cisco-ios').tree;
  assert.deepEqual(parseConfigTree('ip access-list extended IN\n deny   ip any any log\n', syntax), [section('ip access-list extended IN', leaf('deny ip any any log'))]);
});
