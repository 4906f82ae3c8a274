import { BlockList, isIP } from 'node:net';

/**
 * What an input is trusted for. Its lines all reach the rules; what differs
 * is which native actions an event from it may fire:
 *
 * - `lease`: the DHCP server's own log (or a listener that only the DHCP
 *   server can reach). The only role whose events may `onboard` or
 *   `provision`: those log in to the address in the line, factory password
 *   included.
 * - `config-change`: switches' syslog (configuration-change messages).
 * - `sec`: any other log, for SEC rules.
 *
 * `check` and `backup` act on inventory devices at known addresses only, and
 * are allowed from every role.
 */
export type InputRole = 'lease' | 'config-change' | 'sec';

export const INPUT_ROLES: readonly InputRole[] = ['lease', 'config-change', 'sec'];

export type NativeActionName = 'onboard' | 'provision' | 'check' | 'backup';

const LEASE_ONLY: ReadonlySet<NativeActionName> = new Set(['onboard', 'provision']);

/** Whether an event from an input of `role` (undefined: a timer, a calendar or a synthetic event) may fire `action`. */
export function roleAllows(role: InputRole | undefined, action: NativeActionName): boolean {
  return role === 'lease' || !LEASE_ONLY.has(action);
}

/** Senders a listener accepts, by subnet. */
export interface SenderFilter {
  allows(address: string): boolean;
  /** As given, for messages. */
  readonly cidrs: readonly string[];
}

/** A listener from `--listen-syslog URL[?role=ROLE][&allow=CIDR,CIDR…]`. */
export interface ListenSpec {
  /** As given: the listener's name as an input (the source of its lines). */
  name: string;
  /** `udp://HOST:PORT` or `tcp://HOST:PORT`, without the options. */
  url: string;
  role: InputRole;
  /** Undefined: any sender. */
  allow: SenderFilter | undefined;
}

/**
 * Parses a `--listen-syslog` value. A listener is a config-change input
 * unless `role=` says otherwise. Senders are any address, except for a
 * lease listener, which takes none until `allow=` names them: anyone on
 * the network can send a datagram that looks like the DHCP server's.
 * Returns a message naming what is wrong when the value is not one.
 */
export function parseListenSpec(text: string): ListenSpec | string {
  const query = text.indexOf('?');
  const url = query < 0 ? text : text.slice(0, query);
  const params = new URLSearchParams(query < 0 ? '' : text.slice(query + 1));
  for (const key of params.keys()) {
    if (key !== 'role' && key !== 'allow') return `${text}: unknown option "${key}": expected role= or allow=`;
  }
  const roleText = params.get('role') ?? 'config-change';
  const role = INPUT_ROLES.find((candidate) => candidate === roleText);
  if (role === undefined) return `${text}: role: expected one of ${INPUT_ROLES.join(', ')}, got "${roleText}"`;
  const allowText = params.get('allow');
  if (allowText === null) return { name: text, url, role, allow: role === 'lease' ? filterOf(new BlockList(), []) : undefined };
  const cidrs = allowText.split(',').map((cidr) => cidr.trim()).filter((cidr) => cidr !== '');
  const filter = senderFilter(cidrs);
  return typeof filter === 'string' ? `${text}: allow: ${filter}` : { name: text, url, role, allow: filter };
}

/** Senders in the subnets `cidrs` (`10.77.0.0/24`, `10.77.0.5`, `fd00::/8`); a message when one is not a subnet. */
export function senderFilter(cidrs: readonly string[]): SenderFilter | string {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address = '', bitsText, extra] = cidr.split('/');
    const family = isIP(address);
    const bits = bitsText === undefined ? (family === 6 ? 128 : 32) : Number(bitsText);
    if (family === 0 || extra !== undefined || !/^\d{0,3}$/.test(bitsText ?? '') || bits > (family === 6 ? 128 : 32)) {
      return `"${cidr}" is not a subnet: expected an address or ADDRESS/BITS, e.g. 10.77.0.0/24`;
    }
    list.addSubnet(address, bits, family === 6 ? 'ipv6' : 'ipv4');
  }
  return filterOf(list, cidrs);
}

function filterOf(list: BlockList, cidrs: readonly string[]): SenderFilter {
  return {
    cidrs: [...cidrs],
    allows: (address) => {
      const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
      const family = isIP(plain);
      return family !== 0 && list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
    },
  };
}
