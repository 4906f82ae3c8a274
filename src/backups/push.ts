import { Events, type Logger } from '../log/index.js';
import { git } from './git.js';
import { assertRemote } from './remote.js';

export interface PushBackoff {
  firstMs: number;
  maxMs: number;
}

const DEFAULT_BACKOFF: PushBackoff = { firstMs: 1000, maxMs: 5 * 60_000 };

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => {
    // Unreferenced: a retry due later never keeps a one-shot command alive.
    setTimeout(resolve, ms).unref();
  });
}

/**
 * Pushes the backup repository's main branch to the site's remote after each
 * new version, in the background: a save never waits for it. A remote that
 * is down is retried with doubling pauses; versions saved meanwhile go with
 * the next push that works.
 */
export class BackupPusher {
  private running = false;
  private pending = false;
  private done: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly remote: string,
    private readonly logger: Logger,
    private readonly backoff: PushBackoff = DEFAULT_BACKOFF,
  ) {
    assertRemote(remote);
  }

  kick(): void {
    this.pending = true;
    if (this.running) return;
    this.running = true;
    this.done = this.run().finally(() => { this.running = false; });
  }

  /** Resolves once no push is in progress or waiting to retry. */
  idle(): Promise<void> {
    return this.done;
  }

  private async run(): Promise<void> {
    let delay = this.backoff.firstMs;
    while (this.pending) {
      this.pending = false;
      try {
        await git(this.dir, ['push', '--quiet', '--', this.remote, 'HEAD:refs/heads/main']);
        this.logger.info({ event: Events.backupPushed, remote: this.remote }, 'backups pushed');
        delay = this.backoff.firstMs;
      } catch (err) {
        this.pending = true;
        this.logger.warn({ event: Events.backupPushFailed, remote: this.remote, retryInMs: delay, err }, `backup push failed; retrying in ${String(delay)} ms`);
        await pause(delay);
        delay = Math.min(delay * 2, this.backoff.maxMs);
      }
    }
  }
}
