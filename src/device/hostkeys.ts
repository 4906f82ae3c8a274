import { createHash } from 'node:crypto';
import type { StateStore } from '../state/index.js';

export type HostKeyVerdict = 'new' | 'match' | 'changed';

interface PinnedKey {
  /** The server's public key blob, base64. */
  key: string;
  fingerprint: string;
  pinnedAt: string;
}

type PinFile = Record<string, PinnedKey>;

const FILE = ['hostkeys.json'];

/** OpenSSH's fingerprint notation, for logs and operators. */
export function fingerprint(key: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
}

/**
 * Trust on first use: the first key a host:port shows is pinned in
 * state/hostkeys.json; a different key later is refused until an operator
 * accepts it. The file is re-read on every call so that `onramp hostkeys
 * accept` in another process takes effect at once; writes are serialised in
 * this process so two first connections cannot lose each other's pin.
 */
export class HostKeyStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly state: StateStore) {}

  async check(host: string, port: number, key: Buffer): Promise<HostKeyVerdict> {
    const pinned = (await this.read())[id(host, port)];
    if (!pinned) return 'new';
    return pinned.key === key.toString('base64') ? 'match' : 'changed';
  }

  /** Pins `key`, replacing any earlier pin (a factory switch gets its key pinned when provisioned). */
  async pin(host: string, port: number, key: Buffer): Promise<void> {
    await this.update((pins) => {
      pins[id(host, port)] = { key: key.toString('base64'), fingerprint: fingerprint(key), pinnedAt: new Date().toISOString() };
    });
  }

  /** Forgets the pin of host (on one port, or all ports), so that the next connection pins the key it sees. Returns how many pins were removed. */
  async accept(host: string, port?: number): Promise<number> {
    let removed = 0;
    await this.update((pins) => {
      for (const k of Object.keys(pins)) {
        if (port === undefined ? k.startsWith(`${host}:`) && /^\d+$/.test(k.slice(host.length + 1)) : k === id(host, port)) {
          // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
          delete pins[k];
          removed++;
        }
      }
    });
    return removed;
  }

  async list(): Promise<{ host: string; port: number; fingerprint: string; pinnedAt: string }[]> {
    const pins = await this.read();
    return Object.entries(pins).map(([k, v]) => {
      const at = k.lastIndexOf(':');
      return { host: k.slice(0, at), port: Number(k.slice(at + 1)), fingerprint: v.fingerprint, pinnedAt: v.pinnedAt };
    });
  }

  private async read(): Promise<PinFile> {
    return this.state.readJson<PinFile>(FILE, {});
  }

  private update(change: (pins: PinFile) => void): Promise<void> {
    const next = this.queue.then(async () => {
      const pins = await this.read();
      change(pins);
      await this.state.writeJson(FILE, pins);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}

function id(host: string, port: number): string {
  return `${host}:${port}`;
}
