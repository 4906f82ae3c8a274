/**
 * Who made a configuration change, as the switch's config-change syslog line
 * says it. Every value comes from the wire (any syslog sender), so only
 * short, plain tokens are kept: no control bytes, no spaces, nothing that
 * begins like an option, and an address only when it parses as one.
 */
export interface ChangeAuthor {
  user?: string;
  /** Where the session came from (the operator's address, not the switch's). */
  source?: string;
  /** vty0, console, web, ssh… */
  session?: string;
  /** The message itself, control bytes removed and shortened. */
  line: string;
}

const TOKEN = /^[A-Za-z0-9][A-Za-z0-9._@\\-]{0,63}$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;
const IPV6 = /^[0-9A-Fa-f:]{2,39}$/;
export const MAX_LINE = 300;

/** A token that may go into a commit author or message: plain, bounded, not option-like; else undefined. */
export function plainToken(value: string | undefined): string | undefined {
  return value !== undefined && TOKEN.test(value) ? value : undefined;
}

function address(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return IPV4.test(value) || (IPV6.test(value) && value.includes(':')) ? value : undefined;
}

/** Control bytes (newlines included) become spaces; the rest is cut at MAX_LINE characters. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- the point is to remove control bytes
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim().slice(0, MAX_LINE);
}

/** Message shapes, most specific first (VENDORS.md; FS NetworkOS's inferred). */
const SHAPES: readonly RegExp[] = [
  // Cisco IOS / FSOS: Configured from console by admin on vty0 (10.1.0.5)
  /Configured from (?<via>\S+) by (?<user>\S+)(?: on (?<session>\S+))?(?: \((?<source>[^)\s]+)\))?/,
  // NX-OS-like: Configured from vty by admin on 10.1.0.5@pts/0
  /Configured from (?<via>\S+) by (?<user>\S+) on (?<source>[^@\s]+)@(?<session>\S+)/,
  // FS NetworkOS / Centec: %CONFIG-5-CONFIG_CHANGED: ... changed by admin from 10.1.0.5 (ssh)
  /[Cc]hanged by (?:user )?(?<user>\S+?)(?: from (?<source>[^\s,()]+))?(?: (?:via|\()(?<session>[A-Za-z0-9]+)\)?)?(?=[\s,.;]|$)/,
  // Configured from web / console with no user
  /Configured from (?<via>\S+)/,
];

export function parseChangeAuthor(message: string): ChangeAuthor {
  const line = oneLine(message);
  for (const shape of SHAPES) {
    const found = shape.exec(line)?.groups;
    if (found === undefined) continue;
    const author: ChangeAuthor = { line };
    const user = plainToken(found.user);
    // "from console" is itself the session when no "on vty0" names one.
    const session = plainToken(found.session) ?? (found.via === 'console' || found.via === 'web' ? found.via : undefined);
    const source = address(found.source);
    if (user !== undefined) author.user = user;
    if (session !== undefined) author.session = session;
    if (source !== undefined) author.source = source;
    return author;
  }
  return { line };
}

/** `by admin on vty0 from 10.1.0.5`, or '' when the message named nobody. */
export function describeAuthor(author: ChangeAuthor): string {
  return [
    author.user === undefined ? '' : `by ${author.user}`,
    author.session === undefined ? '' : `on ${author.session}`,
    author.source === undefined ? '' : `from ${author.source}`,
  ].filter((part) => part !== '').join(' ');
}
