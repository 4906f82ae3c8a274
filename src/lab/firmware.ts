import { createHash } from 'node:crypto';
import { get as httpGet } from 'node:http';
import type { Personality } from './types.js';

/**
 * OS images as the lab's switches know them. A lab image is a small file
 * with a header naming the family and version it installs and the SHA-256
 * of its body, as a vendor image carries its own checksum: a switch refuses
 * to install (FSOS) or to boot (IOS) an image whose body does not match it,
 * and it boots the version the image holds, whatever onramp expected.
 */
const MAGIC = 'ONRAMP-LAB-IMAGE';
/** More than any lab image; a download past it is refused rather than held in memory. */
export const MAX_IMAGE_BYTES = 64 * 1024 * 1024;

export interface LabImageInfo {
  personality: Personality;
  version: string;
}

/** An image for `personality` that boots `version`, with `bodyBytes` of filler so that downloads take some time. */
export function labImage(personality: Personality, version: string, bodyBytes = 64 * 1024): Buffer {
  const body = Buffer.alloc(bodyBytes);
  for (let i = 0; i < bodyBytes; i++) body[i] = (i * 131 + version.length) & 0xff;
  const digest = createHash('sha256').update(body).digest('hex');
  return Buffer.concat([Buffer.from(`${MAGIC}\npersonality: ${personality}\nversion: ${version}\ndigest: ${digest}\n\n`), body]);
}

/** What an image installs, or why it is not a sound image. */
export function readLabImage(bytes: Buffer): LabImageInfo | { invalid: string } {
  const end = bytes.indexOf('\n\n');
  if (end < 0 || !bytes.subarray(0, MAGIC.length).equals(Buffer.from(MAGIC))) return { invalid: 'not an OS image' };
  const header = bytes.subarray(0, end).toString('latin1').split('\n');
  const field = (name: string): string | undefined => header.find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2);
  const personality = field('personality');
  const version = field('version');
  const digest = field('digest');
  if (personality === undefined || version === undefined || digest === undefined) return { invalid: 'image header incomplete' };
  if (createHash('sha256').update(bytes.subarray(end + 2)).digest('hex') !== digest) return { invalid: 'image checksum mismatch' };
  return { personality: personality as Personality, version };
}

export function fileDigest(bytes: Buffer, algorithm: 'md5' | 'sha256'): string {
  return createHash(algorithm).update(bytes).digest('hex');
}

/** An HTTP GET as a switch's copy does it: the body, or why there is none. Only http:// (the lab has no TLS client). */
export function download(url: string, timeoutMs: number): Promise<{ bytes: Buffer } | { error: string }> {
  return new Promise((resolve) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      resolve({ error: 'bad URL' });
      return;
    }
    if (parsed.protocol !== 'http:') {
      resolve({ error: `${parsed.protocol} not supported` });
      return;
    }
    const request = httpGet(parsed, { timeout: timeoutMs }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        resolve({ error: `server answered ${String(response.statusCode)}` });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_IMAGE_BYTES) {
          request.destroy();
          resolve({ error: 'file too large' });
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => {
        resolve({ bytes: Buffer.concat(chunks) });
      });
      response.on('error', (err) => {
        resolve({ error: err.message });
      });
    });
    request.on('timeout', () => {
      request.destroy(new Error('timed out'));
    });
    request.on('error', (err) => {
      resolve({ error: err.message });
    });
  });
}

/** A switch's flash: image files by name, and the one selected for the next boot. */
export class LabFlash {
  private readonly files = new Map<string, Buffer>();
  private boot: string | undefined;

  names(): string[] {
    return [...this.files.keys()];
  }

  get(name: string): Buffer | undefined {
    return this.files.get(name);
  }

  store(name: string, bytes: Buffer): void {
    this.files.set(name, bytes);
  }

  /** The image the next boot loads; undefined: the one running now. */
  bootFile(): string | undefined {
    return this.boot;
  }

  selectBoot(name: string | undefined): void {
    this.boot = name;
  }
}
