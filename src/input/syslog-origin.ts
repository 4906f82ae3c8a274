/**
 * Many switches send syslog without a hostname in the header: Cisco IOS by
 * default (`<189>45: *Nov 23 11:00:00.123: %SYS-5-CONFIG_I: …`, hostname
 * only with `logging origin-id hostname`), and RFC 5424 senders may put `-`.
 * rsyslog writes such a message to its files with the sender's address as
 * the hostname; so does onramp's listener, so that rules read the same line
 * whether the message came straight to onramp or through a relay's file.
 */

const PRI = /^<\d{1,3}>/;
/** RFC 3164's timestamp as rsyslog writes it: `Nov  3 11:00:00 `. */
const BSD_TIMESTAMP = /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d /;
/**
 * What follows a header without a hostname: maybe a Cisco sequence number,
 * then a Cisco timestamp (`*`, `.` mark unsynced clocks) or the message
 * itself. (`45: CORE1: …` is the origin-id form, hostname included.)
 */
const NO_HOSTNAME = /^(?:\d+: )?(?:[*.]?[A-Z][a-z]{2} +\d{1,2} (?:\d{4} )?\d\d:\d\d:\d\d|%)/;
const RFC5424_NIL_HOST = /^1 \S+ - /;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The message with `peer` (the sender's address) as its hostname when its
 * header has none, stamped with the time received; otherwise unchanged.
 */
export function withOrigin(message: string, peer: string, received: Date): string {
  const pri = PRI.exec(message)?.[0] ?? '';
  const rest = message.slice(pri.length);
  const host = peer.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  if (RFC5424_NIL_HOST.test(rest)) return `${pri}${rest.replace(RFC5424_NIL_HOST, (nil) => `${nil.slice(0, -2)}${host} `)}`;
  const timestamp = BSD_TIMESTAMP.exec(rest)?.[0];
  if (timestamp !== undefined) {
    const after = rest.slice(timestamp.length);
    return NO_HOSTNAME.test(after) ? `${pri}${timestamp}${host} ${after}` : message;
  }
  return NO_HOSTNAME.test(rest) ? `${pri}${bsdTimestamp(received)} ${host} ${rest}` : message;
}

function bsdTimestamp(d: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getMonth()] ?? 'Jan'} ${String(d.getDate()).padStart(2, ' ')} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
