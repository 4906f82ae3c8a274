import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * The unmasked copy of a backup, sealed with AES-256-GCM: only a holder of
 * the site's key can read it, and any change to it (or its use as another
 * device's) fails authentication instead of pushing something else. The
 * text kept on disk is one JSON object. The device name and the digest of
 * the masked version it belongs to are the additional authenticated data: a
 * copy moved to another device, or to another version of the same one, does
 * not open.
 */

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const KEY_BYTES = 32;
const TAG_BYTES = 16;

export class BackupKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupKeyError';
  }
}

/** A key, and a short public id of it that tells which key sealed a copy without saying anything of the key. */
export interface BackupKey {
  bytes: Buffer;
  id: string;
}

interface Envelope {
  v: 1;
  alg: typeof ALGORITHM;
  /** The id of the key that sealed it. */
  key: string;
  iv: string;
  tag: string;
  data: string;
}

export const KEY_FORMAT = '32 random bytes, base64 (openssl rand -base64 32) or 64 hex digits';

/** The key in an environment variable's value: 32 bytes as base64 or hex. */
export function parseBackupKey(value: string, variable: string): BackupKey {
  const text = value.trim();
  let bytes: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(text)) bytes = Buffer.from(text, 'hex');
  else if (/^[A-Za-z0-9+/]{43}=$/.test(text)) bytes = Buffer.from(text, 'base64');
  if (bytes?.length !== KEY_BYTES) throw new BackupKeyError(`${variable} is not a backup key: expected ${KEY_FORMAT}`);
  return { bytes, id: createHash('sha256').update('onramp backup key\n').update(bytes).digest('hex').slice(0, 16) };
}

/** What a sealed copy belongs to: a device, and the masked text of its version. */
export interface SealedFor {
  host: string;
  masked: string;
}

function aad(owner: SealedFor): Buffer {
  return Buffer.from(`onramp backup of ${owner.host}\n${createHash('sha256').update(owner.masked).digest('hex')}`);
}

export function sealBackup(text: string, key: BackupKey, owner: SealedFor): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key.bytes, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(owner));
  const data = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  const envelope: Envelope = {
    v: 1, alg: ALGORITHM, key: key.id, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64'),
  };
  return `${JSON.stringify(envelope)}\n`;
}

function envelopeOf(sealed: string): Envelope {
  let value: unknown;
  try {
    value = JSON.parse(sealed);
  } catch {
    throw new BackupKeyError('the restorable copy is damaged (not JSON)');
  }
  const envelope = value as Partial<Envelope>;
  if (envelope.v !== 1 || envelope.alg !== ALGORITHM || typeof envelope.key !== 'string' || typeof envelope.iv !== 'string'
    || typeof envelope.tag !== 'string' || typeof envelope.data !== 'string') {
    throw new BackupKeyError('the restorable copy is damaged (not an onramp sealed backup)');
  }
  return envelope as Envelope;
}

/** The text of a sealed copy; throws BackupKeyError for another key, another device's or version's copy, or a changed one. */
export function openBackup(sealed: string, key: BackupKey, owner: SealedFor): string {
  const envelope = envelopeOf(sealed);
  if (envelope.key !== key.id) throw new BackupKeyError(`the restorable copy was sealed with another key (id ${envelope.key}; this key is ${key.id})`);
  const decipher = createDecipheriv(ALGORITHM, key.bytes, Buffer.from(envelope.iv, 'base64'), { authTagLength: TAG_BYTES });
  decipher.setAAD(aad(owner));
  decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new BackupKeyError(`the restorable copy does not authenticate: it was changed, or it is not that of this version of ${owner.host}`);
  }
}
