import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { personality } from '../src/lab/personalities/index.js';
import { applied, factoryConfig, PERSONALITIES, refusal, section, SPELLING } from './support/lab-model.js';

void describe('physical ports cannot be deleted, only reset', () => {
  for (const family of PERSONALITIES) {
    const spell = SPELLING[family];
    void it(`${family}: no interface <port> is refused with the family's error, the port keeps its lines`, () => {
      const running = applied(family, factoryConfig(family), [spell.port, 'description keep', 'shutdown', 'exit']).join('\n');
      const refused = refusal(family, running, [`no ${spell.port}`]);
      const marker = personality(family).invalid(0).filter((l) => l.trim() !== '' && l.trim() !== '^');
      assert.ok(marker.every((l) => refused.message.includes(l)), refused.message);
      assert.equal(refused.message.split('\n')[0]?.indexOf('^'), `no ${spell.port}`.indexOf(spell.port.split(' ')[1] ?? ''));
      assert.deepEqual(section(refused.config.split('\n'), spell.portPrinted), [' description keep', ' shutdown']);
    });

    void it(`${family}: default interface <port> empties the port; a VLAN interface can be deleted`, () => {
      const running = applied(family, factoryConfig(family), [spell.port, 'description gone', 'shutdown', 'exit', spell.vlanInterface, 'exit']);
      const config = applied(family, running.join('\n'), [`default ${spell.port}`, `no ${spell.vlanInterface}`]);
      assert.deepEqual(section(config, spell.portPrinted), []);
      assert.ok(!config.includes(spell.vlanInterfacePrinted));
    });
  }
});
