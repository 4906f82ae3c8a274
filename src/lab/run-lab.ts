import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { silentLogger, type Logger } from '../log/index.js';
import { Lab, LabSpecError } from './lab.js';
import { LAB_FAULTS, PERSONALITIES, type LabFault, type LabSwitchSpec, type Personality } from './types.js';

export interface RunLabOptions {
  /** Default topology of N switches (one fs-s5850 core, the rest hanging off it); ignored with `topology`. */
  switches?: number;
  /** YAML or JSON topology file (see `loadTopology`). */
  topology?: string;
  port?: number;
  /** Where host keys (and a generated password) are kept. */
  keyDir: string;
  /** Where the summary lines go; default stdout. */
  out?: (line: string) => void;
  /** Stop when aborted, in addition to SIGINT/SIGTERM. */
  signal?: AbortSignal;
  logger?: Logger;
}

export interface Topology {
  port?: number;
  switches: LabSwitchSpec[];
  /** Per hostname: where its password came from, for the summary. */
  credentialSource: Map<string, string>;
}

const PASSWORD_ENV = 'ONRAMP_LAB_PASSWORD';

class TopologyError extends Error {}

function fail(file: string, path: string, message: string): never {
  throw new TopologyError(`${file}: ${path}: ${message}`);
}

function str(value: unknown, file: string, path: string, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value === '') fail(file, path, 'expected a non-empty string');
  return value;
}

/** A secret given inline (lab only), by environment variable or by file. */
function secret(
  entry: Record<string, unknown>,
  key: string,
  file: string,
  path: string,
): { value: string; source: string } | undefined {
  const inline = str(entry[key], file, `${path}.${key}`, false);
  if (inline !== undefined) return { value: inline, source: `${key} in ${file}` };
  const env = str(entry[`${key}Env`], file, `${path}.${key}Env`, false);
  if (env !== undefined) {
    const value = process.env[env];
    if (value === undefined || value === '') fail(file, `${path}.${key}Env`, `environment variable ${env} is not set`);
    return { value, source: `env ${env}` };
  }
  const fromFile = str(entry[`${key}File`], file, `${path}.${key}File`, false);
  if (fromFile !== undefined) {
    const full = resolve(dirname(file), fromFile);
    return { value: readFileSync(full, 'utf8').trim(), source: `file ${full}` };
  }
  return undefined;
}

/**
 * Reads a topology file:
 * `{ port?, switches: [{ hostname, personality, mac, username?, password | passwordEnv | passwordFile,
 *   enableSecret | enableSecretEnv | enableSecretFile?, address?, uplink?: { device, port, localPort },
 *   faults?: [...], rejectPattern?, runningConfigFile?, version?, reloadMs? }] }`.
 */
export function loadTopology(file: string, fallbackPassword: () => { value: string; source: string }): Topology {
  const doc: unknown = parseYaml(readFileSync(file, 'utf8'));
  if (typeof doc !== 'object' || doc === null) fail(file, '$', 'expected a mapping with `switches`');
  const root = doc as Record<string, unknown>;
  const port = root.port;
  if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)) {
    fail(file, 'port', 'expected a TCP port number');
  }
  if (!Array.isArray(root.switches) || root.switches.length === 0) fail(file, 'switches', 'expected a non-empty list');
  const credentialSource = new Map<string, string>();
  const switches = (root.switches as unknown[]).map((raw, i): LabSwitchSpec => {
    const path = `switches[${i}]`;
    if (typeof raw !== 'object' || raw === null) fail(file, path, 'expected a mapping');
    const entry = raw as Record<string, unknown>;
    const hostname = str(entry.hostname, file, `${path}.hostname`, true) ?? '';
    const personality = str(entry.personality, file, `${path}.personality`, true) as Personality;
    if (!PERSONALITIES.includes(personality)) fail(file, `${path}.personality`, `expected one of ${PERSONALITIES.join(', ')}`);
    const mac = str(entry.mac, file, `${path}.mac`, true) ?? '';
    const password = secret(entry, 'password', file, path) ?? fallbackPassword();
    credentialSource.set(hostname, password.source);
    const enable = secret(entry, 'enableSecret', file, path);
    const faults = entry.faults ?? [];
    if (!Array.isArray(faults) || faults.some((f) => !LAB_FAULTS.includes(f as LabFault))) {
      fail(file, `${path}.faults`, `expected a list of ${LAB_FAULTS.join(', ')}`);
    }
    let uplink: LabSwitchSpec['uplink'];
    if (entry.uplink !== undefined) {
      if (typeof entry.uplink !== 'object' || entry.uplink === null) fail(file, `${path}.uplink`, 'expected a mapping');
      const u = entry.uplink as Record<string, unknown>;
      uplink = {
        device: str(u.device, file, `${path}.uplink.device`, true) ?? '',
        port: str(u.port, file, `${path}.uplink.port`, true) ?? '',
        localPort: str(u.localPort, file, `${path}.uplink.localPort`, true) ?? '',
      };
    }
    const configFile = str(entry.runningConfigFile, file, `${path}.runningConfigFile`, false);
    const address = str(entry.address, file, `${path}.address`, false);
    const rejectPattern = str(entry.rejectPattern, file, `${path}.rejectPattern`, false);
    const version = str(entry.version, file, `${path}.version`, false);
    const reloadMs = entry.reloadMs;
    if (reloadMs !== undefined && (typeof reloadMs !== 'number' || !Number.isInteger(reloadMs) || reloadMs < 0)) fail(file, `${path}.reloadMs`, 'expected a whole number of ms');
    return {
      hostname,
      personality,
      mac,
      username: str(entry.username, file, `${path}.username`, false) ?? 'admin',
      password: password.value,
      faults: faults as LabFault[],
      ...(enable ? { enableSecret: enable.value } : {}),
      ...(address !== undefined ? { address } : {}),
      ...(uplink ? { uplink } : {}),
      ...(rejectPattern !== undefined ? { rejectPattern } : {}),
      ...(version !== undefined ? { version } : {}),
      ...(typeof reloadMs === 'number' ? { reloadMs } : {}),
      ...(configFile !== undefined ? { runningConfig: readFileSync(resolve(dirname(file), configFile), 'utf8') } : {}),
    };
  });
  return { ...(typeof port === 'number' ? { port } : {}), switches, credentialSource };
}

