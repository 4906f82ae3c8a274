import type { UpgradeStepName, UpgradeSteps } from '../device/index.js';

/**
 * The parsed, validated shape of `baselines/<site>/site.yaml`. Everything
 * here has passed validation: names are safe as file names, subnets parse,
 * no secret is inline.
 */

/** Where a secret lives: never in the site file itself. */
export interface CredentialRef {
  username: string;
  passwordEnv?: string;
  passwordFile?: string;
  enableSecretEnv?: string;
  enableSecretFile?: string;
}

export interface Credentials {
  username: string;
  password: string;
  enableSecret?: string;
}

export interface SshSettings {
  port: number;
  timeoutMs: number;
  /** A whole check, remediation or provisioning of one device is abandoned after this long. */
  jobTimeoutMs: number;
  retries: number;
  /** `pin`: trust a device's first key, refuse any other; `tofu-on-move`: also trust a new key where a device moved to; `off`: no check. */
  hostKeys: 'pin' | 'tofu-on-move' | 'off';
  legacyAlgorithms: boolean;
}

/**
 * Kinds of change the guard rails refuse before anything is sent. A site may
 * let one through (`policy.allow`) for a real migration.
 */
export const GUARD_RAIL_CLASSES = [
  'login-user', 'mgmt-address', 'mgmt-interface', 'default-route', 'vty-access', 'hostname', 'change-ratio', 'invalid-intended',
] as const;
export type GuardRailClass = (typeof GUARD_RAIL_CLASSES)[number];

/** After a rejected line: type the inverse of what was applied (`rollback`), or leave it for a person (`leave`). Never saved either way. */
export type OnFailure = 'rollback' | 'leave';

/** A plan changing more than this share of the running config's lines is refused. */
export const DEFAULT_MAX_CHANGE_RATIO = 0.3;

export interface SitePolicy {
  onDrift: 'report' | 'remediate';
  /** Renewals of a device checked within this window are not re-checked. */
  recheckAfterMs: number;
  /** Guard-rail classes this site lets through. */
  allow: readonly GuardRailClass[];
  /** Largest share (0–1] of the running config's lines one plan may touch. */
  maxChangeRatio: number;
  onFailure: OnFailure;
  /** A factory switch the port map does not identify: `park` it (parking template, site login) or only `report` it. */
  unknown: UnknownPolicy;
}

/** What is done with a factory switch the port map does not identify (unknown, ambiguous, conflict, model mismatch). */
export type UnknownPolicy = 'park' | 'report';

/** `parking:` in a site file: the template a parked switch gets instead of `templates/parking-<model>.hbs`. */
export interface ParkingSettings {
  /** A template file name in the templates folder, for every model of the site. */
  template?: string;
}

/** `onboard:` in a site file. */
export interface OnboardSettings {
  /** Factory switches are worked on only when their lease is in one of these; empty: anywhere in the site's subnets. */
  allowedRanges: Subnet[];
}

/**
 * One compliance feature, as Golden Config has them: the top-level lines
 * (and their sections) that start with one of `match`.
 */
export interface ComplianceFeature {
  name: string;
  match: readonly string[];
}

/**
 * A path of line starts from the top: `['interface', 'description']` is a
 * `description` line directly inside an `interface …` section.
 */
export type IgnoredLine = readonly string[];

/** What of a config is compared with its intended one, and what is left alone. */
export interface ComplianceScope {
  /** Empty: the whole config is one feature. */
  features: readonly ComplianceFeature[];
  ignore: readonly IgnoredLine[];
}

/** Where a device's golden config comes from. */
export type IntendedSource = 'baseline' | 'template';

export type TemplateVars = Record<string, unknown>;

export interface SourcePosition {
  file: string;
  line?: number;
}

