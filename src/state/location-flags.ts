import { resolve } from 'node:path';

function shellWord(text: string): string {
  return /^[A-Za-z0-9._/:=+@-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * The `--sites`, `--state` and `--store` flags a command printed for an
 * operator needs to act on the folders and store of the process that
 * printed it, folders as absolute paths; a folder that is the default one
 * here is left out. `store` is the shared store's address, which never
 * carries a password.
 */
export function locationFlags(where: { state: string; sites?: string; store?: string }): string {
  const flags: string[] = [];
  if (where.sites !== undefined && resolve(where.sites) !== resolve('baselines')) flags.push(` --sites ${shellWord(resolve(where.sites))}`);
  if (resolve(where.state) !== resolve('state')) flags.push(` --state ${shellWord(resolve(where.state))}`);
  if (where.store !== undefined) flags.push(` --store ${shellWord(where.store)}`);
  return flags.join('');
}
