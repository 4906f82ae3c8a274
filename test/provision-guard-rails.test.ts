import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuardRailClass } from '../src/inventory/index.js';
import { parseConfigTree, type ConfigNode } from '../src/config/index.js';
import { getProfile } from '../src/device/index.js';
import { checkGuardRails, type GuardRailContext, type PlanChange } from '../src/provision/index.js';

/** The running configs below read like a switch's; they are parsed as the FS S5850 family prints them. */
function tree(text: string): ConfigNode[] {
  return parseConfigTree(text, getProfile('fs-s5850').tree);
}

const RUNNING = tree(`hostname CORE1
username admin privilege 4 password 8 $1$hq$abc
username ops privilege 1 password 8 $1$hq$def
ip ssh server enable
vlan database
 vlan 10 name users
 vlan 77 name mgmt
interface eth-0-1
 description uplink
 switchport mode trunk
interface eth-0-2
 description printer
 switchport access vlan 10
interface eth-0-3
 description spare
 shutdown
interface eth-0-4
 description spare
 shutdown
interface eth-0-5
 description spare
 shutdown
interface vlan10
 ip address 10.10.0.1 255.255.255.0
interface vlan77
 description management
 ip address 10.77.0.10 255.255.255.0
ip default-gateway 10.77.0.1
snmp-server location hq
snmp-server contact noc
ntp server 10.77.0.5
logging server 10.77.0.6
line vty 0 7
 privilege level 4
 transport input ssh
 login local`);

const CONTEXT: GuardRailContext = { loginUser: 'admin', mgmtAddress: '10.77.0.10', allow: [], maxChangeRatio: 0.3 };

/** A change as the planner gives it; the rails do not read its undo. */
function change(path: string[], command: string, action: PlanChange['action'], replaces?: string): PlanChange {
  return replaces === undefined ? { path, command, action, undo: [] } : { path, command, action, replaces, undo: [] };
}

function classes(changes: PlanChange[], context: Partial<GuardRailContext> = {}, running = RUNNING): GuardRailClass[] {
  return checkGuardRails({ changes }, running, { ...CONTEXT, ...context }).map((refusal) => refusal.class);
}

const HARMFUL: [GuardRailClass, PlanChange][] = [
  ['login-user', change([], 'no username admin privilege 4 password 8 $1$hq$abc', 'remove', 'username admin privilege 4 password 8 $1$hq$abc')],
  ['login-user', change([], 'username admin privilege 4 password 8 $1$other$xyz', 'replace', 'username admin privilege 4 password 8 $1$hq$abc')],
  ['mgmt-interface', change([], 'no interface vlan77', 'remove', 'interface vlan77')],
  ['mgmt-interface', change(['interface vlan77'], 'shutdown', 'add')],
  ['mgmt-interface', change(['vlan database'], 'no vlan 77', 'remove', 'vlan 77 name mgmt')],
  ['mgmt-address', change(['interface vlan77'], 'ip address 10.77.0.99 255.255.255.0', 'replace', 'ip address 10.77.0.10 255.255.255.0')],
  ['mgmt-address', change(['interface vlan77'], 'no ip address 10.77.0.10 255.255.255.0', 'remove', 'ip address 10.77.0.10 255.255.255.0')],
  ['default-route', change([], 'no ip default-gateway 10.77.0.1', 'remove', 'ip default-gateway 10.77.0.1')],
  ['default-route', change([], 'ip default-gateway 10.77.0.254', 'replace', 'ip default-gateway 10.77.0.1')],
  ['vty-access', change(['line vty 0 7'], 'no login local', 'remove', 'login local')],
  ['vty-access', change(['line vty 0 7'], 'transport input telnet', 'replace', 'transport input ssh')],
  ['vty-access', change([], 'no ip ssh server enable', 'remove', 'ip ssh server enable')],
  ['hostname', change([], 'no hostname CORE1', 'remove', 'hostname CORE1')],
  ['hostname', change([], 'hostname', 'replace', 'hostname CORE1')],
];

for (const [kind, harmful] of HARMFUL) {
  void test(`${kind}: "${[...harmful.path, harmful.command].join(' > ')}" is refused, and let through when the site allows ${kind}`, () => {
    const refusals = checkGuardRails({ changes: [harmful] }, RUNNING, CONTEXT);
    assert.deepEqual(refusals.map((refusal) => refusal.class), [kind]);
    const [refusal] = refusals;
    assert.ok(refusal !== undefined);
    assert.deepEqual(refusal.lines, [[...harmful.path, harmful.command].join(' > ')]);
    assert.match(refusal.reason, /^(?:removes|leaves) /);
    assert.deepEqual(classes([harmful], { allow: [kind] }), []);
  });
}

void test('ordinary changes pass: descriptions (the management interface too), other users, other interfaces, a secondary address, a new hostname', () => {
  assert.deepEqual(classes([
    change(['interface vlan77'], 'description mgmt-vlan', 'replace', 'description management'),
    change(['interface eth-0-2'], 'switchport access vlan 20', 'replace', 'switchport access vlan 10'),
    change(['interface vlan10'], 'ip address 10.10.0.2 255.255.255.0', 'replace', 'ip address 10.10.0.1 255.255.255.0'),
    change(['interface vlan77'], 'ip address 10.77.1.1 255.255.255.0 secondary', 'add'),
    change([], 'no username ops privilege 1 password 8 $1$hq$def', 'remove', 'username ops privilege 1 password 8 $1$hq$def'),
    change([], 'hostname CORE1-NEW', 'replace', 'hostname CORE1'),
    change(['line vty 0 7'], 'exec-timeout 10', 'add'),
  ]), []);
});

