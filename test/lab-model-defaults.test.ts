import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applied, factoryConfig, PERSONALITIES, section, SPELLING } from './support/lab-model.js';

void describe('turning off a default-on feature is stored as its no line', () => {
  for (const family of PERSONALITIES) {
    const spell = SPELLING[family];
    void it(`${family}: no lldp transmit on a port is kept; lldp transmit removes that line and prints nothing`, () => {
      const off = applied(family, factoryConfig(family), [spell.port, 'no lldp transmit', 'no lldp transmit']);
      assert.deepEqual(section(off, spell.portPrinted), [' no lldp transmit']);
      const on = applied(family, off.join('\n'), [spell.port, 'lldp transmit']);
      assert.deepEqual(section(on, spell.portPrinted), []);
    });

    void it(`${family}: no of a setting that is not there stores nothing`, () => {
      const config = applied(family, factoryConfig(family), [spell.port, 'no description', 'exit', 'no snmp-server location']);
      assert.deepEqual(section(config, spell.portPrinted), []);
      assert.ok(!config.some((l) => l.startsWith('no snmp-server') || l.includes('no description')));
    });
  }

  void it('cisco-ios: service pad and ip domain-lookup are defaults, aaa new-model prints in both forms', () => {
    const running = factoryConfig('cisco-ios');
    assert.match(running, /^no service pad$/m);
    const config = applied('cisco-ios', running, ['service pad', 'ip domain-lookup', 'aaa new-model']);
    assert.ok(!config.some((l) => /service pad|domain-lookup|no aaa new-model/.test(l)), config.join('\n'));
    assert.ok(config.includes('aaa new-model'));
    const back = applied('cisco-ios', config.join('\n'), ['no service pad', 'no ip domain-lookup', 'no aaa new-model']);
    for (const line of ['no service pad', 'no ip domain-lookup', 'no aaa new-model']) assert.ok(back.includes(line), line);
    assert.ok(!back.includes('aaa new-model'));
  });

  void it('cisco-ios: no ip address on an interface without one is printed, an address replaces it', () => {
    const config = applied('cisco-ios', factoryConfig('cisco-ios'), ['interface Vlan1', 'ip address 10.0.0.2 255.255.255.0']);
    assert.deepEqual(section(config, 'interface Vlan1'), [' ip address 10.0.0.2 255.255.255.0']);
    const cleared = applied('cisco-ios', config.join('\n'), ['interface Vlan1', 'no ip address']);
    assert.deepEqual(section(cleared, 'interface Vlan1'), [' no ip address']);
  });

  void it('fs-s3900: removing a factory account is printed, as FSOS 1.x keeps admin and guest until told', () => {
    const config = applied('fs-s3900', factoryConfig('fs-s3900'), ['no username guest']);
    assert.ok(config.includes('no username guest'));
    const back = applied('fs-s3900', config.join('\n'), ['username guest password 0 guest-pw']);
    assert.ok(!back.includes('no username guest') && back.includes('username guest password 0 guest-pw'));
  });
});