const ACCESS: { personality: Personality; localPort: string }[] = [
  { personality: 'fs-s3900', localPort: 'ethernet 1/25' },
  { personality: 'fs-s3900-r', localPort: 'TGigaEthernet0/1' },
  { personality: 'cisco-ios', localPort: 'GigabitEthernet1/0/49' },
];

/** One fs-s5850 core and N-1 access switches of the other families, each uplinked to the core. */
export function defaultTopology(count: number, password: { value: string; source: string }): Topology {
  const switches: LabSwitchSpec[] = [];
  for (let i = 0; i < count; i++) {
    const mac = `64:9d:99:77:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`;
    const base = { mac, username: 'admin', password: password.value };
    if (i === 0) {
      switches.push({ hostname: 'LAB-CORE1', personality: 'fs-s5850', ...base });
      continue;
    }
    const access = ACCESS[(i - 1) % ACCESS.length] ?? ACCESS[0];
    if (access === undefined) continue;
    switches.push({
      hostname: `LAB-ACC${i}`,
      personality: access.personality,
      ...base,
      ...(access.personality === 'cisco-ios' ? { enableSecret: password.value } : {}),
      uplink: { device: 'LAB-CORE1', port: `eth-0-${((i - 1) % 48) + 1}`, localPort: access.localPort },
    });
  }
  return { switches, credentialSource: new Map(switches.map((s) => [s.hostname, password.source])) };
}

/** The lab password: $ONRAMP_LAB_PASSWORD, else a random one kept in `<keyDir>/lab-password` (0600). */
function labPassword(keyDir: string): { value: string; source: string } {
  const env = process.env[PASSWORD_ENV];
  if (env !== undefined && env !== '') return { value: env, source: `env ${PASSWORD_ENV}` };
  const file = join(keyDir, 'lab-password');
  try {
    return { value: readFileSync(file, 'utf8').trim(), source: `file ${file}` };
  } catch {
    mkdirSync(keyDir, { recursive: true, mode: 0o700 });
    const value = randomBytes(12).toString('base64url');
    writeFileSync(file, `${value}\n`, { mode: 0o600 });
    return { value, source: `file ${file}` };
  }
}

/**
 * Starts a lab, prints one line per switch (hostname, personality, address:port, user and where the
 * password comes from, host key fingerprint), and stops it on SIGINT/SIGTERM or when `signal` aborts.
 * Resolves once everything is closed.
 */
export async function runLab(options: RunLabOptions): Promise<void> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  let password: { value: string; source: string } | undefined;
  const fallback = (): { value: string; source: string } => (password ??= labPassword(options.keyDir));
  const topology = options.topology
    ? loadTopology(options.topology, fallback)
    : defaultTopology(options.switches ?? 3, fallback());
  const port = options.port ?? topology.port;
  const lab = await Lab.start({
    switches: topology.switches,
    keyDir: options.keyDir,
    logger: options.logger ?? silentLogger(),
    ...(port !== undefined ? { port } : {}),
  });
  out(`lab: ${lab.switches.length} switches on port ${lab.port}; Ctrl-C stops`);
  for (const sw of lab.switches) {
    const faults = sw.faults().length > 0 ? `  faults ${sw.faults().join(',')}` : '';
    out(
      `${sw.hostname().padEnd(12)} ${sw.spec.personality.padEnd(11)} ${sw.address}:${sw.port}  user ${sw.spec.username}, password from ${topology.credentialSource.get(sw.spec.hostname) ?? 'topology'}  ${sw.hostKeyFingerprint()}${faults}`,
    );
  }
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      options.signal?.removeEventListener('abort', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (options.signal?.aborted === true) stop();
    else options.signal?.addEventListener('abort', stop);
  });
  await lab.stop();
  out('lab: stopped');
}

/** `onramp lab [--switches N] [--topology FILE] [--port P] [--state DIR]`: exit code 0, or 2 on a bad topology. */
export async function labCommand(options: Record<string, unknown>): Promise<number> {
  const state = typeof options.state === 'string' ? options.state : 'state';
  try {
    await runLab({
      keyDir: join(state, 'lab-keys'),
      ...(typeof options.switches === 'number' ? { switches: options.switches } : {}),
      ...(typeof options.topology === 'string' ? { topology: options.topology } : {}),
      ...(typeof options.port === 'number' ? { port: options.port } : {}),
    });
    return 0;
  } catch (error) {
    if (error instanceof TopologyError || error instanceof LabSpecError || (error as NodeJS.ErrnoException).code === 'ENOENT') {
      process.stderr.write(`onramp lab: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
}
