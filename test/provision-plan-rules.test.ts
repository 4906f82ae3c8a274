import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getProfile } from '../src/device/index.js';
import { planRemediation, rollbackOfApplied } from '../src/provision/index.js';

const ios = getProfile('cisco-ios');
const centec = getProfile('fs-s5850');
const lines = (intended: string, running: string, profile = ios): readonly string[] => planRemediation(intended, running, profile).lines;

void test('harmful: a physical port dropped from the intended config keeps its shutdown', () => {
  const intended = 'hostname A\ninterface Gi0/1\n description uplink\n';
  const running = `${intended}interface Gi0/2\n description retired\n shutdown\n`;
  assert.deepEqual(lines(intended, running), []);
});

void test('harmful: running `no X` lines the intended config lacks are never turned into X', () => {
  const intended = 'hostname A\nline vty 0 4\n transport input ssh\n';
  const running = 'no service pad\nno ip domain-lookup\nno aaa new-model\nhostname A\nline vty 0 4\n no login local\n transport input ssh\n';
  assert.deepEqual(lines(intended, running), []);
});

void test('harmful: hostname, login user and management address changes come after everything else, in that order', () => {
  const intended = 'hostname NEW\nusername admin privilege 15 secret 9 NEWHASH\ninterface vlan1\n ip address 10.0.0.9 255.255.255.0\nsnmp-server location hq\n';
  const running = 'hostname OLD\nusername admin privilege 15 secret 9 OLDHASH\ninterface vlan1\n ip address 10.0.0.2 255.255.255.0\n';
  assert.deepEqual(lines(intended, running), [
    'snmp-server location hq',
    'hostname NEW',
    'username admin privilege 15 secret 9 NEWHASH',
    'interface vlan1', 'ip address 10.0.0.9 255.255.255.0', 'exit',
  ]);
});

void test('single-valued settings are typed over without a no first; a line and its negation are one setting', () => {
  const intended = 'interface Gi0/1\n description new\n switchport access vlan 20\n ip address 10.0.0.1 255.255.255.0\n ip address 10.0.1.1 255.255.255.0 secondary\n shutdown\n';
  const running = 'interface Gi0/1\n description old\n switchport access vlan 10\n ip address 10.0.0.2 255.255.255.0\n no shutdown\n';
  const plan = planRemediation(intended, running, ios);
  assert.deepEqual(plan.lines, [
    'interface Gi0/1', 'description new', 'switchport access vlan 20', 'ip address 10.0.0.1 255.255.255.0', 'ip address 10.0.1.1 255.255.255.0 secondary', 'shutdown', 'exit',
  ]);
  assert.deepEqual(plan.changes.map((c) => c.action), ['replace', 'replace', 'replace', 'add', 'replace']);
});

void test('negate-with forms: a description goes by `no description`, an address by `no ip address`', () => {
  const running = 'interface Gi0/1\n description old\n ip address 10.0.0.2 255.255.255.0\n';
  assert.deepEqual(lines('interface Gi0/1\n', running), ['interface Gi0/1', 'no description', 'no ip address', 'exit']);
});

void test('ordering: a vlan is created before the port that uses it, and removed after the port lets go of it', () => {
  const running = 'vlan 30\n!\ninterface eth-0-1\n switchport access vlan 30\n!\n';
  const intended = 'vlan 40\n!\ninterface eth-0-1\n switchport access vlan 40\n!\n';
  assert.deepEqual(lines(intended, running, centec), ['vlan 40', 'interface eth-0-1', 'switchport access vlan 40', 'exit', 'no vlan 30']);
});

void test('ordering: an ACL exists before an interface applies it; a policy-map goes before the class-map it uses', () => {
  const intended = 'interface Gi0/1\n ip access-group IN in\nip access-list extended IN\n 10 permit ip any any\n';
  assert.deepEqual(lines(intended, 'interface Gi0/1\n'), ['ip access-list extended IN', '10 permit ip any any', 'exit', 'interface Gi0/1', 'ip access-group IN in', 'exit']);
  const running = 'class-map match-any VOICE\n match dscp ef\npolicy-map EDGE\n class VOICE\n  priority 1000\n';
  assert.deepEqual(lines('hostname A\n', `hostname A\n${running}`), ['no policy-map EDGE', 'no class-map match-any VOICE']);
});

