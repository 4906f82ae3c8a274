import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applied, factoryConfig, PERSONALITIES, section, SPELLING } from './support/lab-model.js';

void describe('no X removes what X configured', () => {
  for (const family of PERSONALITIES) {
    const spell = SPELLING[family];

    void it(`${family}: no description removes any description, no shutdown the shutdown`, () => {
      const config = applied(family, factoryConfig(family), [
        spell.port, 'description retired', 'shutdown', 'no description something-else', 'exit',
      ]);
      assert.deepEqual(section(config, spell.portPrinted), [' shutdown']);
      const up = applied(family, config.join('\n'), [spell.port, 'no shutdown']);
      assert.deepEqual(section(up, spell.portPrinted), []);
    });

    void it(`${family}: no ip address removes the primary address and leaves the secondary`, () => {
      const config = applied(family, factoryConfig(family), [
        spell.vlanInterface, spell.address(1), `${spell.address(2)} secondary`, 'no ip address',
      ]);
      assert.deepEqual(section(config, spell.vlanInterfacePrinted).filter((l) => l.includes('ip address')), [` ${spell.address(2)} secondary`]);
    });

    void it(`${family}: no <section> removes a VLAN and a VLAN interface whole`, () => {
      const created = applied(family, factoryConfig(family), [...spell.createVlan, spell.vlanInterface, spell.address(1), 'exit']);
      assert.ok(created.some((l) => /vlan 30\b.*cams|^ name cams$/i.test(l)), created.join('\n'));
      const config = applied(family, created.join('\n'), [...spell.deleteVlan, `no ${spell.vlanInterface}`]);
      assert.ok(!config.some((l) => /cams|10\.0\.30\./.test(l)), config.join('\n'));
      assert.ok(!config.includes(spell.vlanInterfacePrinted));
    });
  }

  void it('cisco-ios: no of a switchport setting restores its default and prints nothing', () => {
    const running = applied('cisco-ios', factoryConfig('cisco-ios'), [
      'interface Gi1/0/3', 'switchport access vlan 3', 'switchport nonegotiate', 'switchport trunk encapsulation dot1q', 'exit',
    ]);
    const config = applied('cisco-ios', running.join('\n'), [
      'interface Gi1/0/3', 'no switchport access vlan', 'no switchport nonegotiate', 'no switchport trunk encapsulation dot1q',
    ]);
    assert.deepEqual(section(config, 'interface GigabitEthernet1/0/3'), []);
  });

  void it('cisco-ios: a list item goes by its whole line where NX-OS tells them apart (route-target … evpn)', () => {
    const running = 'vrf context T\n address-family ipv4 unicast\n  route-target import 300:300\n  route-target import 300:300 evpn\n';
    const config = applied('cisco-ios', running, ['vrf context T', 'address-family ipv4 unicast', 'no route-target import 300:300']);
    assert.ok(config.includes('  route-target import 300:300 evpn') && !config.includes('  route-target import 300:300'), config.join('\n'));
  });

  void it('cisco-ios: ipv6 router ospf is a section, so its no lines stay inside it', () => {
    const running = 'ipv6 router ospf 1\n passive-interface Vlan10\n default-information originate\n';
    const config = applied('cisco-ios', running, ['ipv6 router ospf 1', 'no passive-interface Vlan10', 'no default-information originate']);
    assert.deepEqual(config, ['ipv6 router ospf 1', '']);
  });

  void it('cisco-ios: no router bgp and no ip access-list extended remove the whole section', () => {
    const running = applied('cisco-ios', factoryConfig('cisco-ios'), [
      'router bgp 1', 'neighbor 10.0.0.2 remote-as 2', 'address-family ipv4', 'neighbor 10.0.0.2 activate', 'exit-address-family', 'exit',
      'ip access-list extended EDGE-IN', 'permit tcp any any eq 22', 'exit',
    ]);
    const config = applied('cisco-ios', running.join('\n'), ['no router bgp 1', 'no ip access-list extended EDGE-IN']);
    assert.ok(!config.some((l) => /bgp|neighbor|EDGE-IN|permit/.test(l)), config.join('\n'));
  });

  void it('fs-s3900-r: no vlan 30 takes VLAN 30 out of the vlan list line too', () => {
    const created = applied('fs-s3900-r', factoryConfig('fs-s3900-r'), ['vlan 30', 'name cams', 'exit', 'vlan 40-41']);
    assert.ok(created.includes('vlan 1,30,40-41'), created.join('\n'));
    const config = applied('fs-s3900-r', created.join('\n'), ['no vlan 30']);
    assert.ok(config.includes('vlan 1,40-41'), config.join('\n'));
    assert.ok(!config.includes('vlan 30'));
  });
});
