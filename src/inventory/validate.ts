import { isIPv4 } from 'node:net';
import { isMap, isNode, type Document, type LineCounter } from 'yaml';
import { profileNames } from '../device/index.js';
import { isSafeName } from '../state/index.js';
import type { SiteProblem } from './errors.js';
import { parseDuration } from './durations.js';
import { profileForModel } from './models.js';
import { parseSubnet } from './subnets.js';
import { complianceScope } from './validate-compliance.js';
import { firmwareTargets } from './validate-firmware.js';
import { siteBackups } from './validate-backups.js';
import { notifyHooks } from './validate-notify.js';
import { onboardSettings, parkingSettings } from './validate-onboard.js';
import {
  DEFAULT_MAX_CHANGE_RATIO, GUARD_RAIL_CLASSES,
  type CredentialRef, type GuardRailClass, type IntendedSource, type PortmapEntry, type Site, type SiteDevice, type SitePolicy,
  type SourcePosition, type SshSettings, type Subnet, type TemplateVars, type Uplink,
} from './types.js';

export type Path = (string | number)[];

/**
 * Where a part of a generated site file was really written: the port map
 * imported from a CSV file names its rows, so that a problem in an entry is
 * reported at the row's line. Undefined: the site file's own line.
 */
export type Origins = (path: readonly (string | number)[]) => SourcePosition | undefined;
type Plain = Record<string, unknown>;
interface Indexed<T> {
  value: T;
  index: number;
}

/** Keys that would put a secret into the site file itself. */
const INLINE_SECRET_KEYS = new Set(['password', 'secret', 'enablesecret', 'enablepassword', 'passphrase', 'privatekey']);
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const ROOT_KEYS = ['name', 'subnets', 'credentials', 'factoryCredentials', 'ssh', 'policy', 'compliance', 'intended', 'concurrency', 'vars', 'devices', 'portmap', 'notify', 'firmware', 'backups', 'parking', 'onboard'];
const CREDENTIAL_KEYS = ['username', 'passwordEnv', 'passwordFile', 'enableSecretEnv', 'enableSecretFile'];
const SSH_KEYS = ['port', 'timeoutMs', 'jobTimeoutMs', 'retries', 'hostKeys', 'legacyAlgorithms'];
const POLICY_KEYS = ['onDrift', 'recheckAfter', 'allow', 'maxChangeRatio', 'onFailure', 'unknown'];
const INTENDED_SOURCES: readonly IntendedSource[] = ['baseline', 'template'];
/** Long enough for a slow switch to take a full template line by line; short enough that a stuck one frees its slot. */
export const DEFAULT_JOB_TIMEOUT_MS = 5 * 60_000;
const DEVICE_KEYS = ['hostname', 'model', 'profile', 'ip', 'mac', 'baseline', 'intended', 'vars'];
const PORTMAP_KEYS = ['uplink', 'mac', 'serial', 'circuitId', 'remoteId', 'hostname', 'model', 'profile', 'vars'];
/** Serial numbers as switches print them; nothing that could be mistaken for another field or a path. */
const SERIAL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function formatPath(path: Path): string {
  return path.reduce<string>((text, seg) => (typeof seg === 'number' ? `${text}[${seg}]` : text === '' ? seg : `${text}.${seg}`), '');
}

function isPlainObject(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Lower-case colon form of a MAC in any of the usual notations, or undefined. */
export function canonicalMac(raw: string): string | undefined {
  const text = raw.trim().toLowerCase();
  const known = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}$/.test(text)
    || /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/.test(text)
    || /^[0-9a-f]{12}$/.test(text);
  if (!known) return undefined;
  return text.replace(/[:.-]/g, '').match(/../g)?.join(':');
}

/**
 * Validates one parsed site document. Collects every problem rather than
 * stopping at the first, each located by line through the LineCounter.
 */
export class SiteValidator {
  readonly problems: SiteProblem[] = [];

  constructor(
    private readonly file: string,
    private readonly dir: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly fileExists: (path: string) => boolean,
    private readonly origins: Origins = () => undefined,
  ) {}

