import { resolve } from 'node:path';

function shellWord(text: string): string {
  return /^[A-Za-z0-9._/:=+@-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * The `--sites` and `--state` flags a command printed for an operator needs
 * to act on the folders of the process that printed it, as absolute paths;
 * a folder that is the default one here is left out.
 */
export function locationFlags(where: { state: string; sites?: string }): string {
  const flags: string[] = [];
  if (where.sites !== undefined && resolve(where.sites) !== resolve('baselines')) flags.push(` --sites ${shellWord(resolve(where.sites))}`);
  if (resolve(where.state) !== resolve('state')) flags.push(` --state ${shellWord(resolve(where.state))}`);
  return flags.join('');
}
