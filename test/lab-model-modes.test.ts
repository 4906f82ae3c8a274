import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applied, factoryConfig, PERSONALITIES, refusal, section, SPELLING } from './support/lab-model.js';

void describe('config mode keeps a stack of sections of any depth', () => {
  for (const family of PERSONALITIES) {
    void it(`${family}: policy-map → class → police, dropping back two levels for the next class`, () => {
      const config = applied(family, factoryConfig(family), [
        'policy-map EDGE',
        'class VOICE',
        'police cir 8000',
        'conform-action transmit',
        'class VIDEO',
        'bandwidth 100',
        'exit',
        'exit',
        'hostname DEPTH',
      ]);
      assert.deepEqual(section(config, 'policy-map EDGE'), [
        ' class VOICE',
        '  police cir 8000',
        '   conform-action transmit',
        ' class VIDEO',
        '  bandwidth 100',
      ]);
      assert.ok(config.includes('hostname DEPTH'));
    });

    void it(`${family}: a global command typed at depth 3 lands in global config`, () => {
      const { port, portPrinted } = SPELLING[family];
      const refused = refusal(family, factoryConfig(family), [
        'policy-map EDGE',
        'class VOICE',
        'police cir 8000',
        port,
        'description three-up',
        'exit',
        'exit',
        'hostname NEVER',
      ]);
      // interface → global → exec: the line after the second exit is no longer in config mode.
      assert.equal(refused.index, 7);
      assert.deepEqual(section(refused.config.split('\n'), portPrinted), [' description three-up']);
    });
  }

  void it('cisco-ios: router bgp → address-family → exit-address-family, printed with its closing line', () => {
    const config = applied('cisco-ios', factoryConfig('cisco-ios'), [
      'router bgp 65000',
      'neighbor 10.0.0.1 remote-as 65001',
      'address-family ipv4 unicast',
      'neighbor 10.0.0.1 activate',
      'exit-address-family',
      'bgp log-neighbor-changes',
    ]);
    assert.deepEqual(section(config, 'router bgp 65000'), [
      ' neighbor 10.0.0.1 remote-as 65001',
      ' address-family ipv4 unicast',
      '  neighbor 10.0.0.1 activate',
      ' exit-address-family',
      ' bgp log-neighbor-changes',
    ]);
  });

  void it('cisco-ios: EIGRP named mode nests four deep and leaves each level by its own exit', () => {
    const config = applied('cisco-ios', '', [
      'router eigrp CORE',
      'address-family ipv4 unicast autonomous-system 10',
      'af-interface Ethernet0/1',
      'bandwidth-percent 20',
      'exit-af-interface',
      'topology base',
      'variance 2',
      'exit-af-topology',
      'network 10.0.0.0',
      'exit-address-family',
      'exit',
      'hostname AFTER',
    ]);
    assert.deepEqual(section(config, 'router eigrp CORE'), [
      ' address-family ipv4 unicast autonomous-system 10',
      '  af-interface Ethernet0/1',
      '   bandwidth-percent 20',
      '  exit-af-interface',
      '  topology base',
      '   variance 2',
      '  exit-af-topology',
      '  network 10.0.0.0',
      ' exit-address-family',
    ]);
    assert.ok(config.includes('hostname AFTER'));
  });

  void it('cisco-ios: NX-OS style BGP neighbours are sections with their own address families', () => {
    const config = applied('cisco-ios', factoryConfig('cisco-ios'), [
      'router bgp 64701',
      'neighbor 10.1.1.1',
      'remote-as 64600',
      'address-family l2vpn evpn',
      'send-community extended',
      // NX-OS prints none; IOS-style plans type it, and it leaves the address family only.
      'exit-address-family',
      'update-source loopback0',
      'neighbor 10.1.1.2',
      'remote-as 64600',
    ]);
    assert.deepEqual(section(config, 'router bgp 64701'), [
      ' neighbor 10.1.1.1',
      '  remote-as 64600',
      '  address-family l2vpn evpn',
      '   send-community extended',
      '  update-source loopback0',
      ' neighbor 10.1.1.2',
      '  remote-as 64600',
    ]);
  });

  void it('cisco-ios: interface → service instance, exit returns to the interface', () => {
    const config = applied('cisco-ios', factoryConfig('cisco-ios'), [
      'interface Gi1/0/1',
      'service instance 10 ethernet',
      'encapsulation dot1q 10',
      'exit',
      'description uni',
    ]);
    assert.deepEqual(section(config, 'interface GigabitEthernet1/0/1'), [
      ' service instance 10 ethernet',
      '  encapsulation dot1q 10',
      ' description uni',
    ]);
  });

  void it('fs-s3900-r: localauthor is a section, aggregator-group a port setting', () => {
    const config = applied('fs-s3900-r', factoryConfig('fs-s3900-r'), [
      'localauthor full', 'exec privilege default 8', 'exit', 'interface g0/3', 'aggregator-group 1 mode lacp',
    ]);
    assert.deepEqual(section(config, 'localauthor full'), [' exec privilege default 8']);
    assert.deepEqual(section(config, 'interface GigaEthernet0/3'), [' aggregator-group 1 mode lacp']);
  });

  void it('exit-address-family outside an address family is refused', () => {
    const refused = refusal('cisco-ios', factoryConfig('cisco-ios'), ['router bgp 1', 'exit-address-family']);
    assert.equal(refused.index, 1);
    assert.match(refused.message, /% Invalid input detected/);
  });
});
