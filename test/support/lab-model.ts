import assert from 'node:assert/strict';
import { applyConfigCommands, PERSONALITIES, type Personality } from '../../src/lab/index.js';
import { personality } from '../../src/lab/personalities/index.js';

export { PERSONALITIES, type Personality };

/** The factory running config of a family, as `show running-config` prints it. */
export function factoryConfig(family: Personality): string {
  return `${personality(family).factoryBody('SW', 'admin', 'pw').join('\n')}\n`;
}

/** Types `commands` on a switch of `family` and returns its config lines; every line must be accepted. */
export function applied(family: Personality, running: string, commands: readonly string[]): string[] {
  const result = applyConfigCommands(running, commands, family);
  assert.equal(result.rejected, undefined, `${family}: ${JSON.stringify(result.rejected)}`);
  return result.config.split('\n');
}

/** Types `commands` and returns the refusal, which must happen. */
export function refusal(family: Personality, running: string, commands: readonly string[]): { index: number; line: string; message: string; config: string } {
  const result = applyConfigCommands(running, commands, family);
  assert.ok(result.rejected, `${family}: every line was accepted:\n${result.config}`);
  return { ...result.rejected, config: result.config };
}

/** The lines of `config` inside the top-level section `opener`, indented as printed. */
export function section(config: readonly string[], opener: string): string[] {
  const start = config.indexOf(opener);
  assert.notEqual(start, -1, `no ${opener} in:\n${config.join('\n')}`);
  const end = config.findIndex((l, i) => i > start && !l.startsWith(' '));
  return config.slice(start + 1, end === -1 ? undefined : end);
}

/** How each family spells what the model tests type. */
export interface FamilySpelling {
  /** A front port as typed, and its `interface` line as printed. */
  port: string;
  portPrinted: string;
  /** The VLAN 30 interface as typed and printed. */
  vlanInterface: string;
  vlanInterfacePrinted: string;
  /** An address and a secondary one, in the family's notation. */
  address: (host: number) => string;
  /** Lines that create VLAN 30 named cams, and the line that deletes it, typed from global config. */
  createVlan: string[];
  deleteVlan: string[];
}

export const SPELLING: Record<Personality, FamilySpelling> = {
  'cisco-ios': {
    port: 'interface Gi1/0/5',
    portPrinted: 'interface GigabitEthernet1/0/5',
    vlanInterface: 'interface vlan 30',
    vlanInterfacePrinted: 'interface Vlan30',
    address: (host) => `ip address 10.0.30.${String(host)} 255.255.255.0`,
    createVlan: ['vlan 30', 'name cams', 'exit'],
    deleteVlan: ['no vlan 30'],
  },
  'fs-s5850': {
    port: 'interface eth-0-5',
    portPrinted: 'interface eth-0-5',
    vlanInterface: 'interface vlan30',
    vlanInterfacePrinted: 'interface vlan30',
    address: (host) => `ip address 10.0.30.${String(host)}/24`,
    createVlan: ['vlan database', 'vlan 30 name cams', 'exit'],
    deleteVlan: ['vlan database', 'no vlan 30', 'exit'],
  },
  'fs-s3900': {
    port: 'interface ethernet 1/5',
    portPrinted: 'interface ethernet 1/5',
    vlanInterface: 'interface vlan 30',
    vlanInterfacePrinted: 'interface vlan 30',
    address: (host) => `ip address 10.0.30.${String(host)} 255.255.255.0`,
    createVlan: ['vlan database', 'vlan 30 name cams', 'exit'],
    deleteVlan: ['vlan database', 'no vlan 30', 'exit'],
  },
  'fs-s3900-r': {
    port: 'interface g0/5',
    portPrinted: 'interface GigaEthernet0/5',
    vlanInterface: 'interface vlan 30',
    vlanInterfacePrinted: 'interface VLAN30',
    address: (host) => `ip address 10.0.30.${String(host)} 255.255.255.0`,
    createVlan: ['vlan 30', 'name cams', 'exit'],
    deleteVlan: ['no vlan 30'],
  },
};
