import { createHash } from 'node:crypto';
import { locationFlags, type Book, type BookEdit, type SharedStore } from '../state/index.js';

/** Whose key a pin is: an inventory device, or a factory switch known only by its MAC until it is provisioned. */
export type HostKeyOwner = { kind: 'device'; name: string } | { kind: 'factory'; mac: string };

/** How a key came to be pinned. */
export type PinSource = 'first-use' | 'operator' | 'provisioned' | 'moved' | 'migrated';

interface Pin {
  /** The name as given (the file's key is lower case). */
  owner: string;
  fingerprint: string;
  /** The public key blob, base64; absent for an operator's pin until the key is first seen. */
  key?: string;
  /** host:port where the key was last verified; absent until it has been. */
  address?: string;
  source: PinSource;
  pinnedAt: string;
}

/** Pins from before keys were per device: by host:port, in the old file layout. */
interface AddressPin {
  key: string;
  fingerprint: string;
  pinnedAt: string;
}

interface PinFile {
  version: 2;
  devices: Record<string, Pin>;
  factory: Record<string, Pin>;
  /** Address pins carried over from the old layout, each until a device is first verified at that address. */
  addresses: Record<string, AddressPin>;
}

export type HostKeyVerdict =
  | { kind: 'match' }
  | { kind: 'pinned'; source: PinSource; fingerprint: string }
  | { kind: 'refused'; fingerprint: string; pinned: string; acceptCommand: string };

export interface HostKeyListing {
  /** A device hostname, `factory MAC`, or `address HOST:PORT` for an old pin not yet tied to a device. */
  owner: string;
  fingerprint: string;
  source: PinSource | 'address';
  address?: string;
  pinnedAt: string;
}

export interface VerifyRequest {
  owner: HostKeyOwner;
  host: string;
  port: number;
  key: Buffer;
  /** The site's `hostKeys: tofu-on-move`: a device verified elsewhere may show a new key at a new address. */
  tofuOnMove: boolean;
}

/** OpenSSH's fingerprint notation, for logs and operators. */
export function fingerprint(key: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
}

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

export function isFingerprint(text: string): boolean {
  return FINGERPRINT.test(text);
}

function ownerName(owner: HostKeyOwner): string {
  return owner.kind === 'device' ? owner.name : owner.mac;
}

/** A record of the book: a pin of an owner (`device/NAME`, `factory/MAC`) or an old address pin (`address/HOST:PORT`). */
type PinRecord = Pin | AddressPin;

const BOOKS = { device: 'devices', factory: 'factory', address: 'addresses' } as const;
type Kind = keyof typeof BOOKS;

function recordKey(kind: Kind, id: string): string {
  return `${kind}/${id}`;
}

function kindOf(key: string): { kind: Kind; id: string } | undefined {
  const slash = key.indexOf('/');
  const kind = key.slice(0, slash);
  return kind === 'device' || kind === 'factory' || kind === 'address' ? { kind, id: key.slice(slash + 1) } : undefined;
}

/** state/hostkeys.json keeps the pins by kind (and may still be in the layout from before pins were per device). */
const HOSTKEYS_BOOK: Book<PinRecord> = {
  name: 'hostkeys',
  file: 'hostkeys.json',
  fromFile: (raw) => {
    const pins = upgrade(raw);
    const records: Record<string, PinRecord> = {};
    const kinds: [Kind, Record<string, PinRecord>][] = [['device', pins.devices], ['factory', pins.factory], ['address', pins.addresses]];
    for (const [kind, book] of kinds) {
      for (const [id, pin] of Object.entries(book)) records[recordKey(kind, id)] = pin;
    }
    return records;
  },
  toFile: (records) => {
    const file: PinFile = { version: 2, devices: {}, factory: {}, addresses: {} };
    for (const [key, pin] of Object.entries(records)) {
      const at = kindOf(key);
      if (at === undefined) continue;
      if (at.kind === 'address') file.addresses[at.id] = pin as AddressPin;
      else file[BOOKS[at.kind]][at.id] = pin as Pin;
    }
    return file;
  },
};

