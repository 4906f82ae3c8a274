/**
 * A DHCP hostname comes from whoever is on the wire. Only names built from
 * RFC 1123 label characters (plus `_`, which real devices send) go further;
 * everything else — shell and template metacharacters, path separators,
 * control bytes, non-ASCII, over-long names — is refused, so a lease's
 * `host` is safe as an argv element, a file name segment or template data.
 */
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$/;
const MAX_NAME = 253;

export function validateHostname(raw: string): string | null {
  if (raw.length === 0 || raw.length > MAX_NAME) return null;
  for (const label of raw.split('.')) {
    if (!LABEL.test(label)) return null;
  }
  return raw;
}

const LOG_LIMIT = 120;

/**
 * A rejected value, made fit for a log line: control bytes, non-ASCII and
 * backslashes escaped, cut to a bounded length with the original length noted.
 */
export function escapeForLog(raw: string, limit = LOG_LIMIT): string {
  const cut = raw.length > limit ? raw.slice(0, limit) : raw;
  let out = '';
  for (const ch of cut) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (code >= 0x20 && code < 0x7f) out += ch;
    else if (code <= 0xff) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += `\\u{${code.toString(16)}}`;
  }
  return raw.length > limit ? `${out}…(${raw.length} chars)` : out;
}
