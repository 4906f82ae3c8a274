/**
 * Which configured line a typed command replaces or removes. A setting that
 * holds one value (hostname, description, primary address, access VLAN, mtu…)
 * is known by its first few words; a typed value replaces the old one. Every
 * other line is one item of a list (routes, servers, ACL entries) and only an
 * identical line is the same item.
 */

/** Key length meaning "the whole line": a list item. */
export const WHOLE_LINE = Number.MAX_SAFE_INTEGER;

export function words(line: string): string[] {
  return line.trim().split(/\s+/).filter((w) => w !== '');
}

/** Settings known by their first word whatever section they are in. */
const ONE_WORD = new Set([
  'hostname', 'description', 'speed', 'duplex', 'mtu', 'shutdown', 'channel-group', 'media-type', 'name', 'state',
  'exec-timeout', 'password', 'login', 'encapsulation', 'bandwidth', 'router-id', 'remote-as', 'update-source',
  'ebgp-multihop', 'rd', 'priority', 'police', 'queue-limit', 'load-interval', 'vn-segment', 'region', 'revision',
  'source-interface', 'timeout', 'frequency', 'lease', 'default-router', 'domain-name', 'peer-type', 'negotiation',
  'carrier-delay', 'delay', 'fec', 'poe', 'full-duplex', 'half-duplex', 'session-timeout', 'history', 'length',
]);

/** Settings known by their first two words. */
const TWO_WORDS = new Set([
  'switchport mode', 'switchport pvid', 'spanning-tree mode', 'ip default-gateway', 'ip domain-name', 'ip domain-lookup',
  'snmp-server location', 'snmp-server contact', 'snmp-server system-location', 'snmp-server system-contact',
  'lldp system-name', 'clock timezone', 'enable secret', 'enable password', 'banner motd', 'banner login', 'banner exec',
  'logging buffered', 'logging buffer', 'transport input', 'transport output', 'privilege level', 'bgp router-id',
  'ip mtu', 'ipv6 mtu', 'shape average', 'spanning-tree priority', 'spanning-tree portfast', 'spanning-tree cost',
  'spanning-tree port-priority', 'ip helper-address', 'management route', 'dns domain', 'ip name-server',
  'service-policy input', 'service-policy output', 'spanning-tree hello-time', 'spanning-tree max-age',
  'spanning-tree forward-time', 'switchport voice', 'storm-control action', 'storm-control broadcast',
  'storm-control multicast', 'storm-control unicast', 'snmp-server engine-id',
]);

/** Settings known by their first three words. */
const THREE_WORDS = new Set([
  'switchport access vlan', 'switchport trunk vlan-allowed', 'switchport trunk vlan-untagged', 'management ip address',
  'ip domain name', 'switchport voice vlan', 'switchport dot1q-tunnel type', 'ip access-group in', 'ip access-group out',
  'switchport trunk encapsulation',
]);

function joined(ws: readonly string[], n: number): string {
  return ws.slice(0, n).join(' ').toLowerCase();
}

/**
 * How many leading words identify the setting `line` sets; `WHOLE_LINE` for a
 * list item. `usernameKeyLength` is the family's (FSOS 1.x keeps `username X
 * privilege` and `username X password` apart).
 */
export function settingKeyLength(line: string, usernameKeyLength: number): number {
  const ws = words(line);
  const [first = '', second = '', third = ''] = ws.map((w) => w.toLowerCase());
  if (first === 'ip' && second === 'address') return ws.at(-1)?.toLowerCase() === 'secondary' ? WHOLE_LINE : 2;
  if (first === 'ipv6' && second === 'address') return WHOLE_LINE;
  if (first === 'username') return usernameKeyLength;
  if (first === 'ip' && second === 'access-group') return ws.length >= 4 ? 4 : WHOLE_LINE;
  if (first === 'switchport' && second === 'trunk' && third === 'allowed') {
    // `add`/`remove` lines are list items where the family prints them so (NetworkOS, FSOS 1.x).
    return ['add', 'remove', 'except'].includes(ws[4]?.toLowerCase() ?? '') ? WHOLE_LINE : 4;
  }
  if (first === 'switchport' && second === 'trunk' && third === 'native') return 4;
  if (first === 'neighbor' && ws.length >= 3 && !['activate', 'send-community'].includes(third)) return 3;
  if (first === 'snmp-server' && (second === 'community' || second === 'host')) return 3;
  if (first === 'vlan' && /^\d+$/.test(second) && ws.length > 2) return 2;
  if (ONE_WORD.has(first)) return 1;
  if (TWO_WORDS.has(joined(ws, 2))) return 2;
  if (THREE_WORDS.has(joined(ws, 3))) return 3;
  return WHOLE_LINE;
}

/** Whether the first `count` words of two lines are the same, first word compared without case. */
export function sameLeadingWords(a: readonly string[], b: readonly string[], count: number): boolean {
  if (a.length < count || b.length < count) return false;
  return a.slice(0, count).every((w, i) => (i === 0 ? w.toLowerCase() === b[i]?.toLowerCase() : w === b[i]));
}

/** Whether `existing` is the setting `typed` sets (so typing it replaces `existing`). */
export function sameSetting(existing: string, typed: string, usernameKeyLength: number): boolean {
  const key = settingKeyLength(typed, usernameKeyLength);
  const e = words(existing);
  const t = words(typed);
  if (key === WHOLE_LINE) return e.length === t.length && sameLeadingWords(e, t, t.length);
  return settingKeyLength(existing, usernameKeyLength) === key && sameLeadingWords(e, t, key);
}

/**
 * Whether `no <negated>` removes `existing`: a setting goes whatever its value
 * (`no description`, `no ip address`), a list item when the typed words
 * begin it (`no ip route 10.0.0.0 255.0.0.0`). `no ip address` leaves the
 * secondaries; `no ip address A M secondary` removes that one.
 */
export function removedBy(existing: string, negated: readonly string[], usernameKeyLength: number): boolean {
  const e = words(existing);
  if (e[0]?.toLowerCase() === 'no') return false;
  const key = settingKeyLength(existing, usernameKeyLength);
  const isPrimaryAddress = e[0] === 'ip' && e[1] === 'address' && key === 2;
  if (e[0] === 'ip' && e[1] === 'address' && !isPrimaryAddress) {
    return negated.at(-1) === 'secondary' && sameLeadingWords(e, negated, negated.length);
  }
  if (isPrimaryAddress && negated.at(-1) === 'secondary') return false;
  // NX-OS keeps `route-target import X` and `route-target import X evpn` apart: only the whole line is the same one.
  if (e[0] === 'route-target') return e.length === negated.length && sameLeadingWords(e, negated, e.length);
  const count = Math.min(key, negated.length);
  return sameLeadingWords(e, negated, count);
}