  private lineOf(path: Path): number | undefined {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) return this.lines.linePos(node.range[0]).line;
    }
    return undefined;
  }

  /** Line of a mapping key (for unknown or forbidden keys, where the value may be missing). */
  private keyLine(path: Path, key: string): number | undefined {
    const parent = path.length === 0 ? this.doc.contents : this.doc.getIn(path, true);
    if (isMap(parent)) {
      for (const pair of parent.items) {
        if (isNode(pair.key) && String((pair.key as { value?: unknown }).value) === key && pair.key.range) {
          return this.lines.linePos(pair.key.range[0]).line;
        }
      }
    }
    return this.lineOf([...path, key]);
  }

  problem(path: Path, message: string, line = this.lineOf(path)): void {
    const origin = this.origins(path);
    const problem: SiteProblem = { file: origin?.file ?? this.file, path: formatPath(path), message };
    const at = origin === undefined ? line : origin.line;
    if (at !== undefined) problem.line = at;
    this.problems.push(problem);
  }

  keys(value: Plain, path: Path, allowed: string[]): void {
    for (const key of Object.keys(value)) {
      if (INLINE_SECRET_KEYS.has(key.toLowerCase())) continue; // reported by the secret scan
      if (!allowed.includes(key)) {
        this.problem([...path, key], `unknown key (expected one of: ${allowed.join(', ')})`, this.keyLine(path, key));
      }
    }
  }

  /** Any key that would hold a secret inline, anywhere in the file (vars included). */
  private scanSecrets(value: unknown, path: Path): void {
    if (Array.isArray(value)) {
      value.forEach((item, index) => { this.scanSecrets(item, [...path, index]); });
    } else if (isPlainObject(value)) {
      for (const [key, inner] of Object.entries(value)) {
        if (INLINE_SECRET_KEYS.has(key.toLowerCase())) {
          this.problem([...path, key], 'inline secrets are not allowed; name an environment variable (passwordEnv) or a 0600 file (passwordFile)', this.keyLine(path, key));
        } else {
          this.scanSecrets(inner, [...path, key]);
        }
      }
    }
  }

  map(value: unknown, path: Path, what: string): Plain | undefined {
    if (isPlainObject(value)) return value;
    this.problem(path, value === undefined ? `missing (${what})` : `expected ${what}`);
    return undefined;
  }

  string(value: unknown, path: Path, required: boolean): string | undefined {
    if (value === undefined || value === null) {
      if (required) this.problem(path, 'missing (a string)');
      return undefined;
    }
    if (typeof value === 'string' && value.trim() !== '') return value;
    if (typeof value === 'number') return String(value);
    this.problem(path, 'expected a non-empty string');
    return undefined;
  }

  private safeName(value: unknown, path: Path, what: string): string | undefined {
    const text = this.string(value, path, true);
    if (text === undefined) return undefined;
    if (!isSafeName(text)) {
      this.problem(path, `${JSON.stringify(text)} is not a valid ${what} (letters, digits, '.', '_', '-'; starting with a letter or digit)`);
      return undefined;
    }
    return text;
  }

  integer(value: unknown, path: Path, fallback: number, min: number, max: number): number {
    if (value === undefined) return fallback;
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    this.problem(path, `expected an integer from ${min} to ${max}`);
    return fallback;
  }

  oneOf<T extends string>(value: unknown, path: Path, allowed: readonly T[], fallback: T): T {
    if (value === undefined) return fallback;
    const found = allowed.find((option) => option === value);
    if (found !== undefined) return found;
    this.problem(path, `expected one of: ${allowed.join(', ')}`);
    return fallback;
  }

  private vars(value: unknown, path: Path): TemplateVars {
    if (value === undefined) return {};
    return this.map(value, path, 'a mapping of template variables') ?? {};
  }

  private credentials(value: unknown, path: Path): CredentialRef | undefined {
    const map = this.map(value, path, 'a mapping with username and passwordEnv or passwordFile');
    if (map === undefined) return undefined;
    this.keys(map, path, CREDENTIAL_KEYS);
    const username = this.string(map.username, [...path, 'username'], true);
    const ref: CredentialRef = { username: username ?? '' };
    for (const kind of ['password', 'enableSecret'] as const) {
      const envKey = `${kind}Env` as const;
      const fileKey = `${kind}File` as const;
      const env = this.string(map[envKey], [...path, envKey], false);
      const file = this.string(map[fileKey], [...path, fileKey], false);
      if (env !== undefined && file !== undefined) {
        this.problem([...path, fileKey], `give either ${envKey} or ${fileKey}, not both`);
      } else if (env !== undefined) {
        if (ENV_NAME.test(env)) ref[envKey] = env;
        else this.problem([...path, envKey], `${JSON.stringify(env)} is not an environment variable name`);
      } else if (file !== undefined) {
        ref[fileKey] = file;
      } else if (kind === 'password') {
        this.problem(path, 'missing passwordEnv or passwordFile');
      }
    }
    return username === undefined ? undefined : ref;
  }

  private ssh(value: unknown): SshSettings {
    const path = ['ssh'];
    const map = value === undefined ? {} : (this.map(value, path, 'a mapping') ?? {});
    this.keys(map, path, SSH_KEYS);
    const legacy = map.legacyAlgorithms;
    if (legacy !== undefined && typeof legacy !== 'boolean') this.problem([...path, 'legacyAlgorithms'], 'expected true or false');
    return {
      port: this.integer(map.port, [...path, 'port'], 22, 1, 65535),
      timeoutMs: this.integer(map.timeoutMs, [...path, 'timeoutMs'], 20_000, 100, 600_000),
      jobTimeoutMs: this.integer(map.jobTimeoutMs, [...path, 'jobTimeoutMs'], DEFAULT_JOB_TIMEOUT_MS, 100, 3_600_000),
      retries: this.integer(map.retries, [...path, 'retries'], 3, 0, 20),
      hostKeys: this.oneOf(map.hostKeys, [...path, 'hostKeys'], ['pin', 'tofu-on-move', 'off'] as const, 'pin'),
      legacyAlgorithms: legacy === true,
    };
  }

  private policy(value: unknown): SitePolicy {
    const path = ['policy'];
    const map = value === undefined ? {} : (this.map(value, path, 'a mapping') ?? {});
    this.keys(map, path, POLICY_KEYS);
    let recheckAfterMs = 3_600_000;
    if (map.recheckAfter !== undefined) {
      const parsed = typeof map.recheckAfter === 'string' ? parseDuration(map.recheckAfter) : undefined;
      if (parsed === undefined) this.problem([...path, 'recheckAfter'], 'expected a duration such as "1h", "30m" or "90s"');
      else recheckAfterMs = parsed;
    }
    return {
      onDrift: this.oneOf(map.onDrift, [...path, 'onDrift'], ['report', 'remediate'] as const, 'report'),
      recheckAfterMs,
      allow: this.allowedClasses(map.allow, [...path, 'allow']),
      maxChangeRatio: this.ratio(map.maxChangeRatio, [...path, 'maxChangeRatio']),
      onFailure: this.oneOf(map.onFailure, [...path, 'onFailure'], ['rollback', 'leave'] as const, 'rollback'),
      unknown: this.oneOf(map.unknown, [...path, 'unknown'], ['park', 'report'] as const, 'park'),
    };
  }

  private allowedClasses(value: unknown, path: Path): GuardRailClass[] {
    if (value === undefined) return [];
    const items: unknown[] = Array.isArray(value) ? value : [value];
    const allowed: GuardRailClass[] = [];
    items.forEach((item, index) => {
      const found = GUARD_RAIL_CLASSES.find((name) => name === item);
      if (found === undefined) this.problem(Array.isArray(value) ? [...path, index] : path, `expected guard-rail classes from: ${GUARD_RAIL_CLASSES.join(', ')}`);
      else allowed.push(found);
    });
    return allowed;
  }

  private ratio(value: unknown, path: Path): number {
    if (value === undefined) return DEFAULT_MAX_CHANGE_RATIO;
    if (typeof value === 'number' && value > 0 && value <= 1) return value;
    this.problem(path, 'expected a share of the config above 0 and at most 1, such as 0.3');
    return DEFAULT_MAX_CHANGE_RATIO;
  }

  private intended(value: unknown, path: Path, fallback: IntendedSource): IntendedSource {
    return this.oneOf(value, path, INTENDED_SOURCES, fallback);
  }

  private subnets(value: unknown): Subnet[] {
    if (!Array.isArray(value) || value.length === 0) {
      this.problem(['subnets'], value === undefined ? 'missing (a list of CIDR subnets)' : 'expected a non-empty list of CIDR subnets');
      return [];
    }
    const subnets: Subnet[] = [];
    value.forEach((item, index) => {
      const parsed = typeof item === 'string' ? parseSubnet(item) : 'expected a CIDR subnet string';
      const line = this.lineOf(['subnets', index]);
      if (typeof parsed === 'string') this.problem(['subnets', index], parsed, line);
      else subnets.push(line === undefined ? parsed : { ...parsed, line });
    });
    return subnets;
  }

  private profile(value: unknown, path: Path, model: string): string {
    const explicit = this.string(value, path, false);
    const profile = explicit ?? profileForModel(model);
    const known = profileNames();
    if (!known.includes(profile)) {
      this.problem(explicit === undefined ? path.slice(0, -1).concat('model') : path,
        `no device profile ${JSON.stringify(profile)}${explicit === undefined ? ` for model ${model}; name one with profile:` : ''} (known: ${known.join(', ')})`);
    }
    return profile;
  }

  private device(value: unknown, index: number, siteIntended: IntendedSource | undefined): SiteDevice | undefined {
    const path: Path = ['devices', index];
    const map = this.map(value, path, 'a device mapping (hostname, model, …)');
    if (map === undefined) return undefined;
    this.keys(map, path, DEVICE_KEYS);
    const hostname = this.safeName(map.hostname, [...path, 'hostname'], 'hostname');
    const model = this.safeName(map.model, [...path, 'model'], 'model name');
    const ip = this.string(map.ip, [...path, 'ip'], false);
    if (ip !== undefined && ip !== 'dhcp' && !isIPv4(ip)) this.problem([...path, 'ip'], `${ip} is not an IPv4 address or "dhcp"`);
    const mac = this.mac(map.mac, [...path, 'mac']);
    let baselineFile: string | undefined;
    if (map.baseline !== undefined) {
      const name = this.safeName(map.baseline, [...path, 'baseline'], 'baseline file name');
      if (name !== undefined) {
        baselineFile = `${this.dir}/${name}`;
        if (!this.fileExists(baselineFile)) this.problem([...path, 'baseline'], `baseline file ${baselineFile} does not exist`);
      }
    } else if (hostname !== undefined && this.fileExists(`${this.dir}/${hostname}.cfg`)) {
      baselineFile = `${this.dir}/${hostname}.cfg`;
    }
    const vars = this.vars(map.vars, [...path, 'vars']);
    // Without a word on it, a device with a golden config file is compared with that file.
    const intended = this.intended(map.intended, [...path, 'intended'], siteIntended ?? (baselineFile === undefined ? 'template' : 'baseline'));
    if (intended === 'baseline' && baselineFile === undefined && map.baseline === undefined) {
      this.problem([...path, 'intended'], `intended: baseline needs a baseline file (baseline: NAME.cfg, or ${hostname ?? 'HOSTNAME'}.cfg beside site.yaml)`);
    }
    if (hostname === undefined || model === undefined) return undefined;
    const device: SiteDevice = {
      hostname, model, profile: this.profile(map.profile, [...path, 'profile'], model), intended, vars,
      source: this.source(path),
    };
    if (ip !== undefined && isIPv4(ip)) device.ip = ip;
    if (ip === 'dhcp') device.ipFromDhcp = true;
    if (mac !== undefined) device.mac = mac;
    if (baselineFile !== undefined) device.baselineFile = baselineFile;
    return device;
  }

  private mac(value: unknown, path: Path): string | undefined {
    if (value === undefined) return undefined;
    const raw = this.string(value, path, true);
    const mac = raw === undefined ? undefined : canonicalMac(raw);
    if (raw !== undefined && mac === undefined) this.problem(path, `${JSON.stringify(raw)} is not a MAC address`);
    return mac;
  }

  private serial(value: unknown, path: Path): string | undefined {
    const raw = this.string(value, path, false);
    if (raw === undefined || SERIAL.test(raw)) return raw;
    this.problem(path, `${JSON.stringify(raw)} is not a serial number (letters, digits, '.', '_', '-'; at most 64)`);
    return undefined;
  }

  source(path: Path): SourcePosition {
    const origin = this.origins(path);
    if (origin !== undefined) return origin;
    const line = this.lineOf(path);
    return line === undefined ? { file: this.file } : { file: this.file, line };
  }

  private uplink(value: unknown, path: Path): Uplink | undefined {
    const map = this.map(value, path, 'a mapping { device, port }');
    if (map === undefined) return undefined;
    this.keys(map, path, ['device', 'port']);
    const device = this.string(map.device, [...path, 'device'], true);
    const port = this.string(map.port, [...path, 'port'], true);
    return device === undefined || port === undefined ? undefined : { device, port };
  }

  private portmapEntry(value: unknown, index: number): PortmapEntry | undefined {
    const path: Path = ['portmap', index];
    const map = this.map(value, path, 'a port map mapping (uplink | mac | serial | circuitId | remoteId, hostname, model)');
    if (map === undefined) return undefined;
    this.keys(map, path, PORTMAP_KEYS);
    const hostname = this.safeName(map.hostname, [...path, 'hostname'], 'hostname');
    const model = this.safeName(map.model, [...path, 'model'], 'model name');
    const uplink = map.uplink === undefined ? undefined : this.uplink(map.uplink, [...path, 'uplink']);
    const mac = this.mac(map.mac, [...path, 'mac']);
    const serial = this.serial(map.serial, [...path, 'serial']);
    const circuitId = this.string(map.circuitId, [...path, 'circuitId'], false);
    const remoteId = this.string(map.remoteId, [...path, 'remoteId'], false);
    if (map.uplink === undefined && map.mac === undefined && map.serial === undefined && circuitId === undefined && remoteId === undefined) {
      this.problem(path, 'needs at least one of uplink, mac, serial, circuitId, remoteId to recognise the switch');
    }
    const vars = this.vars(map.vars, [...path, 'vars']);
    if (hostname === undefined || model === undefined) return undefined;
    const entry: PortmapEntry = {
      hostname, model, profile: this.profile(map.profile, [...path, 'profile'], model), vars, source: this.source(path),
    };
    if (uplink !== undefined) entry.uplink = uplink;
    if (mac !== undefined) entry.mac = mac;
    if (serial !== undefined) entry.serial = serial;
    if (circuitId !== undefined) entry.circuitId = circuitId;
    if (remoteId !== undefined) entry.remoteId = remoteId;
    return entry;
  }

  /** The valid items of a list, each with its index in the file (an invalid item before it must not shift what later problems name). */
  private list<T>(value: unknown, key: string, each: (item: unknown, index: number) => T | undefined): Indexed<T>[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.problem([key], 'expected a list');
      return [];
    }
    return value.flatMap((item, index) => {
      const parsed = each(item, index);
      return parsed === undefined ? [] : [{ value: parsed, index }];
    });
  }

  /** `file:line` of a key, for messages that point back into the site file. */
  where(path: Path): string {
    const at = this.source(path);
    return `${at.file}:${at.line ?? '?'}`;
  }

  private uniqueNames(devices: Indexed<SiteDevice>[], portmap: Indexed<PortmapEntry>[]): void {
    const seen = new Map<string, string>();
    const check = (hostname: string, path: Path): void => {
      const key = hostname.toLowerCase();
      const earlier = seen.get(key);
      if (earlier !== undefined) this.problem([...path, 'hostname'], `${hostname} is already defined at ${earlier}`);
      else seen.set(key, this.where(path));
    };
    for (const { value, index } of devices) check(value.hostname, ['devices', index]);
    for (const { value, index } of portmap) check(value.hostname, ['portmap', index]);
    // A MAC names one switch: a device's, or the factory switch a port map entry becomes.
    const macs = new Map<string, string>();
    const uniqueMac = (mac: string | undefined, path: Path, what: string): void => {
      if (mac === undefined) return;
      const earlier = macs.get(mac);
      if (earlier !== undefined) this.problem([...path, 'mac'], `MAC ${mac} is already ${earlier}`);
      else macs.set(mac, what);
    };
    for (const { value, index } of devices) uniqueMac(value.mac, ['devices', index], `the MAC of devices[${index}]`);
    for (const { value, index } of portmap) {
      uniqueMac(value.mac, ['portmap', index], `mapped to ${value.hostname} at ${this.where(['portmap', index])}`);
    }
    const serials = new Map<string, string>();
    for (const { value, index } of portmap) {
      if (value.serial === undefined) continue;
      const key = value.serial.toLowerCase();
      const earlier = serials.get(key);
      if (earlier !== undefined) this.problem(['portmap', index, 'serial'], `serial ${value.serial} is already mapped to ${earlier}`);
      else serials.set(key, `${value.hostname} at ${this.where(['portmap', index])}`);
    }
    for (const { value, index } of portmap) {
      if (value.uplink !== undefined && !seen.has(value.uplink.device.toLowerCase())) {
        this.problem(['portmap', index, 'uplink', 'device'], `${value.uplink.device} is not a device of this site`);
      }
    }
  }

  validate(): Site | undefined {
    const root = this.map(this.doc.toJS() as unknown, [], 'a mapping (name, subnets, credentials, devices, …)');
    if (root === undefined) return undefined;
    this.scanSecrets(root, []);
    this.keys(root, [], ROOT_KEYS);
    const name = this.safeName(root.name, ['name'], 'site name');
    const subnets = this.subnets(root.subnets);
    const credentials = this.credentials(root.credentials, ['credentials']);
    const factoryCredentials = root.factoryCredentials === undefined
      ? undefined : this.credentials(root.factoryCredentials, ['factoryCredentials']);
    const ssh = this.ssh(root.ssh);
    const policy = this.policy(root.policy);
    const compliance = complianceScope(this, root.compliance);
    const siteIntended = root.intended === undefined ? undefined : this.intended(root.intended, ['intended'], 'baseline');
    const concurrency = this.integer(root.concurrency, ['concurrency'], 4, 1, 1024);
    const vars = this.vars(root.vars, ['vars']);
    const indexedDevices = this.list(root.devices, 'devices', (item, index) => this.device(item, index, siteIntended));
    const indexedPortmap = this.list(root.portmap, 'portmap', (item, index) => this.portmapEntry(item, index));
    const devices = indexedDevices.map((item) => item.value);
    const portmap = indexedPortmap.map((item) => item.value);
    if (portmap.length > 0 && root.factoryCredentials === undefined) {
      this.problem([], 'a port map needs factoryCredentials to log in to factory switches');
    }
    this.uniqueNames(indexedDevices, indexedPortmap);
    const notify = notifyHooks(this, root.notify);
    const firmware = firmwareTargets(this, root.firmware, this.dir, [...devices, ...portmap]);
    const backups = siteBackups(this, root.backups);
    const parking = parkingSettings(this, root.parking);
    const onboard = onboardSettings(this, root.onboard, subnets);
    if (this.problems.length > 0 || name === undefined || credentials === undefined) return undefined;
    const site: Site = {
      name, dir: this.dir, file: this.file, subnets, credentials, ssh, policy, compliance, concurrency, vars, devices, portmap, notify, firmware, backups, parking, onboard,
    };
    if (factoryCredentials !== undefined) site.factoryCredentials = factoryCredentials;
    return site;
  }
}
