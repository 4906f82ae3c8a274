const CANONICAL = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;
const SEPARATED = /^([0-9A-Fa-f]{1,2})([:-])([0-9A-Fa-f]{1,2})\2([0-9A-Fa-f]{1,2})\2([0-9A-Fa-f]{1,2})\2([0-9A-Fa-f]{1,2})\2([0-9A-Fa-f]{1,2})$/;
const DOTTED = /^([0-9A-Fa-f]{4})\.([0-9A-Fa-f]{4})\.([0-9A-Fa-f]{4})$/;
const BARE = /^[0-9A-Fa-f]{12}$/;

/**
 * One spelling for a MAC address, whatever the source: `aa:bb:cc:dd:ee:ff`.
 * Accepts colon or hyphen groups (ISC dhcpd's binary-to-ascii drops leading
 * zeros, so `be:b5:de:1:12:a1` is accepted), Cisco's `aabb.ccdd.eeff` and
 * twelve bare hex digits.
 */
export function normaliseMac(raw: string): string | null {
  if (raw.length === 17 && CANONICAL.test(raw)) return raw;
  const text = raw.trim();
  let hex: string;
  const separated = SEPARATED.exec(text);
  if (separated !== null) {
    hex = [1, 3, 4, 5, 6, 7].map((i) => (separated[i] ?? '').padStart(2, '0')).join('');
  } else {
    const dotted = DOTTED.exec(text);
    if (dotted !== null) hex = `${dotted[1] ?? ''}${dotted[2] ?? ''}${dotted[3] ?? ''}`;
    else if (BARE.test(text)) hex = text;
    else return null;
  }
  hex = hex.toLowerCase();
  return hex.replace(/(..)(?!$)/g, '$1:');
}
