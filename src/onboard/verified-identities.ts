import type { StateStore } from '../state/index.js';

const FILE = ['identities.json'];

/** Where a known device was last verified, or where an operator said it moved. */
export interface VerifiedIdentity {
  hostname: string;
  ip: string;
  /** The MAC of the lease it was verified from; absent after a move, until it is verified again. */
  mac?: string;
  /** `verified`: its host key matched and it let onramp log in there; `moved`: `onramp devices move`, not yet verified. */
  source: 'verified' | 'moved';
  time: string;
}

type IdentityFile = Record<string, VerifiedIdentity>;

/**
 * The last verified address and MAC of each known device (state/identities.json).
 * Looked at again on every call (parsed again when it changed), so that
 * `onramp devices move` run beside the appliance takes effect at its next lease; every change is read, made and
 * written under the file's lock, so no process's update is lost.
 */
export class VerifiedIdentities {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly state: StateStore) {}

  /** Read for every lease of a known device: parsed again only when the file changed. */
  async get(hostname: string): Promise<VerifiedIdentity | undefined> {
    return (await this.state.readJsonShared<IdentityFile>(FILE, {}))[hostname.toLowerCase()];
  }

  /** After a session whose host key matched and whose login worked; a MAC not given is kept when the address is the same. */
  verified(hostname: string, ip: string, mac: string | undefined, now: number): Promise<void> {
    return this.update((file) => {
      const before = file[hostname.toLowerCase()];
      const keptMac = mac ?? (before?.ip === ip ? before.mac : undefined);
      const entry: VerifiedIdentity = { hostname, ip, source: 'verified', time: new Date(now).toISOString() };
      if (keptMac !== undefined) entry.mac = keptMac;
      const unchanged = before?.source === 'verified' && before.ip === ip && before.mac === keptMac;
      if (!unchanged) file[hostname.toLowerCase()] = entry;
      return !unchanged;
    });
  }

  /** `onramp devices move HOST --to IP`: leases at IP are this device's from now on, from whichever MAC. */
  moved(hostname: string, ip: string, now: number): Promise<void> {
    return this.update((file) => {
      file[hostname.toLowerCase()] = { hostname, ip, source: 'moved', time: new Date(now).toISOString() };
      return true;
    });
  }

  private read(): Promise<IdentityFile> {
    return this.state.readJson<IdentityFile>(FILE, {});
  }

  /** `change` says whether it changed anything worth writing. */
  private update(change: (file: IdentityFile) => boolean): Promise<void> {
    const next = this.queue.then(() => this.state.exclusive(FILE, async () => {
      const file = await this.read();
      if (change(file)) await this.state.writeJson(FILE, file);
    }));
    this.queue = next.catch(() => undefined);
    return next;
  }
}
