import { DeviceSession, type ConfigureOptions, type DeviceTarget, type DialogueAnswer, type DialogueOutcome, type HostKeyOwner, type HostKeyStore, type LldpNeighbor, type MacEntry, type Profile } from '../device/index.js';
import type { Logger } from '../log/index.js';
import type { Credentials, Site } from '../inventory/index.js';

/** What onboarding uses of a device session; DeviceSession provides it, tests pass fakes. */
export interface SessionLike {
  hostname(): string;
  /** One exec-mode command's output (readFacts, firmware steps); a rejected command throws DeviceError('rejected'). */
  run(command: string): Promise<string>;
  /** An exec command that asks questions (an image copy, a reload); see DeviceSession.dialogue. */
  dialogue(command: string, answers: readonly DialogueAnswer[], timeoutMs: number): Promise<DialogueOutcome>;
  runningConfig(): Promise<string>;
  configure(lines: string[], options?: ConfigureOptions): Promise<void>;
  save(): Promise<void>;
  lldpNeighbors(): Promise<LldpNeighbor[]>;
  macTable(): Promise<MacEntry[]>;
  close(): Promise<void>;
}

export interface DeviceConnector {
  open(target: DeviceTarget): Promise<SessionLike>;
}

export function sshConnector(deps: { hostKeys: HostKeyStore; logger: Logger }): DeviceConnector {
  return { open: (target) => DeviceSession.open(target, deps) };
}

/** `identity` is whose pinned host key the switch at `host` must show before the credentials are offered. */
export function targetFor(site: Site, host: string, credentials: Credentials, profile: Profile, identity: HostKeyOwner): DeviceTarget {
  const target: DeviceTarget = {
    host,
    identity,
    port: site.ssh.port,
    username: credentials.username,
    password: credentials.password,
    profile,
    timeoutMs: site.ssh.timeoutMs,
    retries: site.ssh.retries,
    legacyAlgorithms: site.ssh.legacyAlgorithms,
    hostKeyPolicy: site.ssh.hostKeys,
  };
  if (credentials.enableSecret !== undefined) target.enableSecret = credentials.enableSecret;
  return target;
}

/** Opens a session, runs `work`, and always closes it. */
export async function withSession<T>(connector: DeviceConnector, target: DeviceTarget, work: (session: SessionLike) => Promise<T>): Promise<T> {
  const session = await connector.open(target);
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}

export function deviceIdentity(hostname: string): HostKeyOwner {
  return { kind: 'device', name: hostname };
}
