import { isIPv4 } from 'node:net';
import { stateDirOf } from '../agent/state-dir.js';
import { HostKeyStore, isFingerprint, type HostKeyOwner } from '../device/index.js';
import { ExitCode } from '../exit-codes.js';
import { canonicalMac } from '../inventory/index.js';
import { isSafeName, type SharedStore } from '../state/index.js';
import { loadKnownNames, namesStore, STD_IO, text, withStore, type CliOptions, type CommandIo } from './command-support.js';

/**
 * `onramp hostkeys list | accept HOST --fingerprint SHA256:… | forget HOST`.
 * HOST is a device's hostname, or a factory switch's MAC; `forget` also takes
 * the `HOST[:PORT]` of a pin kept from before pins were per device. `accept`
 * pins exactly the key with that fingerprint: any other is refused. With
 * `--agent NAME`, the pins of that agent's state.
 */
export async function hostkeysCommand(action: string, host: string | undefined, options: CliOptions, io: CommandIo = STD_IO): Promise<number> {
  // With --store the pins are in the database: the state directory need not exist.
  const state = namesStore(options) && options.agent === undefined ? { dir: text(options, 'state', 'state') } : await stateDirOf(options);
  if ('error' in state) {
    io.err(`hostkeys: ${state.error}\n`);
    return ExitCode.BadInput;
  }
  return withStore(options, state.dir, (opened) => hostkeysOn(opened.store, action, host, options, io), io);
}

async function hostkeysOn(shared: SharedStore, action: string, host: string | undefined, options: CliOptions, io: CommandIo): Promise<number> {
  const store = new HostKeyStore(shared);
  if (action === 'list') {
    const pins = await store.list();
    for (const pin of pins.sort((a, b) => a.owner.localeCompare(b.owner))) {
      const where = pin.address === undefined ? 'not yet seen' : `at ${pin.address}`;
      io.out(`${pin.owner}  ${pin.fingerprint}  ${pin.source} ${pin.pinnedAt}  ${where}\n`);
    }
    if (pins.length === 0) io.out('no pinned host keys\n');
    return ExitCode.Ok;
  }
  if (action === 'forget') {
    if (host === undefined || !(isSafeName(host) || canonicalMac(host) !== undefined || isAddress(host))) {
      io.err(`hostkeys forget: expected a device name, a MAC or HOST:PORT, got ${JSON.stringify((host ?? '').slice(0, 80))}\n`);
      return ExitCode.BadInput;
    }
    const removed = await store.forget(canonicalMac(host) ?? host);
    if (removed === 0) {
      io.err(`hostkeys forget: no pinned key for ${host}\n`);
      return ExitCode.BadInput;
    }
    io.out(`forgot ${String(removed)} pinned key(s) for ${host}; the next connection pins the key it presents\n`);
    return ExitCode.Ok;
  }
  if (action === 'accept') return accept(store, shared, host, options, io);
  io.err(`hostkeys: unknown action ${JSON.stringify(action.slice(0, 40))}; expected list, accept or forget\n`);
  return ExitCode.BadInput;
}

async function accept(store: HostKeyStore, shared: SharedStore, host: string | undefined, options: CliOptions, io: CommandIo): Promise<number> {
  const accepted = await acceptHostKey(store, host, options.fingerprint, () => loadKnownNames(options));
  if ('error' in accepted) {
    io.err(`hostkeys accept: ${accepted.error}\n`);
    return ExitCode.BadInput;
  }
  io.out(`${accepted.message}\n`);
  return ExitCode.Ok;
}

/**
 * Pins exactly the key with `fingerprint` for HOST, a factory MAC or a name
 * among `knownNames` (devices, port map entries): any other key is refused
 * from then on. What `hostkeys accept` and the console's accept both do.
 */
export async function acceptHostKey(
  store: HostKeyStore, host: string | undefined, fingerprint: unknown, knownNames: () => Promise<string[] | string>,
): Promise<{ message: string } | { error: string }> {
  if (typeof fingerprint !== 'string' || !isFingerprint(fingerprint)) {
    return { error: `--fingerprint SHA256:… is required (the fingerprint the hostkey.changed event shows, checked on the switch's console), got ${JSON.stringify(typeof fingerprint === 'string' ? fingerprint.slice(0, 80) : '')}` };
  }
  const owner = await ownerOf(host, knownNames);
  if (typeof owner === 'string') return { error: owner };
  await store.accept(owner, fingerprint);
  const name = owner.kind === 'device' ? owner.name : `factory switch ${owner.mac}`;
  return { message: `${name}: pinned ${fingerprint}; a switch showing any other key is refused` };
}

/** A factory MAC, or a hostname the sites (or a provisioned switch) know; anything else is a mistake worth stopping. */
async function ownerOf(host: string | undefined, knownNames: () => Promise<string[] | string>): Promise<HostKeyOwner | string> {
  const mac = host === undefined ? undefined : canonicalMac(host);
  if (mac !== undefined) return { kind: 'factory', mac };
  if (host === undefined || !isSafeName(host)) return `expected a device name or a factory MAC, got ${JSON.stringify((host ?? '').slice(0, 80))}`;
  const names = await knownNames();
  if (typeof names === 'string') return names;
  const known = names.find((name) => name.toLowerCase() === host.toLowerCase());
  return known === undefined ? `${host} is not a device or port map entry of any site` : { kind: 'device', name: known };
}

function isAddress(text: string): boolean {
  const m = /^([^:]+)(?::(\d{1,5}))?$/.exec(text);
  return m?.[1] !== undefined && isIPv4(m[1]);
}