void test('the issue\'s broken baseline: no hostname, no username admin, no interface vlan77 give three refusals at once', () => {
  const refusals = checkGuardRails({ changes: [HARMFUL[12]?.[1], HARMFUL[0]?.[1], HARMFUL[2]?.[1]].filter((item) => item !== undefined) }, RUNNING, CONTEXT);
  assert.deepEqual(refusals.map((refusal) => refusal.class).sort(), ['hostname', 'login-user', 'mgmt-interface']);
});

void test('a management address taken from DHCP: the interface with ip address dhcp is the one protected', () => {
  const running = tree('hostname ACC1\nusername admin password 7 x\ninterface vlan1\n ip address dhcp\ninterface vlan20\n ip address 10.20.0.1 255.255.255.0');
  assert.deepEqual(classes([change([], 'no interface vlan1', 'remove', 'interface vlan1')], { mgmtAddress: '10.77.0.162', maxChangeRatio: 1 }, running), ['mgmt-interface']);
  assert.deepEqual(classes([change(['interface vlan1'], 'ip address 10.77.0.9 255.255.255.0', 'replace', 'ip address dhcp')], { mgmtAddress: '10.77.0.162', maxChangeRatio: 1 }, running), ['mgmt-address']);
  assert.deepEqual(classes([change([], 'no interface vlan20', 'remove', 'interface vlan20')], { mgmtAddress: '10.77.0.162', maxChangeRatio: 1 }, running), []);
});

void test('adding a default route where there is none is no change of one', () => {
  const running = tree('hostname A\nusername admin password 7 x\ninterface vlan1\n ip address 10.0.0.2 255.255.255.0\nsnmp-server location x\nntp server 1.1.1.1');
  assert.deepEqual(classes([change([], 'ip route 0.0.0.0 0.0.0.0 10.0.0.1', 'add')], { mgmtAddress: '10.0.0.2', maxChangeRatio: 1 }, running), []);
  assert.deepEqual(classes([change([], 'ip route 0.0.0.0 0.0.0.0 10.0.0.1', 'add')], { mgmtAddress: '10.0.0.2', maxChangeRatio: 1 }, tree('hostname A\nip route 0.0.0.0 0.0.0.0 10.0.0.9\nntp server 1.1.1.1\nlogging 1.1.1.2')), ['default-route']);
});

void test('change-ratio: a removed section counts with its lines; over the site\'s share is refused, at or under it passes', () => {
  // 36 running lines; three spare ports are 9 of them (a quarter).
  const ports = ['eth-0-3', 'eth-0-4', 'eth-0-5'].map((port) => change([], `no interface ${port}`, 'remove', `interface ${port}`));
  assert.deepEqual(classes(ports), []);
  assert.deepEqual(classes(ports, { maxChangeRatio: 0.1 }), ['change-ratio']);
  assert.deepEqual(classes(ports, { maxChangeRatio: 0.1, allow: ['change-ratio'] }), []);
  const many = Array.from({ length: 11 }, (_, index) => change([], `ntp server 10.0.0.${String(index)}`, 'add'));
  const refusals = checkGuardRails({ changes: many }, RUNNING, CONTEXT);
  assert.deepEqual(refusals.map((refusal) => refusal.class), ['change-ratio']);
  assert.match(refusals[0]?.reason ?? '', /more than 30%/);
  assert.deepEqual(refusals[0]?.lines, ['11 of 36 running line(s)']);
  assert.deepEqual(classes(many.slice(0, 10)), []);
});

void test('an empty running config cannot be changed by a ratio; an empty plan is never refused', () => {
  assert.deepEqual(classes([change([], 'ntp server 10.0.0.1', 'add')], {}, []), ['change-ratio']);
  assert.deepEqual(classes([], {}, []), []);
});

void test('without a known management address nothing is protected as management', () => {
  assert.deepEqual(classes([change([], 'no interface vlan77', 'remove', 'interface vlan77')], { mgmtAddress: undefined }), []);
});

void test('FSOS 1.x spelling: the management VLAN of "interface vlan 1" is protected in "VLAN 1" of the vlan database', () => {
  const running = tree('hostname ACC1\nusername admin privilege 15\nvlan database\n VLAN 1 name DefaultVlan media ethernet state active\n VLAN 10 name users media ethernet state active\ninterface vlan 1\n ip address 10.77.0.21 255.255.255.0');
  const context = { mgmtAddress: '10.77.0.21', maxChangeRatio: 1 };
  assert.deepEqual(classes([change(['vlan database'], 'no VLAN 1', 'remove', 'VLAN 1 name DefaultVlan media ethernet state active')], context, running), ['mgmt-interface']);
  assert.deepEqual(classes([change(['vlan database'], 'no VLAN 10', 'remove', 'VLAN 10 name users media ethernet state active')], context, running), []);
});
