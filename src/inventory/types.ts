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
  hostKeys: 'pin' | 'off';
  legacyAlgorithms: boolean;
}

export interface SitePolicy {
  onDrift: 'report' | 'remediate';
  /** Renewals of a device checked within this window are not re-checked. */
  recheckAfterMs: number;
}

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
  /** Absolute path of the golden config; absent: the model's rendered template is the baseline. */
  baselineFile?: string;
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
  /** Jobs that may run at once for this site. */
  concurrency: number;
  vars: TemplateVars;
  devices: SiteDevice[];
  portmap: PortmapEntry[];
}