export interface SiteDevice {
  hostname: string;
  model: string;
  profile: string;
  ip?: string;
  /** `ip: dhcp`: the device's address is whatever DHCP gives it; only its host key (and `mac:`, if given) tells it is this device. */
  ipFromDhcp?: true;
  /** The MAC its leases must come from, when the site gives one. */
  mac?: string;
  /** Absolute path of the golden config; absent: the model's rendered template is the baseline. */
  baselineFile?: string;
  /** `template`: the rendered template is the golden config, whether or not a baseline file exists. */
  intended: IntendedSource;
  vars: TemplateVars;
  source: SourcePosition;
}

export interface Uplink {
  device: string;
  port: string;
}

/** How a factory switch is recognised, and who it becomes. */
export interface PortmapEntry {
  uplink?: Uplink;
  mac?: string;
  /** The serial number the switch reports in `show version`. */
  serial?: string;
  circuitId?: string;
  remoteId?: string;
  hostname: string;
  model: string;
  profile: string;
  vars: TemplateVars;
  source: SourcePosition;
}

export interface Subnet {
  cidr: string;
  network: number;
  mask: number;
  /** Line of the site file it is written on. */
  line?: number;
}

/** Where a model's OS image is: a URL the switch fetches, or a file of the site folder that onramp serves. */
export type FirmwareImage =
  | { kind: 'url'; url: string }
  /** `name` is what the switch asks for; nothing else is ever served. */
  | { kind: 'file'; path: string; name: string };

/** `firmware.<model>`: the OS version a model must run, and how a factory switch on another one is upgraded. */
export interface FirmwareTarget {
  model: string;
  version: string;
  image: FirmwareImage;
  /** Lower-case hex. */
  sha256: string;
  /** The profile's steps with the site's overrides of inferred ones applied. */
  steps: UpgradeSteps;
  /** The steps the site overrode, for the log and `sites check`. */
  overridden: UpgradeStepName[];
  /** How long a reloaded switch has to come back (a DHCPACK, or SSH answering). */
  returnTimeoutMs: number;
  source: SourcePosition;
}

/** `backups:` of a site. */
export interface SiteBackups {
  /** Keep an encrypted unmasked copy of each version, so that `onramp restore` can push it back. */
  restorable: boolean;
  /** The environment variable holding the key of those copies. */
  keyEnv: string;
  /** Where the git backup store pushes (ssh://, file:// or user@host:path). */
  remote?: string;
}

export interface Site {
  name: string;
  /** Folder holding site.yaml and the baselines. */
  dir: string;
  file: string;
  subnets: Subnet[];
  credentials: CredentialRef;
  factoryCredentials?: CredentialRef;
  ssh: SshSettings;
  policy: SitePolicy;
  compliance: ComplianceScope;
  /** Jobs that may run at once for this site. */
  concurrency: number;
  vars: TemplateVars;
  devices: SiteDevice[];
  portmap: PortmapEntry[];
  parking: ParkingSettings;
  onboard: OnboardSettings;
  /** `notify:` hooks, in file order; none when absent. */
  notify: NotifyHook[];
  /** `firmware:` by model; empty when absent. */
  firmware: FirmwareTarget[];
  backups: SiteBackups;
}

/** How a webhook's body is shaped: onramp's own JSON, or a Slack- or Teams-compatible incoming-webhook message. */
export type WebhookFormat = 'json' | 'slack' | 'teams';

/** Where a hook's signing secret comes from: never the site file itself. */
export interface SecretRef {
  secretEnv?: string;
  secretFile?: string;
}

export type NotifyTarget =
  /** `url`, or `urlEnv` naming the variable holding it: a Slack or Teams URL is itself a credential. */
  | { kind: 'webhook'; url: string | { env: string }; format: WebhookFormat; secret: SecretRef }
  | { kind: 'exec'; argv: string[] };

/** One `notify:` entry: where to deliver, which events, and its limits. */
export interface NotifyHook {
  target: NotifyTarget;
  events: string[];
  timeoutMs: number;
  /** Attempts after the first, each after twice the wait of the one before. */
  retries: number;
  /** Events accepted per minute; beyond it they are dropped and counted. */
  perMinute: number;
  source: { file: string; line?: number };
}
