import { createHash } from 'node:crypto';
import { locationFlags, type StateStore } from '../state/index.js';

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

const FILE = ['hostkeys.json'];

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

/**
 * SSH host keys pinned per device identity (per factory MAC until the switch
 * is provisioned), never by address: a device keeps its pin when DHCP moves
 * it, and a replaced switch on an old address is not mistaken for it. The
 * file is re-read on every call so that `onramp hostkeys accept` in another
 * process takes effect at once; each change is read, made and written under
 * the file's lock, so two first connections (in one process or two) cannot
 * lose each other's pin.
 */
export class HostKeyStore {
  private queue: Promise<unknown> = Promise.resolve();

  /** `sitesDir` goes into the accept command a refusal shows, so that it runs as it is printed. */
  constructor(private readonly state: StateStore, private readonly sitesDir?: string) {}

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
    return this.update((pins) => {
      const book = request.owner.kind === 'device' ? pins.devices : pins.factory;
      const id = ownerName(request.owner).toLowerCase();
      const pinned = book[id];
      const fresh = (source: PinSource): Pin => ({
        owner: ownerName(request.owner), fingerprint: seen, key: blob, address, source, pinnedAt: new Date().toISOString(),
      });
      if (pinned !== undefined) {
        if (pinned.fingerprint === seen) {
          book[id] = { ...pinned, key: blob, address };
          return { kind: 'match' };
        }
        const moved = pinned.address !== undefined && pinned.address !== address;
        if (request.tofuOnMove && moved) {
          book[id] = fresh('moved');
          return { kind: 'pinned', source: 'moved', fingerprint: seen };
        }
        return { kind: 'refused', fingerprint: seen, pinned: pinned.fingerprint, acceptCommand: this.acceptCommand(request.owner, seen) };
      }
      // A factory switch is new by definition: an old pin of its address belonged to whatever had the lease before.
      const old = request.owner.kind === 'device' ? pins.addresses[address] : undefined;
      if (old !== undefined && old.fingerprint !== seen) {
        return { kind: 'refused', fingerprint: seen, pinned: old.fingerprint, acceptCommand: this.acceptCommand(request.owner, seen) };
      }
      const source: PinSource = old === undefined ? 'first-use' : 'migrated';
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
      if (old !== undefined) delete pins.addresses[address];
      book[id] = fresh(source);
      return { kind: 'pinned', source, fingerprint: seen };
    });
  }

  /** `onramp hostkeys accept OWNER --fingerprint FP`: that key and no other, from the next connection on. */
  async accept(owner: HostKeyOwner, fingerprintText: string): Promise<void> {
    if (!isFingerprint(fingerprintText)) throw new Error(`not a SHA256 fingerprint: ${JSON.stringify(fingerprintText.slice(0, 80))}`);
    await this.update((pins) => {
      const book = owner.kind === 'device' ? pins.devices : pins.factory;
      book[ownerName(owner).toLowerCase()] = { owner: ownerName(owner), fingerprint: fingerprintText, source: 'operator', pinnedAt: new Date().toISOString() };
    });
  }

  /** The factory switch's key becomes the device's: provisioned, it is that device now. */
  async transfer(mac: string, device: string): Promise<void> {
    await this.update((pins) => {
      const pin = pins.factory[mac.toLowerCase()];
      if (pin === undefined) return;
      pins.devices[device.toLowerCase()] = { ...pin, owner: device, source: 'provisioned', pinnedAt: new Date().toISOString() };
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
      delete pins.factory[mac.toLowerCase()];
    });
  }

  /** Removes the pin of a device, a factory MAC, or an old address pin (`HOST:PORT`, or every port of `HOST`). Returns how many. */
  forget(name: string): Promise<number> {
    return this.update((pins) => {
      const key = name.toLowerCase();
      let removed = 0;
      for (const book of [pins.devices, pins.factory, pins.addresses]) {
        for (const id of Object.keys(book)) {
          if (id.toLowerCase() === key || (book === pins.addresses && id.startsWith(`${name}:`))) {
            // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
            delete book[id];
            removed++;
          }
        }
      }
      return removed;
    });
  }

  /** The fingerprint pinned for an owner, if any. */
  async pinned(owner: HostKeyOwner): Promise<string | undefined> {
    const pins = await this.read();
    const book = owner.kind === 'device' ? pins.devices : pins.factory;
    return book[ownerName(owner).toLowerCase()]?.fingerprint;
  }

  async list(): Promise<HostKeyListing[]> {
    const pins = await this.read();
    const listing = (label: string, pin: Pin): HostKeyListing => ({
      owner: label, fingerprint: pin.fingerprint, source: pin.source, pinnedAt: pin.pinnedAt, ...(pin.address === undefined ? {} : { address: pin.address }),
    });
    return [
      ...Object.values(pins.devices).map((pin) => listing(pin.owner, pin)),
      ...Object.values(pins.factory).map((pin) => listing(`factory ${pin.owner}`, pin)),
      ...Object.entries(pins.addresses).map(([address, pin]): HostKeyListing => ({
        owner: `address ${address}`, fingerprint: pin.fingerprint, source: 'address', address, pinnedAt: pin.pinnedAt,
      })),
    ];
  }

  /** The command an operator runs to pin `seen` for `owner`, on this sites and state directory. */
  acceptCommand(owner: HostKeyOwner, seen: string): string {
    const where = locationFlags(this.sitesDir === undefined ? { state: this.state.root } : { state: this.state.root, sites: this.sitesDir });
    return `onramp hostkeys accept ${ownerName(owner)} --fingerprint ${seen}${where}`;
  }

  private async read(): Promise<PinFile> {
    return upgrade(await this.state.readJson<unknown>(FILE, undefined));
  }

  private update<T>(change: (pins: PinFile) => T): Promise<T> {
    const next = this.queue.then(() => this.state.exclusive(FILE, async () => {
      const pins = await this.read();
      const before = JSON.stringify(pins);
      const result = change(pins);
      if (JSON.stringify(pins) !== before) await this.state.writeJson(FILE, pins);
      return result;
    }));
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
