import { caretLine, dottedMac, pad, serialFor, stripCommon, type PersonalityDef } from '../personality.js';
import { commonExecCommands, exec, parseTypedInterface } from './common.js';
import { fsos2Grammar } from '../model/families/fs.js';
import { FSOS2_BEHAVIOUR, FSOS2_COMMANDS } from './upgrade.js';

const SHORT: [RegExp, string][] = [
  [/^TGigaEthernet/, 'tg'],
  [/^GigaEthernet/, 'g'],
  [/^VLAN/, 'v'],
  [/^Null/, 'null'],
];

/** `GigaEthernet0/1` → `g0/1` (prompts and MAC table). */
function shortPort(name: string): string {
  for (const [re, short] of SHORT) if (re.test(name)) return name.replace(re, short);
  return name;
}

/** `GigaEthernet0/1` → `Gig0/1` (LLDP table). */
function lldpPort(name: string): string {
  return name.replace(/^TGigaEthernet/, 'TGig').replace(/^GigaEthernet/, 'Gig');
}

function uptime(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${d}:${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

function clock(now: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${now.getUTCFullYear()}-${p(now.getUTCMonth() + 1)}-${p(now.getUTCDate())} ${p(now.getUTCHours())}:${p(now.getUTCMinutes())}:${p(now.getUTCSeconds())}`;
}

/** FS S3900-R / S3400, FSOS 2.x (BDCOM heritage): `>` → `enable` → `#`, `config` → `_config#`, `exit` per level, `write`. */
export const fsS3900R: PersonalityDef = {
  name: 'fs-s3900-r',
  startsPrivileged: false,
  prompt(hostname, mode) {
    switch (mode.level) {
      case 'user':
        return `${hostname}>`;
      case 'exec':
        return `${hostname}#`;
      case 'config': {
        const section = mode.path.at(-1);
        if (section === undefined) return `${hostname}_config#`;
        const words = section.node.text.split(' ');
        const arg = words.slice(1).join('');
        if (section.kind === 'interface') return `${hostname}_config_${shortPort(arg)}#`;
        if (section.kind === 'vlan') return `${hostname}_config_vlan${arg}#`;
        return `${hostname}_config_${words[0] ?? ''}#`;
      }
    }
  },
  execCommands: [
    ...commonExecCommands(),
    ...exec('config', { do: 'configure' }),
    ...exec('write', { do: 'save' }),
    ...exec('terminal width <number:n>', { do: 'terminal-width' }),
    ...exec('show lldp neighbors|neighbor', { do: 'lldp', detail: false }, true),
    ...exec('show lldp neighbors|neighbor detail', { do: 'lldp', detail: true }),
    ...exec('show mac address-table', { do: 'mac' }),
    ...FSOS2_COMMANDS,
  ],
  pager: { text: ' --More-- ', allKey: false },
  invalid: (column) => [caretLine(column), 'Unknown command'],
  incomplete: ['Incomplete command'],
  ambiguous: () => ['Ambiguous command'],
  badSecret: '% Access denied',
  hasEnd: false,
  saveOutput: ['Saving current configuration...', 'OK!'],
  copyOutput: [],
  parseInterface: (words) =>
    parseTypedInterface(words, [
      { name: 'TGigaEthernet', numbers: /^\d\/([1-9]|[1-4]\d|5[0-2])$/ },
      { name: 'GigaEthernet', numbers: /^\d\/([0-9]|[1-4]\d|5[0-2])$/ },
      { name: 'CGigaEthernet', numbers: /^\d\/([1-9]|1\d)$/ },
      { name: 'Port-aggregator', numbers: /^([1-9]|[1-5]\d|6[0-4])$/ },
      { name: 'VLAN', numbers: /^([1-9]\d{0,2}|[1-3]\d{3}|40[0-8]\d|409[0-4])$/ },
      { name: 'Null', numbers: /^0$/ },
    ]),
  portLabel: (name, table) => (table === 'lldp' ? lldpPort(name) : shortPort(name)),
  grammar: fsos2Grammar,
  factoryBody: (hostname, username) => [
    'service timestamps log date',
    'service timestamps debug date',
    'service password-encryption',
    '!',
    `hostname ${hostname}`,
    '!',
    'aaa authentication login default local',
    'aaa authentication enable default none',
    '!',
    `username ${username} password 7 0932840928a209842390`,
    '!',
    'interface Null0',
    '!',
    'interface VLAN1',
    ' ip address dhcp',
  ],
  stripFrame: (lines) =>
    stripCommon(lines, [/^Building configuration/, /^Current configuration/, /^!version /]),
  render: (body) => [
    'Building configuration...',
    '',
    '',
    '',
    'Current configuration:',
    '!',
    '!version 2.2.0E build 97109',
    ...body,
    '!',
    'end',
  ],
  upgrade: FSOS2_BEHAVIOUR,
  showVersion: (f) => [
    'Fiberstore Co., Limited Internetwork Operating System Software',
    `S3900-24F4S-R Series Software, Version ${f.version}, RELEASE SOFTWARE`,
    'Copyright (c) 2021 by FS.COM All Rights Reserved',
    'ROM: System Bootstrap, Version 0.1.4,hardware version:A',
    `Serial num:${serialFor(f.mac, 'CG0000N')}, ID num:20000000001`,
    `System image file is "${f.bootedFile ?? 'switch.bin'}"`,
    'FS S3900-24F4S-R RISC',
    `Base ethernet MAC Address: ${f.mac}`,
    `${f.hostname} uptime is ${uptime(f.uptimeSeconds)}, The current time: ${clock(f.now)}`,
    ' Reboot history information:',
    '  No. 1: System is rebooted by power-on',
  ],
  showLldp: (f, detail) =>
    detail
      ? f.neighbours.flatMap((n, i) => [
          ...(i > 0 ? [''] : []),
          `local port: ${lldpPort(n.localPort)}`,
          `chassis id: ${dottedMac(n.chassisMac)}`,
          `port id: ${n.portId}`,
          `system name: ${n.systemName}`,
        ])
      : [
          'Capability Codes: R-Router, B-Bridge, T-Telephone, C-DOCSIS Cable Device',
          '                  W-WLAN Access Point, P-Repeater, S-Station, O-Other',
          '',
          'System Name          Local Intf     Port ID              Capability  Aging-time',
          ...f.neighbours.map(
            (n) => `${pad(n.systemName, 21)}${pad(lldpPort(n.localPort), 15)}${pad(n.portId, 21)}${pad('B', 12)}1m52s`,
          ),
        ],
  showMac: (f) => [
    'Vlan    Mac Address       Type       Ports',
    '----    -----------       ----       -----',
    ...f.macTable.map((e) => `${pad(String(e.vlan), 8)}${pad(dottedMac(e.mac), 18)}${pad('DYNAMIC', 11)}${shortPort(e.port)}`),
  ],
};
