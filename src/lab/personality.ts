import type { Command } from './grammar.js';
import type { FamilyGrammar, Frame } from './model/index.js';
import type { Personality } from './types.js';

/** Where the CLI is: the level decides the prompt and which commands exist; in config mode, the sections typed into. */
export type Mode = { level: 'user' } | { level: 'exec' } | { level: 'config'; path: readonly Frame[] };

export type ExecAction =
  | { do: 'show-running' }
  | { do: 'show-startup' }
  | { do: 'show-version' }
  | { do: 'show-system' }
  | { do: 'lldp'; detail: boolean }
  | { do: 'mac' }
  | { do: 'terminal-length' }
  | { do: 'terminal-width' }
  | { do: 'configure' }
  | { do: 'save' }
  | { do: 'copy-save' }
  | { do: 'enable' }
  | { do: 'disable' }
  | { do: 'logout' }
  /** `copy URL DEST`: an image fetched over HTTP into flash. */
  | { do: 'copy-image' }
  /** `copy http file`: the same, as an FSOS 1.x question-and-answer dialogue. */
  | { do: 'copy-image-dialogue' }
  /** `verify /md5 FILE [HASH]`. */
  | { do: 'verify-image' }
  /** An exec-mode `boot system FILE`. */
  | { do: 'boot-system' }
  | { do: 'reload' };

export interface ExecCommand {
  action: ExecAction;
  /** Available in user mode (`>`) too. */
  user: boolean;
}

export interface Neighbour {
  localPort: string;
  systemName: string;
  portId: string;
  chassisMac: string;
}

export interface MacEntry {
  vlan: number;
  mac: string;
  port: string;
}

/** What show commands print about a switch. */
export interface SwitchFacts {
  hostname: string;
  /** The OS version running now. */
  version: string;
  /** The image the switch booted, when it booted one it fetched. */
  bootedFile?: string;
  mac: string;
  serial: string;
  uptimeSeconds: number;
  now: Date;
  neighbours: Neighbour[];
  macTable: MacEntry[];
}

export interface RenderContext {
  hostname: string;
  mac: string;
  username: string;
  lastChange: Date;
  savedAt?: Date;
  now: Date;
}

/** A question `reload` asks before it goes ahead. */
export interface ReloadQuestion {
  text: string;
  /** Asked only when the running config has changes not saved (IOS). */
  onlyWhenUnsaved?: boolean;
  /** Answers that go on; anything else cancels the reload. */
  proceed: RegExp;
  /** Answers that save the running config first. */
  save?: RegExp;
}

/** How a family installs an OS image: the device side of a profile's upgrade steps. */
export interface UpgradeBehaviour {
  /** What a switch of this family runs out of the box. */
  defaultVersion: string;
  /** The flash file a `copy URL DEST` or boot line names (`flash:FILE`, `flash:/boot/FILE`, `opcode:FILE`); undefined when DEST names none. */
  flashFile(dest: string): string | undefined;
  /** Config-mode lines selecting the next boot image (first capture: where, for flashFile) and clearing the choice. */
  bootConfig?: RegExp;
  clearBootConfig?: RegExp;
  /** The question a URL copy asks about the file name (IOS). */
  copyQuestion?(file: string): string;
  copyDone(url: string, bytes: number): string[];
  copyFailed(url: string, reason: string): string[];
  /** The image is checked as it is written and a bad one refused (FSOS); IOS copies whatever came, and `verify` or the boot finds out. */
  checksOnCopy: boolean;
  reloadQuestions: readonly ReloadQuestion[];
  reloadNotice: string[];
}

export type InterfaceParse = { name: string } | { invalidWord: number } | { incomplete: true };

export interface PersonalityDef {
  name: Personality;
  /** Lands in `HOST#` after login (else `HOST>` and `enable` is needed). */
  startsPrivileged: boolean;
  prompt(hostname: string, mode: Mode): string;
  execCommands: Command<ExecCommand>[];
  /** Text of the pager line, and whether `a` shows everything. */
  pager: { text: string; allKey: boolean };
  /** Lines printed for a syntax error, given the caret column in the echoed line. */
  invalid(column: number): string[];
  incomplete: string[];
  ambiguous(line: string): string[];
  /** Cisco: an unknown single word in exec mode is taken for a host name. */
  unknownWord?: string[];
  /** Printed by the enter-config command. */
  configBanner?: string;
  /** After three wrong enable secrets. */
  badSecret: string;
  /** `end` leaves config mode (FSOS 2.x has only `exit`). */
  hasEnd: boolean;
  /** Saves: what `write` prints, and the `copy running-config startup-config` dialogue. */
  saveOutput: string[];
  copyPrompt?: string;
  copyOutput: string[];
  /** Parses the words after `interface` into the canonical name. */
  parseInterface(words: string[]): InterfaceParse;
  /** How a port appears in LLDP and MAC tables. */
  portLabel(name: string, table: 'lldp' | 'mac'): string;
  /** What config mode accepts and how the running config keeps it. */
  grammar: FamilyGrammar;
  factoryBody(hostname: string, username: string, password: string): string[];
  /** Removes the vendor header/footer from a config given as text. */
  stripFrame(lines: string[]): string[];
  render(body: string[], ctx: RenderContext): string[];
  showVersion(facts: SwitchFacts): string[];
  upgrade: UpgradeBehaviour;
  showSystem?(facts: SwitchFacts): string[];
  showLldp(facts: SwitchFacts, detail: boolean): string[];
  showMac(facts: SwitchFacts): string[];
}

/** `aa:bb:cc:dd:ee:ff` from any common MAC spelling; throws on anything else. */
export function canonicalMac(raw: string): string {
  const hex = raw.toLowerCase().replace(/[^0-9a-f]/g, '');
  if (hex.length !== 12 || !/^[0-9a-f:.\- ]+$/i.test(raw)) throw new Error(`not a MAC address: ${JSON.stringify(raw)}`);
  return hex.match(/../g)?.join(':') ?? hex;
}

export function dottedMac(mac: string): string {
  const hex = mac.replace(/:/g, '');
  return `${hex.slice(0, 4)}.${hex.slice(4, 8)}.${hex.slice(8)}`;
}

export function dashedMac(mac: string): string {
  return mac.replace(/:/g, '-').toUpperCase();
}

export function pad(text: string, width: number): string {
  return text.length >= width ? `${text} ` : text.padEnd(width);
}

export function caretLine(column: number): string {
  return `${' '.repeat(column)}^`;
}

/** Serial numbers in the FS style, stable per MAC. */
export function serialFor(mac: string, prefix: string): string {
  const digits = parseInt(mac.replace(/:/g, '').slice(-6), 16).toString().padStart(8, '0');
  return `${prefix}${digits.slice(-8)}`;
}

export function uptimeWords(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const part = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;
  return `${part(days, 'day')}, ${part(hours, 'hour')}, ${part(minutes, 'minute')}`;
}

/** Drops lines before the first real config line and the trailing `end`. */
export function stripCommon(lines: string[], header: RegExp[]): string[] {
  const body = lines.filter((l) => !header.some((h) => h.test(l)));
  while (body.length > 0 && /^\s*(!.*)?$/.test(body[0] ?? '')) body.shift();
  while (body.length > 0 && /^\s*(!.*|end)?$/.test(body.at(-1) ?? '')) body.pop();
  return body;
}
