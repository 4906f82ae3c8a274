import { caretLine, dottedMac, pad, serialFor, stripCommon, uptimeWords, type PersonalityDef } from '../personality.js';
import { ciscoStylePrompt, commonExecCommands, exec, parseTypedInterface } from './common.js';
import { ciscoIosGrammar } from '../model/families/cisco-ios.js';
import { IOS_BEHAVIOUR, IOS_COMMANDS } from './upgrade.js';

const ABBREVIATIONS: [RegExp, string][] = [
  [/^TenGigabitEthernet/, 'Te'],
  [/^GigabitEthernet/, 'Gi'],
  [/^FastEthernet/, 'Fa'],
  [/^Port-channel/, 'Po'],
  [/^Vlan/, 'Vl'],
];

function shortPort(name: string): string {
  for (const [re, short] of ABBREVIATIONS) if (re.test(name)) return name.replace(re, short);
  return name;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** `10:32:11 UTC Mon Jan 5 2026`, as IOS stamps config changes. */
export function iosTime(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${DAYS[d.getUTCDay()] ?? ''} ${MONTHS[d.getUTCMonth()] ?? ''} ${d.getUTCDate()} ${d.getUTCFullYear()}`;
}

const SLOT_PORT = /^\d{1,2}(?:\/\d{1,3}){1,3}(?:\.\d{1,5})?$/;
/** Slot/port, or the bare port number of IOS-XE virtual routers (CSR1000v, Catalyst 8000v: `GigabitEthernet4`). */
const PORT = /^\d{1,2}(?:(?:\/\d{1,3}){1,3})?(?:\.\d{1,5})?$/;
const NUMBER = /^\d{1,5}(?:\.\d{1,5})?$/;

/** IOS, IOS-XE and NX-OS interface types, in the order an abbreviation is tried. */
const IOS_INTERFACES = [
  { name: 'GigabitEthernet', numbers: PORT },
  { name: 'FastEthernet', numbers: SLOT_PORT },
  { name: 'TenGigabitEthernet', numbers: SLOT_PORT },
  { name: 'TwentyFiveGigE', numbers: SLOT_PORT },
  { name: 'FortyGigabitEthernet', numbers: SLOT_PORT },
  { name: 'HundredGigE', numbers: SLOT_PORT },
  { name: 'AppGigabitEthernet', numbers: SLOT_PORT },
  { name: 'Ethernet', numbers: SLOT_PORT },
  { name: 'Port-channel', numbers: NUMBER },
  { name: 'Vlan', numbers: /^([1-9]\d{0,2}|[1-3]\d{3}|40[0-8]\d|409[0-4])$/ },
  { name: 'Loopback', numbers: /^\d{1,10}$/ },
  { name: 'Null', numbers: /^0$/ },
  { name: 'Tunnel', numbers: NUMBER },
  { name: 'ATM', numbers: SLOT_PORT },
  { name: 'Serial', numbers: SLOT_PORT },
  { name: 'Dialer', numbers: NUMBER },
  { name: 'Virtual-Template', numbers: NUMBER },
  { name: 'BVI', numbers: NUMBER },
  { name: 'VirtualPortGroup', numbers: /^\d{1,2}$/ },
  { name: 'mgmt', numbers: /^\d$/ },
  { name: 'nve', numbers: /^\d$/ },
];

/** Cisco IOS (Catalyst): `>` → `enable` + secret → `#`, `configure terminal`, `write memory`. */
export const ciscoIos: PersonalityDef = {
  name: 'cisco-ios',
  startsPrivileged: false,
  prompt: ciscoStylePrompt,
  execCommands: [
    ...commonExecCommands(),
    ...exec('configure terminal', { do: 'configure' }),
    ...exec('write [memory]', { do: 'save' }),
    ...exec('copy running-config startup-config', { do: 'copy-save' }),
    ...exec('terminal width <number:n>', { do: 'terminal-width' }, true),
    ...exec('show lldp neighbors', { do: 'lldp', detail: false }, true),
    ...exec('show lldp neighbors detail', { do: 'lldp', detail: true }, true),
    ...exec('show mac address-table', { do: 'mac' }, true),
    ...IOS_COMMANDS,
  ],
  pager: { text: ' --More-- ', allKey: false },
  invalid: (column) => [caretLine(column), "% Invalid input detected at '^' marker.", ''],
  incomplete: ['% Incomplete command.', ''],
  ambiguous: (line) => [`% Ambiguous command:  "${line}"`],
  unknownWord: ['% Unknown command or computer name, or unable to find computer address'],
  configBanner: 'Enter configuration commands, one per line.  End with CNTL/Z.',
  badSecret: '% Bad secrets',
  hasEnd: true,
  saveOutput: ['Building configuration...', '[OK]'],
  copyPrompt: 'Destination filename [startup-config]? ',
  copyOutput: ['Building configuration...', '[OK]'],
  parseInterface: (words) => parseTypedInterface(words, IOS_INTERFACES, { trailing: ['point-to-point', 'multipoint'], keepFullSpelling: true }),
  portLabel: (name) => shortPort(name),
  grammar: ciscoIosGrammar,
  factoryBody: (hostname, username) => [
    'version 15.2',
    'no service pad',
    'service timestamps debug datetime msec',
    'service timestamps log datetime msec',
    'service password-encryption',
    '!',
    `hostname ${hostname}`,
    '!',
    'boot-start-marker',
    'boot-end-marker',
    '!',
    'enable secret 9 $9$lab0000000000$0000000000000000000000000000000000000000000',
    '!',
    `username ${username} privilege 1 secret 9 $9$lab0000000000$1111111111111111111111111111111111111111111`,
    'no aaa new-model',
    'switch 1 provision ws-c2960x-24ts-l',
    '!',
    'no ip domain-lookup',
    '!',
    'spanning-tree mode rapid-pvst',
    'spanning-tree extend system-id',
    '!',
    'interface Vlan1',
    ' no ip address',
    '!',
    'ip http server',
    'ip http secure-server',
    '!',
    'line con 0',
    'line vty 0 4',
    ' login local',
    ' transport input ssh',
    'line vty 5 15',
    ' login local',
    ' transport input ssh',
  ],
  stripFrame: (lines) =>
    stripCommon(lines, [
      /^Building configuration/,
      /^Current configuration/,
      /^! (Last configuration change|NVRAM config last updated)/,
      /^ntp clock-period/,
    ]),
  render: (body, ctx) => {
    const firstNtp = body.findIndex((l) => l.startsWith('ntp '));
    const at = firstNtp === -1 ? body.length : firstNtp;
    // ntp clock-period drifts as the clock is disciplined: a volatile line by design.
    const clockPeriod = `ntp clock-period ${17179869 + (Math.floor(ctx.now.getTime() / 1000) % 997)}`;
    const withNtp = [...body.slice(0, at), ...(firstNtp === -1 ? ['!'] : []), clockPeriod, ...body.slice(at)];
    const config = [
      '!',
      `! Last configuration change at ${iosTime(ctx.lastChange)} by ${ctx.username}`,
      ...(ctx.savedAt ? [`! NVRAM config last updated at ${iosTime(ctx.savedAt)} by ${ctx.username}`] : []),
      '!',
      ...withNtp,
      '!',
      'end',
    ];
    const bytes = config.reduce((n, l) => n + l.length + 1, 0);
    return ['Building configuration...', '', `Current configuration : ${bytes} bytes`, ...config];
  },
  upgrade: IOS_BEHAVIOUR,
  showVersion: (f) => [
    `Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version ${f.version}, RELEASE SOFTWARE (fc2)`,
    'Technical Support: http://www.cisco.com/techsupport',
    'Copyright (c) 1986-2021 by Cisco Systems, Inc.',
    '',
    `${f.hostname} uptime is ${uptimeWords(f.uptimeSeconds)}`,
    `System image file is "flash:${f.bootedFile ?? 'c2960x-universalk9-mz.152-7.E4.bin'}"`,
    '',
    'cisco WS-C2960X-24TS-L (APM86XXX) processor (revision B0) with 524288K bytes of memory.',
    `Processor board ID ${serialFor(f.mac, 'FOC')}`,
    `Base ethernet MAC Address       : ${f.mac.toUpperCase()}`,
    `System serial number            : ${serialFor(f.mac, 'FOC')}`,
    '',
    'Configuration register is 0xF',
  ],
  showLldp: (f, detail) =>
    detail
      ? [
          '------------------------------------------------',
          ...f.neighbours.flatMap((n) => [
            `Local Intf: ${shortPort(n.localPort)}`,
            `Chassis id: ${dottedMac(n.chassisMac)}`,
            `Port id: ${n.portId}`,
            `Port Description: ${n.portId}`,
            `System Name: ${n.systemName}`,
            '',
            'Time remaining: 104 seconds',
            'System Capabilities: B,R',
            'Enabled Capabilities: B',
            '------------------------------------------------',
          ]),
          '',
          `Total entries displayed: ${f.neighbours.length}`,
        ]
      : [
          'Capability codes:',
          '    (R) Router, (B) Bridge, (T) Telephone, (C) DOCSIS Cable Device',
          '    (W) WLAN Access Point, (P) Repeater, (S) Station, (O) Other',
          '',
          'Device ID           Local Intf     Hold-time  Capability      Port ID',
          ...f.neighbours.map(
            (n) => `${pad(n.systemName, 20)}${pad(shortPort(n.localPort), 15)}${pad('120', 11)}${pad('B', 16)}${n.portId}`,
          ),
          '',
          `Total entries displayed: ${f.neighbours.length}`,
        ],
  showMac: (f) => [
    '          Mac Address Table',
    '-------------------------------------------',
    '',
    'Vlan    Mac Address       Type        Ports',
    '----    -----------       --------    -----',
    ' All    0100.0ccc.cccc    STATIC      CPU',
    ...f.macTable.map(
      (e) => `${String(e.vlan).padStart(4)}    ${pad(dottedMac(e.mac), 18)}${pad('DYNAMIC', 12)}${shortPort(e.port)}`,
    ),
    `Total Mac Addresses for this criterion: ${f.macTable.length + 1}`,
  ],
};
