import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyConfigCommands } from '../src/lab/index.js';
import { applyConfigLine, RunningConfig, type Frame } from '../src/lab/model/index.js';
import { personality } from '../src/lab/personalities/index.js';
import { applied, factoryConfig, PERSONALITIES, SPELLING } from './support/lab-model.js';

void describe('show running-config prints the tree as the family does', () => {
  for (const family of PERSONALITIES) {
    void it(`${family}: a ! after every section and between groups; what it prints reads back the same`, () => {
      const spell = SPELLING[family];
      const config = applied(family, factoryConfig(family), [spell.port, 'description x', 'exit', 'snmp-server location r1']);
      const port = config.indexOf(spell.portPrinted);
      assert.equal(config[port + 2], '!');
      assert.equal(config[port - 1], '!');
      assert.ok(!config.some((l, i) => l === '!' && config[i + 1] === '!'), 'no empty groups');
      const printed = personality(family).render(config.slice(0, -1), {
        hostname: 'SW', mac: '64:9d:99:00:00:01', username: 'admin', lastChange: new Date(0), now: new Date(0),
      });
      assert.equal(applyConfigCommands(printed.join('\n'), [], family).config, config.join('\n'));
    });
  }

  void it('fs-s5850: a config given in the vendor layout prints back byte for byte', () => {
    const body = ['version 7.2.2', '!', 'hostname GIVEN', '!', 'username admin privilege 4 password pw', '!', 'vlan database', ' vlan 10 name users', '!', 'interface eth-0-1', ' description x', '!', 'line vty 0 7', ' privilege level 4'];
    const text = ['Building configuration...', ...body, '!', 'end'].join('\n');
    assert.equal(applyConfigCommands(text, [], 'fs-s5850').config, `${body.join('\n')}\n`);
  });

  void it('fs-s3900: a VLAN database entry is listed as FSOS 1.x lists it, `VLAN 30 name cams`, however it was typed; typed again it is one entry', () => {
    const config = applied('fs-s3900', 'vlan database\n VLAN 1 name DefaultVlan\n', ['vlan database', 'vlan 30 name cams', 'VLAN 40 name dmz', 'vl 30 name cameras', 'exit']);
    assert.deepEqual(config.slice(0, config.indexOf('!')), ['vlan database', ' VLAN 1 name DefaultVlan', ' VLAN 30 name cameras', ' VLAN 40 name dmz']);
  });

  void it('cisco-ios: ACL entries keep the order and the spacing they were typed with, numbered ones go by number', () => {
    const config = applied('cisco-ios', '', [
      'ip access-list extended EDGE', 'remark first', 'deny   ip host 10.0.0.1 any', 'remark second', 'permit ip any any', 'exit',
      'ip access-list standard 5', '20 deny   any', '10 permit 10.0.0.0 0.0.0.255',
    ]);
    assert.deepEqual(config, [
      'ip access-list extended EDGE', ' remark first', ' deny   ip host 10.0.0.1 any', ' remark second', ' permit ip any any',
      '!',
      'ip access-list standard 5', ' 10 permit 10.0.0.0 0.0.0.255', ' 20 deny   any', '',
    ]);
  });

  void it('cisco-ios: address families print their exit-address-family; where a list line names the VLANs, bare ones print no block', () => {
    const ios = applied('cisco-ios', '', ['router bgp 1', 'address-family ipv6', 'network 2001:db8::/32']);
    assert.deepEqual(ios, ['router bgp 1', ' address-family ipv6', '  network 2001:db8::/32', ' exit-address-family', '']);
    const bdcom = applied('fs-s3900-r', '', ['vlan 20', 'exit', 'vlan 10', 'name users']);
    assert.deepEqual(bdcom, ['vlan 1,10,20', '!', 'vlan 10', ' name users', '']);
    // NX-OS lists VLANs the same way: one stripped of its settings leaves only its number in the list.
    const nxos = applied('cisco-ios', 'vlan 1,100,300\nvlan 300\n  vn-segment 300\n', ['vlan 300', 'no vn-segment 300', 'exit', 'vlan 972', 'name new', 'exit', 'no vlan 100']);
    assert.deepEqual(nxos, ['vlan 1,300,972', '!', 'vlan 972', ' name new', '']);
  });
});

void describe('a command tells whether it changed the config, for the change stamp IOS prints', () => {
  void it('entering sections, exits and no-ops change nothing; settings and removals do', () => {
    const config = RunningConfig.parse(['hostname SW', 'interface GigabitEthernet1/0/1', ' description up']);
    const ios = personality('cisco-ios');
    let path: Frame[] = [];
    const changed = (line: string): boolean => {
      const outcome = applyConfigLine(line, path, config, ios, () => false);
      assert.equal(outcome.kind, 'ok', line);
      path = outcome.path;
      return outcome.changed;
    };
    assert.deepEqual(
      ['interface Gi1/0/1', 'description up', 'no speed', 'description down', 'exit', 'hostname SW', 'hostname NEW', 'interface Gi1/0/2', 'exit', 'default interface Gi1/0/1'].map(changed),
      [false, false, false, true, false, false, true, true, false, true],
    );
  });
});
