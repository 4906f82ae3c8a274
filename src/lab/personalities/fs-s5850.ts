import {
  caretLine,
  dottedMac,
  pad,
  serialFor,
  stripCommon,
  uptimeWords,
  type PersonalityDef,
} from '../personality.js';
import { commonExecCommands, exec, parseTypedInterface } from './common.js';

/** FS S5850/S5800, NetworkOS (Centec-derived): lands in `#`, `configure terminal`, `write`. */
export const fsS5850: PersonalityDef = {
  name: 'fs-s5850',
  startsPrivileged: true,
  prompt(hostname, mode) {
    switch (mode.level) {
      case 'user':
        return `${hostname}>`;
      case 'exec':
        return `${hostname}#`;
      case 'config':
        return `${hostname}(config)#`;
      case 'sub':
        return `${hostname}(config-${mode.kind === 'vlan-db' ? 'vlan' : mode.kind === 'other' ? 'sub' : mode.kind})#`;
    }
  },
  execCommands: [
    ...commonExecCommands(),
    ...exec('configure terminal', { do: 'configure' }),
    ...exec('write [memory]', { do: 'save' }),
    ...exec('copy running-config startup-config', { do: 'save' }),
    ...exec('show lldp neighbor|neighbors [brief]', { do: 'lldp', detail: false }),
    ...exec('show lldp neighbor|neighbors detail', { do: 'lldp', detail: true }),
    ...exec('show mac address-table', { do: 'mac' }),
  ],
  pager: { text: ' --More-- ', allKey: false },
  invalid: (column) => [caretLine(column), "% Invalid input detected at '^' marker.", ''],
  incomplete: ['% Incomplete command.', ''],
  ambiguous: (line) => [`% Ambiguous command: "${line}"`, ''],
  configBanner: 'Enter configuration commands, one per line. End with CNTL/Z.',
  badSecret: '% Bad passwords',
  hasEnd: true,
  saveOutput: ['Building configuration...', '[OK]'],
  copyOutput: ['Building configuration...', '[OK]'],
  parseInterface: (words) =>
    parseTypedInterface(words, [
      { name: 'eth-', numbers: /^0-([1-9]|[1-4]\d|5[0-4])$/, minPrefix: 3 },
      { name: 'vlan', numbers: /^([1-9]\d{0,2}|[1-3]\d{3}|40[0-8]\d|409[0-4])$/ },
      { name: 'agg', numbers: /^([1-9]|[1-5]\d|6[0-4])$/ },
      { name: 'loopback', numbers: /^\d{1,2}$/ },
    ]),
  portLabel: (name) => name,
  vlanDatabase: true,
  usernameKeyLength: 2,
  factoryBody: (hostname, username, password) => [
    'version 7.2.2',
    '!',
    `hostname ${hostname}`,
    '!',
    `username ${username} privilege 4 password ${password}`,
    '!',
    'line vty 0 7',
    ' privilege level 4',
  ],
  stripFrame: (lines) => stripCommon(lines, [/^Building configuration/]),
  render: (body) => ['Building configuration...', ...body, '!', 'end'],
  showVersion: (f) => [
    'FSOS Software, S5850, Version 7.2.2',
    'Copyright (C) 2019 by FS.COM.  All rights reserved.',
    `${f.hostname} uptime is ${uptimeWords(f.uptimeSeconds)}`,
    'Hardware Type is 48S6Q',
    'Hardware Version is 2.0',
    'SDRAM size 1024M',
    `System serial number is ${serialFor(f.mac, 'CG0000N')}`,
    'Current Web Version is 6.2.29.r2',
  ],
  showLldp: (f, detail) =>
    f.neighbours.flatMap((n, i) => [
      ...(i > 0 ? [''] : []),
      `Local Port  : ${n.localPort}`,
      ...(detail ? [`Chassis ID  : ${dottedMac(n.chassisMac)}`] : []),
      `Remote Port : ${n.portId}`,
      'Hold Time   : 120',
      'Expire Time : 104',
      `System Name : ${n.systemName}`,
    ]),
  showMac: (f) => [
    '          Mac Address Table',
    '-------------------------------------------',
    '(*)  - Security Entry     (M)  - MLAG Entry',
    '(MO) - MLAG Output Entry  (MI) - MLAG Input Entry',
    '(E)  - EVPN Entry         (EO) - EVPN Output Entry',
    '(EI) - EVPN Input Entry',
    'Vlan    Mac Address       Type        Ports',
    '----    -----------       --------    -----',
    ...f.macTable.map((e) => `${pad(String(e.vlan), 8)}${pad(dottedMac(e.mac), 18)}${pad('dynamic', 12)}${e.port}`),
  ],
};
