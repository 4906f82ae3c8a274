import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Personality } from '../src/lab/index.js';
import { applied, factoryConfig } from './support/lab-model.js';

/** Interface lines as typed, and as each family then prints them. */
const NAMES: Record<Personality, [typed: string, printed: string][]> = {
  'cisco-ios': [
    ['interface Gi0/0', 'interface GigabitEthernet0/0'],
    ['interface gi1/3', 'interface GigabitEthernet1/3'],
    ['interface ATM0/0', 'interface ATM0/0'],
    ['interface ATM0/0.32 point-to-point', 'interface ATM0/0.32 point-to-point'],
    ['interface Dialer1', 'interface Dialer1'],
    ['interface Null0', 'interface Null0'],
    ['interface Ethernet1/127', 'interface Ethernet1/127'],
    ['interface nve1', 'interface nve1'],
    ['interface mgmt0', 'interface mgmt0'],
    // Typed as printed, a name keeps its spelling (NX-OS `loopback0`, IOS 12.0 `VLAN24`); shortened, IOS's.
    ['interface loopback0', 'interface loopback0'],
    ['interface VLAN24', 'interface VLAN24'],
    ['interface vlan 25', 'interface Vlan25'],
    ['interface lo 1', 'interface Loopback1'],
  ],
  'fs-s5850': [
    ['interface eth-0-56', 'interface eth-0-56'],
    ['interface null0', 'interface null0'],
  ],
  'fs-s3900': [['interface ethernet 1/28', 'interface ethernet 1/28']],
  'fs-s3900-r': [
    ['interface TGigaEthernet1/4', 'interface TGigaEthernet1/4'],
    ['interface tg0/6', 'interface TGigaEthernet0/6'],
    ['interface GigaEthernet0/0', 'interface GigaEthernet0/0'],
    ['interface CGigaEthernet0/2', 'interface CGigaEthernet0/2'],
    ['interface Port-aggregator1', 'interface Port-aggregator1'],
  ],
};

void describe('interface names the families have', () => {
  for (const [family, names] of Object.entries(NAMES) as [Personality, [string, string][]][]) {
    void it(`${family}: ${names.map(([typed]) => typed.slice('interface '.length)).join(', ')}`, () => {
      const config = applied(family, factoryConfig(family), names.flatMap(([typed]) => [typed, 'description named', 'exit']));
      for (const [, printed] of names) assert.equal(config[config.indexOf(printed) + 1], ' description named', printed);
    });
  }

  void it('an existing interface is found whatever spelling the command uses', () => {
    const config = applied('cisco-ios', 'interface VLAN24\n description old\n', ['interface vlan 24', 'description new']);
    assert.deepEqual(config, ['interface VLAN24', ' description new', '']);
  });
});