function ownerKey(owner: HostKeyOwner): string {
  return recordKey(owner.kind, ownerName(owner).toLowerCase());
}

/**
 * SSH host keys pinned per device identity (per factory MAC until the switch
 * is provisioned), never by address: a device keeps its pin when DHCP moves
 * it, and a replaced switch on an old address is not mistaken for it. The
 * store is read again on every call so that `onramp hostkeys accept` in
 * another process takes effect at once; each change is read, made and
 * written under the store's lock, so two first connections (in one process,
 * two, or two appliances) cannot lose each other's pin.
 */
export class HostKeyStore {
  private queue: Promise<unknown> = Promise.resolve();

  /** `sitesDir` goes into the accept command a refusal shows, so that it runs as it is printed. */
  constructor(private readonly store: SharedStore, private readonly sitesDir?: string) {}

  /**
   * Decides on the key a server showed, before any credential is offered:
   * the owner's pinned key matches; an owner with no pin has its first key
   * pinned (or an old pin of that address adopted); a different key is
   * refused, unless the site allows a new key on a move and the device was
   * last verified at another address.
   */
  verify(request: VerifyRequest): Promise<HostKeyVerdict> {
    const address = `${request.host}:${String(request.port)}`;
    const seen = fingerprint(request.key);
    const blob = request.key.toString('base64');
    return this.update(async (pins): Promise<HostKeyVerdict> => {
      const id = ownerKey(request.owner);
      const pinned = await pins.get(id) as Pin | undefined;
      const fresh = (source: PinSource): Pin => ({
        owner: ownerName(request.owner), fingerprint: seen, key: blob, address, source, pinnedAt: new Date().toISOString(),
      });
      if (pinned !== undefined) {
        if (pinned.fingerprint === seen) {
          pins.set(id, { ...pinned, key: blob, address });
          return { kind: 'match' };
        }
        const moved = pinned.address !== undefined && pinned.address !== address;
        if (request.tofuOnMove && moved) {
          pins.set(id, fresh('moved'));
          return { kind: 'pinned', source: 'moved', fingerprint: seen };
        }
        return { kind: 'refused', fingerprint: seen, pinned: pinned.fingerprint, acceptCommand: this.acceptCommand(request.owner, seen) };
      }
      // A factory switch is new by definition: an old pin of its address belonged to whatever had the lease before.
      const old = request.owner.kind === 'device' ? await pins.get(recordKey('address', address)) as AddressPin | undefined : undefined;
      if (old !== undefined && old.fingerprint !== seen) {
        return { kind: 'refused', fingerprint: seen, pinned: old.fingerprint, acceptCommand: this.acceptCommand(request.owner, seen) };
      }
      const source: PinSource = old === undefined ? 'first-use' : 'migrated';
      if (old !== undefined) pins.delete(recordKey('address', address));
      pins.set(id, fresh(source));
      return { kind: 'pinned', source, fingerprint: seen };
    });
  }

  /** `onramp hostkeys accept OWNER --fingerprint FP`: that key and no other, from the next connection on. */
  async accept(owner: HostKeyOwner, fingerprintText: string): Promise<void> {
    if (!isFingerprint(fingerprintText)) throw new Error(`not a SHA256 fingerprint: ${JSON.stringify(fingerprintText.slice(0, 80))}`);
    await this.update((pins) => {
      pins.set(ownerKey(owner), { owner: ownerName(owner), fingerprint: fingerprintText, source: 'operator', pinnedAt: new Date().toISOString() });
    });
  }