void test('sections whose order matters are replaced whole; so are numbered ACLs and prefix lists', () => {
  const running = 'ip access-list extended IN\n 10 permit tcp any any eq 22\n 20 deny ip any any\n';
  const intended = 'ip access-list extended IN\n 10 permit tcp any any eq 22\n 15 permit icmp any any\n 20 deny ip any any\n';
  const plan = planRemediation(intended, running, ios);
  assert.deepEqual(plan.lines, [
    'no ip access-list extended IN',
    'ip access-list extended IN', '10 permit tcp any any eq 22', '15 permit icmp any any', '20 deny ip any any', 'exit',
  ]);
  assert.deepEqual(plan.rollback, ['no ip access-list extended IN', 'ip access-list extended IN', '10 permit tcp any any eq 22', '20 deny ip any any', 'exit']);
  const numbered = lines('access-list 10 permit 10.0.0.0 0.0.0.255\naccess-list 10 deny any\n', 'access-list 10 deny any\n');
  assert.deepEqual(numbered, ['no access-list 10', 'access-list 10 permit 10.0.0.0 0.0.0.255', 'access-list 10 deny any']);
});

void test('three levels: a change under router bgp / address-family is typed there, with the family\'s exits', () => {
  const running = 'router bgp 65000\n neighbor 10.0.0.2 remote-as 65001\n address-family ipv4 unicast\n  network 10.1.0.0 mask 255.255.0.0\n  neighbor 10.0.0.2 activate\n exit-address-family\n!\n';
  const intended = running.replace('  network 10.1.0.0 mask 255.255.0.0\n', '  network 10.2.0.0 mask 255.255.0.0\n');
  const plan = planRemediation(intended, running, ios);
  assert.deepEqual(plan.lines, [
    'router bgp 65000', 'address-family ipv4 unicast', 'no network 10.1.0.0 mask 255.255.0.0', 'network 10.2.0.0 mask 255.255.0.0', 'exit-address-family', 'exit',
  ]);
  assert.deepEqual(plan.changes[0]?.path, ['router bgp 65000', 'address-family ipv4 unicast']);
  assert.deepEqual(plan.rollback, [
    'router bgp 65000', 'address-family ipv4 unicast', 'no network 10.2.0.0 mask 255.255.0.0', 'network 10.1.0.0 mask 255.255.0.0', 'exit-address-family', 'exit',
  ]);
});

void test('a new nested section is typed inside its parent, entered once', () => {
  const running = 'policy-map EDGE\n class VOICE\n  priority 1000\n';
  const intended = `${running} class VIDEO\n  police 2000000 8000\n   exceed-action drop\n`;
  assert.deepEqual(lines(intended, running), ['policy-map EDGE', 'class VIDEO', 'police 2000000 8000', 'exceed-action drop', 'exit', 'exit', 'exit']);
  assert.deepEqual(planRemediation(intended, running, ios).rollback, ['policy-map EDGE', 'no class VIDEO', 'exit']);
});

void test('rollback: every change is undone, newest first, a removed section typed back whole', () => {
  const intended = 'hostname B\ninterface Gi0/1\n description new\n';
  const running = 'hostname A\ninterface Gi0/1\n description old\ninterface vlan 99\n ip address 10.9.9.1 255.255.255.0\n';
  const plan = planRemediation(intended, running, ios);
  assert.deepEqual(plan.lines, ['interface Gi0/1', 'description new', 'exit', 'no interface vlan 99', 'hostname B']);
  assert.deepEqual(plan.rollback, ['hostname A', 'interface vlan 99', 'ip address 10.9.9.1 255.255.255.0', 'exit', 'interface Gi0/1', 'description old', 'exit']);
});

void test('rollbackOfApplied undoes only the changes typed before the rejected line', () => {
  const intended = 'hostname B\ninterface Gi0/1\n description new\n mtu 9000\n';
  const running = 'hostname A\ninterface Gi0/1\n description old\ninterface vlan 99\n shutdown\n';
  const plan = planRemediation(intended, running, ios);
  assert.deepEqual(plan.lines, ['interface Gi0/1', 'description new', 'mtu 9000', 'exit', 'no interface vlan 99', 'hostname B']);
  // `mtu 9000` (line 2) rejected: only the description was applied.
  assert.deepEqual(rollbackOfApplied(plan, 2), ['interface Gi0/1', 'description old', 'exit']);
  assert.deepEqual(rollbackOfApplied(plan, 0), []);
  assert.deepEqual(rollbackOfApplied(plan, plan.lines.length), plan.rollback);
});

