import type { DeviceTarget } from '../device/index.js';
import type { JobLocks } from './job-locks.js';
import type { DeviceConnector, SessionLike } from './session.js';

/** A device job ran past its site's `ssh.jobTimeoutMs` and was abandoned. */
export class JobTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`job abandoned after ${timeoutMs} ms (ssh.jobTimeoutMs); its session is closed and nothing more is sent to the device`);
    this.name = 'JobTimeoutError';
  }
}

/**
 * The job lost its hold on a switch, or could not take it: the database
 * connection that holds fleet-wide locks broke or could not be made, so
 * another appliance may take the switch. It is abandoned as at a timeout:
 * nothing more is sent, and it is done again once the switch can be locked.
 */
export class LockLostError extends JobTimeoutError {
  constructor(readonly key: string, reason: string) {
    super(0);
    this.message = `the lock on ${key} was lost (${reason}); the job is abandoned and nothing more is sent to the device`;
    this.name = 'LockLostError';
  }
}

/** onramp is stopping and this job had not begun its push: it is put off to the next start, not half done. */
export class JobStoppedError extends Error {
  constructor() {
    super('onramp is stopping: the job is put off to the next start before it opens a session or begins a push');
    this.name = 'JobStoppedError';
  }
}

/**
 * The time limit of one device job. Sessions opened through `connector`
 * answer JobTimeoutError as soon as the time is up, even while a command is
 * still waiting for the switch, and refuse every later call, so nothing (a
 * save least of all) is sent after the deadline; the job then ends through
 * its ordinary error path. At the deadline every session of the job is
 * closed, and a connection still being set up is closed once it is open.
 *
 * Closing waits for the command in flight (DeviceSession finishes it or
 * times it out first); the job does not wait for that, so a stuck switch
 * cannot hold its job slot.
 */
export class JobDeadline {
  readonly connector: DeviceConnector;
  private readonly expiry: Promise<never>;
  private timer: NodeJS.Timeout;
  private expiresAt: number;
  private readonly expire: (err: JobTimeoutError) => void;
  private readonly closers = new Set<() => Promise<void>>();
  private expired = false;
  /** Why the job was abandoned: its time ran out, or it lost a lock. */
  private reason: JobTimeoutError | undefined;

  private pushing = false;

  /**
   * `locks`: the switches the job opens sessions to are locked first (see
   * JobLocks), and let go when it ends. `stopping`: once it aborts, the job
   * opens no session and begins no push (JobStoppedError); a push already
   * begun runs to its end (save, verification, or rollback).
   */
  constructor(inner: DeviceConnector, readonly timeoutMs: number, private readonly locks?: JobLocks, private readonly stopping?: AbortSignal) {
    let expire: (err: JobTimeoutError) => void = () => undefined;
    this.expiry = new Promise<never>((_resolve, reject) => {
      expire = reject;
    });
    // Only calls under way race the expiry; with none, its rejection is expected and unobserved.
    this.expiry.catch(() => undefined);
    this.expire = expire;
    this.expiresAt = Date.now() + timeoutMs;
    this.timer = this.arm();
    this.connector = { open: (target) => this.open(inner, target) };
    locks?.onLost((err) => { this.abandon(err); });
  }

  private arm(): NodeJS.Timeout {
    return setTimeout(() => { this.abandon(new JobTimeoutError(this.timeoutMs)); }, Math.max(0, this.expiresAt - Date.now()));
  }

  /** From now on every call of the job fails with `err`, and its sessions are closed. */
  private abandon(err: JobTimeoutError): void {
    if (this.expired) return;
    clearTimeout(this.timer);
    this.expired = true;
    this.reason = err;
    this.expire(err);
    for (const close of this.closers) closeInBackground(close);
  }

  private abandoned(): JobTimeoutError {
    return this.reason ?? new JobTimeoutError(this.timeoutMs);
  }

  /** Gives the job `ms` more (an OS upgrade: a download, a reload and the wait for the switch come before its config). */
  extend(ms: number): void {
    if (this.expired) return;
    clearTimeout(this.timer);
    this.expiresAt += ms;
    this.timer = this.arm();
  }

  /** Called just before the job's push: throws JobStoppedError when onramp is stopping. */
  beginPush(): void {
    if (!this.pushing && this.stopping?.aborted === true) throw new JobStoppedError();
    // Nothing is pushed without its lock: one lost before the push was noticed ends the job here.
    if (this.expired) throw this.abandoned();
    this.pushing = true;
  }

  /** Stops the clock; the job is over. */
  end(): void {
    clearTimeout(this.timer);
    this.locks?.end();
  }

  private within<T>(call: () => Promise<T>): Promise<T> {
    if (this.expired) return Promise.reject(this.abandoned());
    return Promise.race([call(), this.expiry]);
  }

  private async open(inner: DeviceConnector, target: DeviceTarget): Promise<SessionLike> {
    if (this.expired) throw this.abandoned();
    if (!this.pushing && this.stopping?.aborted === true) throw new JobStoppedError();
    if (this.locks !== undefined) {
      const holding = this.locks.hold(target, this.timeoutMs);
      // When the time runs out first, the wait is ended by end(); its rejection then has nobody to tell.
      holding.catch(() => undefined);
      await Promise.race([holding, this.expiry]);
      // The switch came free after the stop: it is not worked on now.
      if (!this.pushing && this.stopping?.aborted === true) throw new JobStoppedError();
    }
    const opening = inner.open(target);
    try {
      return this.guard(await Promise.race([opening, this.expiry]));
    } catch (err) {
      if (err instanceof JobTimeoutError) {
        opening.then((late) => { closeInBackground(() => late.close()); }, () => undefined);
      }
      throw err;
    }
  }

  private guard(session: SessionLike): SessionLike {
    let closing: Promise<void> | undefined;
    const close = (): Promise<void> => {
      closing ??= session.close();
      return closing;
    };
    this.closers.add(close);
    return {
      hostname: () => session.hostname(),
      run: (command) => this.within(() => session.run(command)),
      dialogue: (command, answers, timeoutMs) => this.within(() => session.dialogue(command, answers, timeoutMs)),
      runningConfig: () => this.within(() => session.runningConfig()),
      configure: (lines, options) => this.within(() => session.configure(lines, options)),
      save: () => this.within(() => session.save()),
      lldpNeighbors: () => this.within(() => session.lldpNeighbors()),
      macTable: () => this.within(() => session.macTable()),
      close: () => {
        if (!this.expired) return close();
        closeInBackground(close);
        return Promise.resolve();
      },
    };
  }
}

function closeInBackground(close: () => Promise<void>): void {
  // A session that fails to close is gone either way; the job has already reported the timeout.
  close().catch(() => undefined);
}
