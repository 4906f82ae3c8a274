import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applied, factoryConfig, PERSONALITIES, section, SPELLING } from './support/lab-model.js';

/** The access-VLAN setting of each family: FSOS 2.x sets it as the port's PVID. */
const ACCESS_VLAN = { 'cisco-ios': 'switchport access vlan', 'fs-s5850': 'switchport access vlan', 'fs-s3900': 'switchport access vlan', 'fs-s3900-r': 'switchport pvid' } as const;

void describe('a setting that holds one value takes the new value in place', () => {
  for (const family of PERSONALITIES) {
    const spell = SPELLING[family];

    void it(`${family}: hostname, snmp-server location`, () => {
      const config = applied(family, factoryConfig(family), [
        'hostname FIRST', 'snmp-server location rack-1', 'hostname SECOND', 'snmp-server location rack-2',
      ]);
      assert.deepEqual(config.filter((l) => l.startsWith('hostname ')), ['hostname SECOND']);
      assert.deepEqual(config.filter((l) => l.startsWith('snmp-server location')), ['snmp-server location rack-2']);
    });

    void it(`${family}: description, mode, access VLAN, mtu and speed of a port`, () => {
      const vlan = ACCESS_VLAN[family];
      const config = applied(family, factoryConfig(family), [
        spell.port,
        'description first', 'switchport mode trunk', `${vlan} 10`, 'mtu 1500', 'speed 100', 'storm-control broadcast pps 1000',
        'description second', 'switchport mode access', `${vlan} 20`, 'mtu 9000', 'speed 1000', 'storm-control broadcast pps 200',
      ]);
      assert.deepEqual(section(config, spell.portPrinted), [
        ' description second', ' switchport mode access', ` ${vlan} 20`, ' mtu 9000', ' speed 1000', ' storm-control broadcast pps 200',
      ]);
    });

    void it(`${family}: an address without secondary replaces the primary, a secondary adds`, () => {
      const config = applied(family, factoryConfig(family), [
        spell.vlanInterface, spell.address(1), spell.address(2), `${spell.address(3)} secondary`,
      ]);
      assert.deepEqual(section(config, spell.vlanInterfacePrinted).filter((l) => l.includes('ip address')), [
        ` ${spell.address(2)}`, ` ${spell.address(3)} secondary`,
      ]);
    });
  }

  void it('cisco-ios: add, remove and except edit the one list of VLANs a trunk allows; all of them is the default', () => {
    const edits: [typed: string, printed: string | undefined][] = [
      ['switchport trunk allowed vlan 10,20', 'switchport trunk allowed vlan 10,20'],
      ['switchport trunk allowed vlan add 30-32', 'switchport trunk allowed vlan 10,20,30-32'],
      ['switchport trunk allowed vlan remove 20,31', 'switchport trunk allowed vlan 10,30,32'],
      ['switchport trunk allowed vlan except 1-9', 'switchport trunk allowed vlan 10-4094'],
      ['switchport trunk allowed vlan add 1-9', undefined],
      ['switchport trunk allowed vlan remove 1-4094', 'switchport trunk allowed vlan none'],
      ['no switchport trunk allowed vlan', undefined],
    ];
    let running = factoryConfig('cisco-ios');
    for (const [typed, printed] of edits) {
      const config = applied('cisco-ios', running, ['interface Gi1/0/2', typed]);
      assert.deepEqual(section(config, 'interface GigabitEthernet1/0/2'), printed === undefined ? [] : [` ${printed}`], typed);
      running = config.join('\n');
    }
  });

  void it('fs-s5850: trunk VLANs are added a line at a time, as NetworkOS prints them', () => {
    const config = applied('fs-s5850', factoryConfig('fs-s5850'), [
      'interface eth-0-2', 'switchport trunk allowed vlan add 10,20', 'switchport trunk allowed vlan add 30',
    ]);
    assert.deepEqual(section(config, 'interface eth-0-2'), [' switchport trunk allowed vlan add 10,20', ' switchport trunk allowed vlan add 30']);
  });

  void it('cisco-ios: the trunk native VLAN is one value, list items (routes) are not', () => {
    const config = applied('cisco-ios', factoryConfig('cisco-ios'), [
      'interface Gi1/0/2', 'switchport trunk native vlan 10', 'switchport trunk native vlan 99', 'exit',
      'ip route 10.1.0.0 255.255.0.0 10.0.0.1', 'ip route 10.2.0.0 255.255.0.0 10.0.0.1',
    ]);
    assert.deepEqual(section(config, 'interface GigabitEthernet1/0/2'), [' switchport trunk native vlan 99']);
    assert.equal(config.filter((l) => l.startsWith('ip route ')).length, 2);
  });
});
