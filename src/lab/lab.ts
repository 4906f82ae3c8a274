import { createServer } from 'node:net';
import { silentLogger, type Logger } from '../log/index.js';
import { canonicalMac } from './personality.js';
import { personality } from './personalities/index.js';
import { EmulatedSwitch } from './switch.js';
import { LAB_FAULTS, PERSONALITIES, type LabSwitch, type LabSwitchSpec } from './types.js';

export interface LabOptions {
  switches: LabSwitchSpec[];
  /** Same port on every address; default: a free one. */
  port?: number;
  /** Persistent host keys, one per switch (`<hostname>.ed25519.key`, 0600). */
  keyDir: string;
  logger?: Logger;
  /** Reply delay of the `slow` fault, ms (default 1500). */
  slowMs?: number;
  /** How long a reload keeps a switch down, ms, unless its spec says (default 3000). */
  reloadMs?: number;
  /** Told each time a switch has booted after a reload and listens again (the demo writes its DHCPACK). */
  onBoot?: (sw: LabSwitch) => void;
}

export const DEFAULT_RELOAD_MS = 3000;

/** 127.77.0.1, 127.77.0.2, … then 127.77.1.1 after 254 switches. */
export function labAddress(index: number): string {
  return `127.77.${Math.floor(index / 254)}.${(index % 254) + 1}`;
}

/** A lab switch spec that cannot work (duplicate name, unknown personality or fault, bad MAC). */
export class LabSpecError extends Error {}

function validate(specs: LabSwitchSpec[]): void {
  const names = new Set<string>();
  const addresses = new Set<string>();
  for (const [i, spec] of specs.entries()) {
    const where = `lab switch ${i + 1} (${spec.hostname})`;
    if (!PERSONALITIES.includes(spec.personality)) {
      throw new LabSpecError(`${where}: personality ${JSON.stringify(spec.personality)} is not one of ${PERSONALITIES.join(', ')}`);
    }
    if (names.has(spec.hostname)) throw new LabSpecError(`${where}: hostname is used twice`);
    names.add(spec.hostname);
    if (spec.address !== undefined) {
      if (addresses.has(spec.address)) throw new LabSpecError(`${where}: address ${spec.address} is used twice`);
      addresses.add(spec.address);
    }
    try {
      canonicalMac(spec.mac);
      if (spec.rejectPattern !== undefined) new RegExp(spec.rejectPattern);
    } catch (error) {
      throw new LabSpecError(`${where}: ${(error as Error).message}`);
    }
    if (spec.reloadMs !== undefined && (!Number.isInteger(spec.reloadMs) || spec.reloadMs < 0)) throw new LabSpecError(`${where}: reloadMs must be a whole number of ms`);
    for (const fault of spec.faults ?? []) {
      if (!LAB_FAULTS.includes(fault)) throw new LabSpecError(`${where}: unknown fault ${JSON.stringify(fault)}`);
    }
  }
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ host, port: 0 }, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => {
        resolve(port);
      });
    });
  });
}

/** Emulated switches, each a real SSH server on its own loopback address, all on one port. */
export class Lab {
  private constructor(
    readonly port: number,
    private readonly members: EmulatedSwitch[],
  ) {}

  get switches(): LabSwitch[] {
    return [...this.members];
  }

  static async start(options: LabOptions): Promise<Lab> {
    validate(options.switches);
    const logger = options.logger ?? silentLogger();
    const taken = new Set(options.switches.map((s) => s.address).filter((a) => a !== undefined));
    let next = 0;
    const allocate = (): string => {
      while (taken.has(labAddress(next))) next++;
      return labAddress(next++);
    };
    const members: EmulatedSwitch[] = [];
    const context = {
      keyDir: options.keyDir, logger, slowMs: options.slowMs ?? 1500, reloadMs: options.reloadMs ?? DEFAULT_RELOAD_MS, nodes: () => members,
      ...(options.onBoot === undefined ? {} : { onBoot: options.onBoot }),
    };
    for (const spec of options.switches) {
      members.push(new EmulatedSwitch(spec, spec.address ?? allocate(), personality(spec.personality), context));
    }
    for (let attempt = 0; ; attempt++) {
      const port = options.port ?? (await freePort(members[0]?.address ?? '127.77.0.1'));
      try {
        for (const member of members) await member.start(port);
        logger.debug({ port, switches: members.length }, 'lab started');
        return new Lab(port, members);
      } catch (error) {
        await Promise.all(members.map((m) => m.stop()));
        const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
        if (options.port !== undefined || !inUse || attempt >= 5) throw error;
      }
    }
  }

  /** By current hostname, initial hostname or address; throws if absent. */
  get(hostnameOrAddress: string): LabSwitch {
    const found =
      this.members.find((m) => m.hostname() === hostnameOrAddress) ??
      this.members.find((m) => m.spec.hostname === hostnameOrAddress || m.address === hostnameOrAddress);
    if (found === undefined) {
      throw new Error(`no lab switch ${JSON.stringify(hostnameOrAddress)} (have ${this.members.map((m) => m.hostname()).join(', ')})`);
    }
    return found;
  }

  async stop(): Promise<void> {
    await Promise.all(this.members.map((m) => m.stop()));
  }
}