  /** The factory switch's key becomes the device's: provisioned, it is that device now. */
  async transfer(mac: string, device: string): Promise<void> {
    await this.update(async (pins) => {
      const factory = recordKey('factory', mac.toLowerCase());
      const pin = await pins.get(factory) as Pin | undefined;
      if (pin === undefined) return;
      pins.set(recordKey('device', device.toLowerCase()), { ...pin, owner: device, source: 'provisioned', pinnedAt: new Date().toISOString() });
      pins.delete(factory);
    });
  }

  /** Removes the pin of a device, a factory MAC, or an old address pin (`HOST:PORT`, or every port of `HOST`). Returns how many. */
  forget(name: string): Promise<number> {
    return this.update(async (pins) => {
      const wanted = name.toLowerCase();
      let removed = 0;
      for (const key of Object.keys(await pins.all())) {
        const at = kindOf(key);
        if (at === undefined) continue;
        if (at.id.toLowerCase() === wanted || (at.kind === 'address' && at.id.startsWith(`${name}:`))) {
          pins.delete(key);
          removed++;
        }
      }
      return removed;
    });
  }

  /** The fingerprint pinned for an owner, if any. */
  async pinned(owner: HostKeyOwner): Promise<string | undefined> {
    return (await this.store.get(HOSTKEYS_BOOK, ownerKey(owner)))?.fingerprint;
  }

  async list(): Promise<HostKeyListing[]> {
    const listings: HostKeyListing[] = [];
    for (const [key, record] of Object.entries(await this.store.all(HOSTKEYS_BOOK))) {
      const at = kindOf(key);
      if (at === undefined) continue;
      if (at.kind === 'address') {
        listings.push({ owner: `address ${at.id}`, fingerprint: record.fingerprint, source: 'address', address: at.id, pinnedAt: record.pinnedAt });
        continue;
      }
      const pin = record as Pin;
      listings.push({
        owner: at.kind === 'device' ? pin.owner : `factory ${pin.owner}`, fingerprint: pin.fingerprint, source: pin.source, pinnedAt: pin.pinnedAt,
        ...(pin.address === undefined ? {} : { address: pin.address }),
      });
    }
    // As the file lists them: devices, then factory switches, then old address pins.
    const rank = (listing: HostKeyListing): number => (listing.source === 'address' ? 2 : listing.owner.startsWith('factory ') ? 1 : 0);
    return listings.sort((a, b) => rank(a) - rank(b));
  }

  /** The command an operator runs to pin `seen` for `owner`, on this sites directory and store. */
  acceptCommand(owner: HostKeyOwner, seen: string): string {
    const where = locationFlags({ state: this.store.root, ...(this.sitesDir === undefined ? {} : { sites: this.sitesDir }), ...(this.store.url === undefined ? {} : { store: this.store.url }) });
    return `onramp hostkeys accept ${ownerName(owner)} --fingerprint ${seen}${where}`;
  }

  private update<T>(change: (pins: BookEdit<PinRecord>) => Promise<T> | T): Promise<T> {
    const next = this.queue.then(() => this.store.edit(HOSTKEYS_BOOK, change));
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/**
 * The old layout was one flat object of `host:port` pins. Those pins are kept
 * as address pins: the first device verified at such an address adopts the
 * pin if its key matches and is refused if not, exactly as the old pin would
 * have had it; a factory switch ignores them.
 */
function upgrade(raw: unknown): PinFile {
  const empty: PinFile = { version: 2, devices: {}, factory: {}, addresses: {} };
  if (typeof raw !== 'object' || raw === null) return empty;
  const file = raw as Partial<PinFile> & Record<string, unknown>;
  if (file.version === 2) return { ...empty, ...file, version: 2 };
  for (const [address, value] of Object.entries(file)) {
    const pin = value as Partial<AddressPin> | null;
    if (/^[^:\s]+:\d{1,5}$/.test(address) && typeof pin?.fingerprint === 'string' && typeof pin.key === 'string') {
      empty.addresses[address] = { key: pin.key, fingerprint: pin.fingerprint, pinnedAt: pin.pinnedAt ?? '' };
    }
  }
  return empty;
}
