import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { FirmwareTarget } from '../inventory/index.js';
import { digestFile, digestStream, type ImageDigest } from './digest.js';

/** The image could not be vouched for: it is not the one the site names, or it could not be read. Nothing was sent to a switch. */
export class ImageCheckError extends Error {
  constructor(readonly reason: 'hash-mismatch' | 'unavailable', message: string) {
    super(message);
    this.name = 'ImageCheckError';
  }
}

/** How long a checked URL is trusted before it is read again: a mirror may be changed under onramp. */
const URL_VERDICT_MS = 10 * 60_000;
/** Reading an image over HTTP may take a while; a server that stops sending is given up. */
const URL_READ_TIMEOUT_MS = 10 * 60_000;

interface Verdict {
  digest: ImageDigest;
  /** File: its size and mtime when hashed; URL: when. */
  stamp: string;
  at: number;
}

/**
 * onramp's own check of an image before any switch is told to fetch it:
 * the bytes' SHA-256 must be the site's. A served file is hashed again when
 * its size or mtime changed since; a URL is read (and hashed) at most once
 * per ten minutes. Switches upgrading at once share one read.
 */
export class ImageChecker {
  private readonly verdicts = new Map<string, Verdict>();
  private readonly reading = new Map<string, Promise<Verdict>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The image's hashes, as read from its bytes; throws ImageCheckError. */
  async check(target: FirmwareTarget): Promise<ImageDigest> {
    const key = target.image.kind === 'file' ? `file:${target.image.path}` : `url:${target.image.url}`;
    const stamp = await this.stampOf(target);
    const known = this.verdicts.get(key);
    let verdict: Verdict;
    if (known !== undefined && known.stamp === stamp && (target.image.kind === 'file' || this.now() - known.at < URL_VERDICT_MS)) {
      verdict = known;
    } else {
      let pending = this.reading.get(key);
      if (pending === undefined) {
        pending = this.read(target, stamp).finally(() => this.reading.delete(key));
        this.reading.set(key, pending);
      }
      verdict = await pending;
      this.verdicts.set(key, verdict);
    }
    if (verdict.digest.sha256 !== target.sha256) {
      const where = target.image.kind === 'file' ? target.image.path : target.image.url;
      throw new ImageCheckError('hash-mismatch', `image ${where} has SHA-256 ${verdict.digest.sha256}, not the ${target.sha256} of firmware.${target.model}.sha256; not installed`);
    }
    return verdict.digest;
  }

  private async stampOf(target: FirmwareTarget): Promise<string> {
    if (target.image.kind === 'url') return 'url';
    try {
      const info = await stat(target.image.path);
      return `${String(info.size)}/${String(info.mtimeMs)}`;
    } catch (err) {
      throw new ImageCheckError('unavailable', `image ${target.image.path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }

  private async read(target: FirmwareTarget, stamp: string): Promise<Verdict> {
    const at = this.now();
    if (target.image.kind === 'file') {
      try {
        return { digest: await digestFile(target.image.path), stamp, at };
      } catch (err) {
        throw new ImageCheckError('unavailable', `image ${target.image.path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }
    const url = target.image.url;
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(URL_READ_TIMEOUT_MS), redirect: 'error' });
    } catch (err) {
      throw new ImageCheckError('unavailable', `image ${url} cannot be read (${err instanceof Error ? err.message : String(err)})`);
    }
    if (!response.ok || response.body === null) {
      await response.body?.cancel();
      throw new ImageCheckError('unavailable', `image ${url}: the server answered ${String(response.status)}`);
    }
    try {
      return { digest: await digestStream(Readable.fromWeb(response.body)), stamp, at };
    } catch (err) {
      throw new ImageCheckError('unavailable', `image ${url} could not be read to its end (${err instanceof Error ? err.message : String(err)})`);
    }
  }
}