void test('harmful: a BGP neighbour\'s remote-as is typed over, never removed first (that would delete the neighbour)', () => {
  const running = 'router bgp 65000\n neighbor 10.0.0.2 remote-as 65001\n neighbor 10.0.0.2 description peer\n';
  const intended = running.replace('remote-as 65001', 'remote-as 65002');
  assert.deepEqual(lines(intended, running), ['router bgp 65000', 'neighbor 10.0.0.2 remote-as 65002', 'exit']);
});

void test('a setting named by two captures: an ACL applied inbound is replaced, the outbound one is kept', () => {
  const running = 'interface Gi0/1\n ip access-group OLD in\n ip access-group OUT out\n';
  const intended = 'interface Gi0/1\n ip access-group NEW in\n ip access-group OUT out\n';
  assert.deepEqual(lines(intended, running), ['interface Gi0/1', 'ip access-group NEW in', 'exit']);
});

void test('vlan lists are sets: only the numbers added and removed are typed, never `no` of the old list', () => {
  const bdcom = getProfile('fs-s3900-r');
  const running = 'vlan 1,10-20,30\n!\nvlan 15\n name users\n!\n';
  const intended = 'vlan 1,10-14,16-22,30\n!\n';
  const plan = planRemediation(intended, running, bdcom);
  // vlan 15 keeps existing only if the list says so: here it goes, with its block.
  assert.deepEqual(plan.lines, ['vlan 21-22', 'no vlan 15']);
  assert.deepEqual(plan.rollback, ['vlan 15', 'name users', 'exit', 'no vlan 21-22']);
});

void test('a named vlan block whose number a vlan list already creates only gets its settings', () => {
  const bdcom = getProfile('fs-s3900-r');
  const running = 'vlan 1-4094\n!\n';
  const intended = 'vlan 1-4094\n!\nvlan 962\n name cameras\n!\n';
  const plan = planRemediation(intended, running, bdcom);
  assert.deepEqual(plan.lines, ['vlan 962', 'name cameras', 'exit']);
  assert.deepEqual(plan.rollback, ['vlan 962', 'no name cameras', 'exit']);
  assert.deepEqual(planRemediation(running, intended, bdcom).lines, ['vlan 962', 'no name cameras', 'exit']);
});

void test('section exits follow the section around them: exit-address-family under router bgp, exit under an NX-OS neighbor', () => {
  const running = 'router bgp 65000\n neighbor 10.0.0.2\n  remote-as 65001\n';
  const intended = `${running}  address-family ipv4 unicast\n   send-community\n address-family ipv4 unicast\n  network 10.0.0.0/8\n`;
  assert.deepEqual(lines(intended, running), [
    'router bgp 65000',
    'neighbor 10.0.0.2', 'address-family ipv4 unicast', 'send-community', 'exit', 'exit',
    'address-family ipv4 unicast', 'network 10.0.0.0/8', 'exit-address-family',
    'exit',
  ]);
});

void test('EIGRP named mode, four levels: af-interface and topology have their own exits', () => {
  const running = 'router eigrp CORP\n address-family ipv4 unicast autonomous-system 100\n  af-interface Gi0/1\n   hello-interval 5\n  exit-af-interface\n  topology base\n   variance 2\n  exit-af-topology\n exit-address-family\n';
  const intended = running.replace('hello-interval 5', 'hello-interval 10').replace('variance 2', 'variance 3');
  assert.deepEqual(lines(intended, running), [
    'router eigrp CORP', 'address-family ipv4 unicast autonomous-system 100',
    'af-interface Gi0/1', 'no hello-interval 5', 'hello-interval 10', 'exit-af-interface',
    'topology base', 'no variance 2', 'variance 3', 'exit-af-topology',
    'exit-address-family', 'exit',
  ]);
});

void test('built-in interfaces are left alone when absent; logical ones and subinterfaces are deleted', () => {
  const running = 'hostname A\ninterface Null0\n no ip unreachables\ninterface mgmt0\n vrf member management\ninterface Port-aggregator1\n description lag\ninterface Gi0/1.10\n encapsulation dot1Q 10\ninterface TGigaEthernet0/1\n shutdown\n';
  assert.deepEqual(lines('hostname A\n', running), ['no interface Port-aggregator1', 'no interface Gi0/1.10']);
});
