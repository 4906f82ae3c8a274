import { createHash } from 'node:crypto';
import { caretLine, dashedMac, pad, serialFor, stripCommon, type PersonalityDef } from '../personality.js';
import { ciscoStylePrompt, commonExecCommands, exec, parseTypedInterface } from './common.js';
import { fsos1Grammar } from '../model/families/fs.js';
import { FSOS1_BEHAVIOUR, FSOS1_COMMANDS } from './upgrade.js';

/** `ethernet 1/1` → `Eth 1/ 1`, as FSOS 1.x tables print ports. */
function showPort(name: string): string {
  const eth = /^ethernet (\d+)\/(\d+)$/.exec(name);
  if (eth) return `Eth ${eth[1] ?? ''}/${(eth[2] ?? '').padStart(2)}`;
  const trunk = /^port-channel (\d+)$/.exec(name);
  if (trunk) return `Trunk ${trunk[1] ?? ''}`;
  return name;
}

/** FS S3900, FSOS 1.x (Edgecore heritage): `configure`, `copy running-config startup-config` with a file-name prompt. */
export const fsS3900: PersonalityDef = {
  name: 'fs-s3900',
  startsPrivileged: true,
  prompt: ciscoStylePrompt,
  execCommands: [
    ...commonExecCommands(),
    ...exec('configure', { do: 'configure' }),
    ...exec('copy running-config startup-config', { do: 'copy-save' }),
    ...exec('terminal width <number:n>', { do: 'terminal-width' }, true),
    ...exec('show lldp neighbor|neighbors', { do: 'lldp', detail: false }),
    ...exec('show lldp info remote-device', { do: 'lldp', detail: false }),
    ...exec('show mac-address-table', { do: 'mac' }),
    ...exec('show system', { do: 'show-system' }, true),
    ...FSOS1_COMMANDS,
  ],
  pager: { text: '--- [Space] Next page, [Enter] Next line, [A] All, Others to exit ---', allKey: true },
  invalid: (column) => [caretLine(column), "% Invalid input detected at '^' marker.", ''],
  incomplete: ['% Incomplete command.', ''],
  ambiguous: (line) => [`% Ambiguous command: "${line}"`, ''],
  badSecret: '% Bad passwords',
  hasEnd: true,
  saveOutput: [],
  copyPrompt: 'Startup configuration file name [startup1.cfg]: ',
  copyOutput: ['Write to FLASH Programming.', '', 'Write to FLASH finish.', 'Success.'],
  parseInterface: (words) =>
    parseTypedInterface(words, [
      { name: 'ethernet ', numbers: /^1\/([1-9]|[1-4]\d|5[0-2])$/ },
      { name: 'vlan ', numbers: /^([1-9]\d{0,2}|[1-3]\d{3}|40[0-8]\d|409[0-4])$/ },
      { name: 'port-channel ', numbers: /^([1-9]|[1-2]\d|3[0-2])$/ },
    ]),
  portLabel: (name) => showPort(name),
  grammar: fsos1Grammar,
  factoryBody: (hostname, username, password) => [
    `hostname ${hostname}`,
    '!',
    `username ${username} privilege 15`,
    `username ${username} password 7 ${createHash('md5').update(password).digest('hex')}`,
    '!',
    'vlan database',
    ' VLAN 1 name DefaultVlan media ethernet state active',
    '!',
    'line console',
    '!',
    'line vty',
  ],
  stripFrame: (lines) => stripCommon(lines, [/^Building running configuration/, /^!</]),
  render: (body, ctx) => [
    'Building running configuration. Please wait...',
    '!<Version>0.0.2</Version>',
    '!<stackingDB>000000000000</stackingDB>',
    `!<stackingMac>01_${dashedMac(ctx.mac).toLowerCase()}_05</stackingMac>`,
    '!<stackingMac>00_00-00-00-00-00-00_00</stackingMac>',
    '!',
    ...body,
    '!',
    'end',
    '!',
  ],
  upgrade: FSOS1_BEHAVIOUR,
  showVersion: (f) => [
    'Unit 1 -----------------------------',
    ` Serial Number          : ${serialFor(f.mac, 'CG0000N')}`,
    ' Hardware Version       : 1.0',
    ' Number of Ports        : 28',
    ' Loader Version         : 1.4',
    ` Operation Code Version : ${f.version}`,
  ],
  showSystem: (f) => [
    'System Description : S3900-24T4S',
    'System OID String  : 1.3.6.1.4.1.52642.2.1.45.101',
    'System Information',
    ` System Up Time    : ${Math.floor(f.uptimeSeconds / 86400)} days, ${Math.floor((f.uptimeSeconds % 86400) / 3600)} hours, ${Math.floor((f.uptimeSeconds % 3600) / 60)} minutes, and ${f.uptimeSeconds % 60} seconds`,
    ` System Name       : ${f.hostname}`,
    ' System Location   :',
    ' System Contact    :',
    ` MAC Address (Unit 1) : ${dashedMac(f.mac)}`,
  ],
  showLldp: (f) => [
    'LLDP Remote Devices Information',
    ' Local Port Chassis ID        Port ID           Hold Time   System Name',
    ' ---------- ----------------- ----------------- ----------- --------------------',
    ...f.neighbours.map(
      (n) =>
        ` ${pad(showPort(n.localPort), 11)}${pad(dashedMac(n.chassisMac), 18)}${pad(n.portId, 18)}${pad('120 seconds', 12)}${n.systemName}`,
    ),
  ],
  showMac: (f) => [
    ' Interface MAC Address       VLAN Type      Life Time',
    ' --------- ----------------- ---- --------- -----------------',
    ...f.macTable.map(
      (e) =>
        ` ${showPort(e.port).padStart(9)} ${dashedMac(e.mac)} ${String(e.vlan).padStart(4)} ${pad('Learn', 10)}Delete on Timeout`,
    ),
  ],
};
