import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { isSafeName } from '../state/index.js';

export interface HostKey {
  /** OpenSSH private key text. */
  privateKey: string;
  fingerprint: string;
}

export type HostKeyType = 'ed25519' | 'rsa';

const { utils } = ssh2;

/**
 * ssh2 now and then writes an ed25519 key its own parser rejects ("Malformed
 * OpenSSH private key", about one in a few hundred): only a key that reads
 * back is kept.
 */
function generate(type: HostKeyType): string {
  for (let attempt = 1; ; attempt++) {
    const pair = type === 'rsa' ? utils.generateKeyPairSync('rsa', { bits: 2048 }) : utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.private) instanceof Error)) return pair.private;
    if (attempt === 10) throw new Error(`could not generate a readable ${type} host key`);
  }
}

/** OpenSSH-style `SHA256:…` fingerprint of a private key's public half. */
export function fingerprintOf(privateKey: string): string {
  const parsed = utils.parseKey(privateKey);
  if (parsed instanceof Error) throw parsed;
  const digest = createHash('sha256').update(parsed.getPublicSSH()).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/** A key that exists only in memory, for the `hostkey-changed` fault. */
export function ephemeralHostKey(type: HostKeyType): HostKey {
  const privateKey = generate(type);
  return { privateKey, fingerprint: fingerprintOf(privateKey) };
}

/**
 * Loads the switch's host key from `keyDir/<name>.<type>.key`, creating it
 * (mode 0600) on first use so the key survives lab restarts.
 */
export function persistentHostKey(keyDir: string, name: string, type: HostKeyType): HostKey {
  if (!isSafeName(name)) throw new Error(`host key name is not a safe file name: ${JSON.stringify(name)}`);
  const file = join(keyDir, `${name}.${type}.key`);
  let privateKey: string;
  try {
    privateKey = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(keyDir, { recursive: true, mode: 0o700 });
    privateKey = generate(type);
    try {
      writeFileSync(file, privateKey, { mode: 0o600, flag: 'wx' });
    } catch (writeError) {
      // Another lab created it first: use theirs.
      if ((writeError as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError;
      privateKey = readFileSync(file, 'utf8');
    }
    chmodSync(file, 0o600);
  }
  return { privateKey, fingerprint: fingerprintOf(privateKey) };
}
