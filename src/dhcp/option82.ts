import { normaliseMac } from './mac.js';
import { isIpv4, withHostname, type DhcpLease } from './lease.js';

/**
 * ISC dhcpd does not log DHCP option 82 (relay agent information) by itself.
 * Adding this to dhcpd.conf (global scope, or the subnet the switches boot in)
 * makes it write one extra line per committed lease, just before its own
 * `DHCPACK on …` line:
 *
 * ```
 * # onramp: log relay agent information (option 82) with every committed lease
 * on commit {
 *   log(info, concat("DHCPACK-OPT82 ip=", binary-to-ascii(10, 8, ".", leased-address),
 *     " mac=", binary-to-ascii(16, 8, ":", substring(hardware, 1, 6)),
 *     " circuit-id=", pick-first-value(binary-to-ascii(16, 8, ":", option agent.circuit-id), "none"),
 *     " remote-id=", pick-first-value(binary-to-ascii(16, 8, ":", option agent.remote-id), "none"),
 *     " host=", pick-first-value(binary-to-ascii(16, 8, ":", option host-name), "none")));
 * }
 * ```
 *
 * which logs, e.g.
 * `DHCPACK-OPT82 ip=10.77.0.100 mac=be:b5:de:1:12:a1 circuit-id=65:74:68:2d:30:2d:31:33 remote-id=none host=53:77:69:74:63:68`.
 *
 * Every client- and relay-supplied value is written as hex bytes, so no
 * hostname or circuit id can forge fields, spaces or a second line;
 * `pick-first-value` stands in `none` for a missing option (without it dhcpd
 * drops the whole line when one option is absent). binary-to-ascii does not
 * zero-pad, hence `1` rather than `01` above; the parser accepts both.
 * A circuit or remote id made of plain printable text (`eth-0-13`, `Gi1/0/1`)
 * is returned as that text, anything else as lower-case `0a:1b:…` hex.
 */
const LINE = /^DHCPACK-OPT82 ip=(\S{7,15}) mac=(\S{1,64}) circuit-id=(\S{0,4096}) remote-id=(\S{0,4096}) host=(\S{0,8192}) *$/;
const HEX_BYTES = /^[0-9A-Fa-f]{1,2}(?::[0-9A-Fa-f]{1,2})*$/;
const PLAIN_ID = /^[A-Za-z0-9][A-Za-z0-9 ._:/-]*$/;

export function parseOption82Line(message: string): DhcpLease | null {
  const m = LINE.exec(message);
  if (m === null) return null;
  const [, ip = '', rawMac = '', circuit = '', remote = '', host = ''] = m;
  const mac = normaliseMac(rawMac);
  if (mac === null || !isIpv4(ip)) return null;
  const lease: DhcpLease = { server: 'isc', ip, mac };
  const circuitId = agentId(circuit);
  if (circuitId !== undefined) lease.circuitId = circuitId;
  const remoteId = agentId(remote);
  if (remoteId !== undefined) lease.remoteId = remoteId;
  const hostBytes = hexBytes(host);
  if (hostBytes !== undefined) {
    // Some clients NUL-terminate host-name; dhcpd's own log line drops that too.
    let end = hostBytes.length;
    while (end > 0 && hostBytes[end - 1] === 0) end -= 1;
    withHostname(lease, hostBytes.subarray(0, end).toString('latin1'));
  }
  return lease;
}

function hexBytes(text: string): Buffer | undefined {
  if (text.length === 0 || !HEX_BYTES.test(text)) return undefined;
  return Buffer.from(text.split(':').map((byte) => parseInt(byte, 16)));
}

function agentId(text: string): string | undefined {
  const bytes = hexBytes(text);
  if (bytes === undefined) return undefined;
  const ascii = bytes.toString('latin1');
  if (PLAIN_ID.test(ascii)) return ascii;
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');
}
