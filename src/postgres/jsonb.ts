/**
 * A value as the text of a jsonb parameter. PostgreSQL refuses a string
 * holding U+0000 in jsonb (22P05), and such a string can come from untrusted
 * input (a DHCP line's `via`, a device's reply): every write carrying it
 * would fail again and again. It is written as U+FFFD instead.
 */
export function jsonb(value: unknown): string {
  const text = JSON.stringify(value);
  // Rare: only then is the value walked again.
  if (!text.includes('\\u0000')) return text;
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'string' ? item.replaceAll('\0', '\uFFFD') : item));
}
