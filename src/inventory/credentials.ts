import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { CredentialRef, Credentials, Site } from './types.js';

export class CredentialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialError';
  }
}

/**
 * Reads a secret named by the site file. A file must be readable by its owner
 * only (0600 or stricter): a world-readable password file is refused rather
 * than used, so the mistake is fixed instead of lived with.
 */
function readSecret(site: Site, what: string, env: string | undefined, file: string | undefined): string | undefined {
  if (env !== undefined) {
    const value = process.env[env];
    if (value === undefined || value === '') {
      throw new CredentialError(`${site.file}: ${what}: environment variable ${env} is not set`);
    }
    return value;
  }
  if (file === undefined) return undefined;
  const path = isAbsolute(file) ? file : resolve(site.dir, file);
  let mode: number;
  try {
    const stats = statSync(path);
    if (!stats.isFile()) throw new CredentialError(`${site.file}: ${what}: ${path} is not a regular file`);
    mode = stats.mode & 0o777;
  } catch (err) {
    if (err instanceof CredentialError) throw err;
    throw new CredentialError(`${site.file}: ${what}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if ((mode & 0o077) !== 0) {
    throw new CredentialError(
      `${site.file}: ${what}: ${path} has mode ${mode.toString(8).padStart(4, '0')}; it must be 0600 (chmod 600 ${path})`,
    );
  }
  const value = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  if (value === '') throw new CredentialError(`${site.file}: ${what}: ${path} is empty`);
  return value;
}

export function resolveCredentials(ref: CredentialRef, site: Site): Credentials {
  const password = readSecret(site, 'password', ref.passwordEnv, ref.passwordFile);
  if (password === undefined) {
    throw new CredentialError(`${site.file}: credentials for ${ref.username} name neither passwordEnv nor passwordFile`);
  }
  const enableSecret = readSecret(site, 'enable secret', ref.enableSecretEnv, ref.enableSecretFile);
  return enableSecret === undefined ? { username: ref.username, password } : { username: ref.username, password, enableSecret };
}
