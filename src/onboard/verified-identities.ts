import type { Book, BookEdit, SharedStore } from '../state/index.js';

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

/** By lower-case hostname. */
export const IDENTITIES_BOOK: Book<VerifiedIdentity> = { name: 'identities', file: 'identities.json' };

/**
 * The last verified address and MAC of each known device (state/identities.json).
 * Looked at again on every call (a file is parsed again only when it changed), so that
 * `onramp devices move` run beside the appliance takes effect at its next lease; every change is read, made and
 * written under the store's lock, so no process's update is lost.
 */
export class VerifiedIdentities {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: SharedStore) {}

  /** Read for every lease of a known device. */
  async get(hostname: string): Promise<VerifiedIdentity | undefined> {
    return this.store.get(IDENTITIES_BOOK, hostname.toLowerCase());
  }

  /** After a session whose host key matched and whose login worked; a MAC not given is kept when the address is the same. */
  verified(hostname: string, ip: string, mac: string | undefined, now: number): Promise<void> {
    return this.update(async (book) => {
      const key = hostname.toLowerCase();
      const before = await book.get(key);
      const keptMac = mac ?? (before?.ip === ip ? before.mac : undefined);
      const entry: VerifiedIdentity = { hostname, ip, source: 'verified', time: new Date(now).toISOString() };
      if (keptMac !== undefined) entry.mac = keptMac;
      const unchanged = before?.source === 'verified' && before.ip === ip && before.mac === keptMac;
      if (!unchanged) book.set(key, entry);
    });
  }

  /** `onramp devices move HOST --to IP`: leases at IP are this device's from now on, from whichever MAC. */
  moved(hostname: string, ip: string, now: number): Promise<void> {
    return this.update((book) => {
      book.set(hostname.toLowerCase(), { hostname, ip, source: 'moved', time: new Date(now).toISOString() });
    });
  }

  /** Changes are made in the order they were asked for. */
  private update(change: (book: BookEdit<VerifiedIdentity>) => Promise<void> | void): Promise<void> {
    const next = this.queue.then(() => this.store.edit(IDENTITIES_BOOK, change));
    this.queue = next.catch(() => undefined);
    return next;
  }
}
