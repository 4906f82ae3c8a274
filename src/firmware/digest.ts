import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

/** An image's hashes as onramp computed them from its bytes. */
export interface ImageDigest {
  sha256: string;
  md5: string;
  bytes: number;
}

/** Both hashes in one pass over a stream (an image is read once, however large). */
export async function digestStream(stream: Readable | AsyncIterable<Uint8Array>): Promise<ImageDigest> {
  const sha256 = createHash('sha256');
  const md5 = createHash('md5');
  let bytes = 0;
  for await (const chunk of stream) {
    const data = chunk instanceof Uint8Array ? chunk : Buffer.from(chunk as string);
    sha256.update(data);
    md5.update(data);
    bytes += data.length;
  }
  return { sha256: sha256.digest('hex'), md5: md5.digest('hex'), bytes };
}

export function digestBytes(bytes: Uint8Array): ImageDigest {
  return { sha256: createHash('sha256').update(bytes).digest('hex'), md5: createHash('md5').update(bytes).digest('hex'), bytes: bytes.length };
}

export function digestFile(path: string): Promise<ImageDigest> {
  return digestStream(createReadStream(path));
}
