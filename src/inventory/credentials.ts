import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { CredentialRef, Credentials, SecretRef, Site } from './types.js';
import { webhookUrlProblem } from './validate-notify.js';

export class CredentialError extends Error {
  /**
   * The secret was to come from an environment variable that is not set: it
   * may be set for the service though missing from this shell. Anything else
   * (a missing, unreadable or too open file) fails every job alike.
   */
  readonly fromEnvironment: boolean;

  constructor(message: string, fromEnvironment = false) {
    super(message);
    this.name = 'CredentialError';
    this.fromEnvironment = fromEnvironment;
  }
}

/** Owner read-write or owner read-only: anything more and the file is refused. */
const SECRET_FILE_MODES = new Set([0o600, 0o400]);

/**
 * Reads a secret named by the site file. A file must be readable by its owner
 * only (0600 or 0400): a group- or world-readable password file is refused rather
 * than used, so the mistake is fixed instead of lived with.
 */
function readSecret(site: Site, what: string, env: string | undefined, file: string | undefined): string | undefined {
  if (env !== undefined) {
    const value = process.env[env];
    if (value === undefined || value === '') {
      throw new CredentialError(`${site.file}: ${what}: environment variable ${env} is not set`, true);
    }
    return value;
  }
  if (file === undefined) return undefined;
  const path = isAbsolute(file) ? file : resolve(site.dir, file);
  const unreadable = (err: unknown): CredentialError =>
    new CredentialError(`${site.file}: ${what}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  let mode: number;
  try {
    const stats = statSync(path);
    if (!stats.isFile()) throw new CredentialError(`${site.file}: ${what}: ${path} is not a regular file`);
    mode = stats.mode & 0o777;
  } catch (err) {
    if (err instanceof CredentialError) throw err;
    throw unreadable(err);
  }
  if (!SECRET_FILE_MODES.has(mode)) {
    throw new CredentialError(
      `${site.file}: ${what}: ${path} has mode ${mode.toString(8).padStart(4, '0')}; it must be 0600 or 0400 (chmod 600 ${path})`,
    );
  }
  let value: string;
  try {
    value = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw unreadable(err);
  }
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

/** A notify hook's signing secret, from its environment variable or 0600 file. */
export function resolveHookSecret(ref: SecretRef, site: Site, what: string): string {
  const secret = readSecret(site, what, ref.secretEnv, ref.secretFile);
  if (secret === undefined) throw new CredentialError(`${site.file}: ${what}: names neither secretEnv nor secretFile`);
  return secret;
}

/** A webhook's URL: as the site file gives it, or read from the environment variable it names and checked as the file's would be. */
export function resolveWebhookUrl(url: string | { env: string }, site: Site, what: string): string {
  if (typeof url === 'string') return url;
  const value = process.env[url.env];
  if (value === undefined || value === '') throw new CredentialError(`${site.file}: ${what}: environment variable ${url.env} is not set`, true);
  const problem = webhookUrlProblem(value);
  // The value is not quoted: it is a credential.
  if (problem !== undefined) throw new CredentialError(`${site.file}: ${what}: environment variable ${url.env}: ${problem}`);
  return value;
}
