import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyConfigCommands } from '../src/lab/index.js';
import { personality } from '../src/lab/personalities/index.js';
import { factoryConfig, PERSONALITIES, refusal, SPELLING } from './support/lab-model.js';

/** The family's syntax-error lines for a caret at `column`, without the blank ones. */
function invalidAt(family: (typeof PERSONALITIES)[number], column: number): string {
  return personality(family).invalid(column).filter((l) => l.trim() !== '').join('\n');
}

void describe('what the family does not accept is refused with its marker, and changes nothing', () => {
  for (const family of PERSONALITIES) {
    const spell = SPELLING[family];
    void it(`${family}: an unknown command, at its first word; the lines after it are not typed`, () => {
      const running = factoryConfig(family);
      const refused = refusal(family, running, ['hostname BEFORE', 'frobnicate the switch', 'hostname AFTER']);
      assert.deepEqual({ index: refused.index, message: refused.message }, { index: 1, message: invalidAt(family, 0) });
      assert.ok(refused.config.includes('hostname BEFORE') && !refused.config.includes('hostname AFTER'));
    });

    void it(`${family}: VLAN 5000 is out of range, in vlan, in a port and in a list`, () => {
      const running = factoryConfig(family);
      const vlanLine = spell.createVlan[0] === 'vlan database' ? ['vlan database', 'vlan 5000 name big'] : ['vlan 5000'];
      const global = refusal(family, running, vlanLine);
      assert.equal(global.message, invalidAt(family, 'vlan '.length));
      const port = refusal(family, running, [spell.port, 'switchport trunk allowed vlan 10,4095']);
      assert.equal(port.message, invalidAt(family, 'switchport trunk allowed vlan '.length));
      assert.equal(global.config, applyConfigCommands(running, vlanLine.slice(0, -1), family).config);
    });

    void it(`${family}: an unknown port setting is refused, not taken by the sections around it`, () => {
      const refused = refusal(family, factoryConfig(family), [spell.port, 'frobnicate 3']);
      assert.equal(refused.message, invalidAt(family, 0));
    });

    void it(`${family}: a command missing its value is incomplete`, () => {
      const refused = refusal(family, factoryConfig(family), [spell.port, 'speed']);
      assert.equal(refused.message, personality(family).incomplete.filter((l) => l !== '').join('\n'));
    });
  }
});
