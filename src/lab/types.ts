export type Personality = 'fs-s5850' | 'fs-s3900' | 'fs-s3900-r' | 'cisco-ios';

export const PERSONALITIES: readonly Personality[] = ['fs-s5850', 'fs-s3900', 'fs-s3900-r', 'cisco-ios'];

export type LabFault =
  | 'refuse'
  | 'wrong-password'
  | 'slow'
  | 'disconnect-on-show-run'
  | 'hostkey-changed'
  | 'paging-stuck'
  | 'banner'
  | 'legacy-algorithms'
  | 'reject-config'
  /** A reload never ends: the switch stays down (a bad boot, a console waiting for someone). */
  | 'stuck-in-boot';

export const LAB_FAULTS: readonly LabFault[] = [
  'refuse',
  'wrong-password',
  'slow',
  'disconnect-on-show-run',
  'hostkey-changed',
  'paging-stuck',
  'banner',
  'legacy-algorithms',
  'reject-config',
  'stuck-in-boot',
];

export interface LabUplink {
  /** Hostname of the neighbour switch in this lab (its initial or current name). */
  device: string;
  /** The neighbour's port, as its LLDP port id and MAC-table port. */
  port: string;
  /** This switch's port facing the neighbour. */
  localPort: string;
}

export interface LabSwitchSpec {
  hostname: string;
  personality: Personality;
  mac: string;
  username: string;
  password: string;
  enableSecret?: string;
  /** Default: allocated 127.77.0.N. */
  address?: string;
  /** Default: the personality's factory config for `hostname`. */
  runningConfig?: string;
  uplink?: LabUplink;
  faults?: LabFault[];
  /** With the `reject-config` fault: config lines matching this regex are rejected. Default `snmp-server`. */
  rejectPattern?: string;
  /** The OS version it runs at start; default the personality's. */
  version?: string;
  /** How long a reload keeps it down, ms; default the lab's. */
  reloadMs?: number;
}

export interface LabSwitch {
  readonly address: string;
  readonly port: number;
  readonly spec: LabSwitchSpec;
  /** Current hostname (changes with `hostname X`). */
  hostname(): string;
  /** As `show running-config` prints it, without the echoed command; LF line ends. */
  runningConfig(): string;
  /** What the last save stored ('' if never saved). */
  startupConfig(): string;
  /** How many successful saves. */
  saves(): number;
  /** Every line received in a shell or exec request, in order (typed secrets replaced by `<secret>`). */
  commandLog(): string[];
  faults(): LabFault[];
  /** Takes effect for new connections; see `settled()` for `refuse`. */
  setFaults(faults: LabFault[]): void;
  /** Resolves once the listener matches the faults (`refuse` closes it, clearing it reopens it). */
  settled(): Promise<void>;
  /** SHA256 fingerprint (OpenSSH style) of the persistent host key. */
  hostKeyFingerprint(): string;
  /** SSH connections logged in now (authenticated, not yet closed). */
  sessionsOpen(): number;
  /** The most SSH connections that were logged in at the same moment, since the switch was created. */
  mostSessionsAtOnce(): number;
  /** SSH connections that logged in since the switch was created: how many times it was worked on. */
  logins(): number;
  /** The OS version it runs now (`show version`). */
  version(): string;
  /** Image files in its flash, and the one selected for the next boot. */
  flashFiles(): string[];
  bootFile(): string | undefined;
  /** Reloads begun since the switch was created. */
  reloads(): number;
  /** False from a reload until the switch has booted and listens again. */
  isUp(): boolean;
}
