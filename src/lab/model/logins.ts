import { createHash } from 'node:crypto';
import type { ConfigNode } from '../../config/index.js';
import { words } from './settings.js';

/** The account a lab switch was built with: its spec's login, and the `username` lines its first config had. */
export interface FactoryAccount {
  username: string;
  password: string;
  /** The top-level `username` lines of the config the switch started with. */
  lines: readonly string[];
}

/** `password|secret [TYPE] VALUE` in a `username` line: Centec `privilege 4 password admin`, IOS `secret 9 $9$…`, FSOS `password 7 …`. */
const PASSWORD = /(?:^|\s)(?:password|secret)(?:\s+(\d+))?\s+(\S+)/;

/** The lab's own way of storing a password it hashes (FSOS 1.x factory configs print it as type 7). */
function labHash(password: string): string {
  return createHash('md5').update(password).digest('hex');
}

/** The top-level `username` lines of a config, as the switch keeps them. */
export function usernameLines(nodes: readonly ConfigNode[]): string[] {
  return nodes.filter((node) => words(node.text)[0]?.toLowerCase() === 'username').map((node) => node.text);
}

/**
 * Whether `username` may log in with `password`, as the running config says,
 * the way a switch checks a login against its own user database: no
 * `username` line for the user, no login. A line still as the switch was
 * built with it stands for the factory password (its hash is the factory's);
 * one typed since says the password itself, in clear (no type, or type 0) or
 * hashed the lab's way. A hash the lab did not make cannot be checked, and
 * refuses every password. So a pushed `username admin password 0 NEW` lets
 * NEW in and keeps the factory password out. A switch built from a config
 * with no `username` line at all (a test's bare config) takes its spec's
 * login while it has none.
 */
export function loginAccepted(nodes: readonly ConfigNode[], factory: FactoryAccount, username: string, password: string): boolean {
  const all = usernameLines(nodes);
  // Built from a config without accounts, the switch takes its spec's login for as long as it has none.
  if (all.length === 0 && factory.lines.length === 0) return username === factory.username && password === factory.password;
  const line = all.filter((text) => words(text)[1] === username).find((text) => PASSWORD.test(text));
  if (line === undefined) return false;
  if (username === factory.username && factory.lines.includes(line)) return password === factory.password;
  const [, type, value] = PASSWORD.exec(line) ?? [];
  if (type === undefined || type === '0') return value === password;
  return value === labHash(password);
}
