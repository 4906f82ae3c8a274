import type { Command } from '../grammar.js';
import type { ExecCommand, UpgradeBehaviour } from '../personality.js';
import { exec } from './common.js';

/**
 * How each family installs an OS image, written from the device's side:
 * the other half of the profiles' upgrade steps (src/device/profiles/upgrade.ts),
 * so a test drives the one against the other.
 */

/** A flash file named after a fixed prefix (`flash:`, `flash:/boot/`, `opcode:`), if the rest is a clean file name. */
function fileAfter(prefix: string): (dest: string) => string | undefined {
  return (dest) => {
    if (!dest.toLowerCase().startsWith(prefix)) return undefined;
    const name = dest.slice(prefix.length).replace(/^\//, '');
    return /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name) ? name : undefined;
  };
}

const YES = /^y(?:es)?$/i;

/** `copy URL DEST` and `reload` (the IOS-like families). */
export function urlCopyCommands(): Command<ExecCommand>[] {
  return [
    ...exec('copy <word:url> <word:dest>', { do: 'copy-image' }),
    ...exec('reload', { do: 'reload' }),
  ];
}

export const FSOS1_BEHAVIOUR: UpgradeBehaviour = {
  defaultVersion: '1.7.3',
  flashFile: (dest) => fileAfter('opcode:')(dest) ?? fileAfter('')(dest),
  bootConfig: /^boot system (opcode:\S+)$/,
  copyDone: () => ['Flash programming started.', 'Flash programming completed.', 'Success.'],
  copyFailed: (_url, reason) => ['Flash programming started.', `Error: ${reason}; the file was not written.`],
  checksOnCopy: true,
  reloadQuestions: [{ text: 'System will be restarted. Continue <y/n>? ', proceed: YES }],
  reloadNotice: ['System is going down...'],
};

export const FSOS1_COMMANDS: Command<ExecCommand>[] = [
  ...exec('copy http file', { do: 'copy-image-dialogue' }),
  ...exec('reload', { do: 'reload' }),
];

export const FSOS2_BEHAVIOUR: UpgradeBehaviour = {
  defaultVersion: '2.2.0E Build 97109',
  flashFile: fileAfter('flash:'),
  bootConfig: /^boot system (flash:\S+)$/,
  copyDone: (_url, bytes) => [`Download file ...OK (${bytes} bytes)`, 'Writing flash ...OK!'],
  copyFailed: (_url, reason) => [`Error: ${reason}`],
  checksOnCopy: true,
  reloadQuestions: [{ text: 'Do you want to reboot the Switch(y/n) [n]: ', proceed: YES }],
  reloadNotice: ['Rebooting...'],
};

export const FSOS2_COMMANDS: Command<ExecCommand>[] = [
  ...exec('copy <word:url> <word:dest>', { do: 'copy-image' }),
  ...exec('reboot', { do: 'reload' }),
];

export const NETWORKOS_BEHAVIOUR: UpgradeBehaviour = {
  defaultVersion: '7.2.2',
  flashFile: fileAfter('flash:/boot/'),
  copyDone: (_url, bytes) => [`Copied ${bytes} bytes.`],
  copyFailed: (_url, reason) => [`% Error: ${reason}`],
  checksOnCopy: true,
  reloadQuestions: [{ text: 'Are you sure to reload the system? (y/n): ', proceed: YES }],
  reloadNotice: ['The system is going down for reboot NOW!'],
};

export const NETWORKOS_COMMANDS: Command<ExecCommand>[] = [
  ...urlCopyCommands(),
  ...exec('boot system <word:file>', { do: 'boot-system' }),
];

export const IOS_BEHAVIOUR: UpgradeBehaviour = {
  defaultVersion: '15.2(7)E4',
  flashFile: fileAfter('flash:'),
  bootConfig: /^boot system (flash:\S+)$/,
  clearBootConfig: /^no boot system$/,
  copyQuestion: (file) => `Destination filename [${file}]? `,
  copyDone: (url, bytes) => [`Accessing ${url}...`, `Loading ${url} !!!!!!!!`, `[OK - ${bytes}/4096 bytes]`, '', `${bytes} bytes copied in 1.234 secs`],
  copyFailed: (url, reason) => [`Accessing ${url}...`, `%Error opening ${url} (${reason})`],
  checksOnCopy: false,
  reloadQuestions: [
    { text: 'System configuration has been modified. Save? [yes/no]: ', onlyWhenUnsaved: true, proceed: /^(?:y(?:es)?|no?)$/i, save: YES },
    { text: 'Proceed with reload? [confirm]', proceed: /^(?:y(?:es)?)?$/i },
  ],
  reloadNotice: ['', 'Reload requested by console. Reload Reason: Reload Command.'],
};

export const IOS_COMMANDS: Command<ExecCommand>[] = [
  ...urlCopyCommands(),
  ...exec('verify /md5 <word:file> [<word:hash>]', { do: 'verify-image' }),
];
