import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { NotifyPayload } from './payload.js';

export interface DeadLetter {
  /** When it was given up, ISO 8601. */
  time: string;
  /** The hook, by where the site file defines it (a URL may itself be a credential). */
  hook: string;
  attempts: number;
  error: string;
  payload: NotifyPayload;
}

/** JSON lines, one per notification that could not be delivered; readable by its owner only. */
export class DeadLetterFile {
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  /** Appends in order; a failure to write is handed to `onError`, never thrown into the delivery loop. */
  write(letter: DeadLetter, onError: (err: unknown) => void): Promise<void> {
    this.writing = this.writing
      .then(async () => {
        await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
        await appendFile(this.path, `${JSON.stringify(letter)}\n`, { mode: 0o600 });
      })
      .catch(onError);
    return this.writing;
  }
}
