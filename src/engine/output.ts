import { closeSync, openSync, statSync, writeSync, constants } from 'node:fs';
import type { Logger } from '../log/index.js';

/**
 * Files that `write`/`writen` append to, kept open like SEC keeps them.
 * Strings are byte strings (latin1), so bytes read from the log come out
 * unchanged. `-` is standard output, buffered and flushed in batches because
 * one write(2) per event would dominate a busy rule set.
 */
export class Outputs {
  private readonly files = new Map<string, number>();
  /** Existing paths that are neither regular files nor pipes (e.g. /dev/null): SEC writes nothing there. */
  private readonly unwritable = new Set<string>();
  private stdoutBuffer: string[] = [];
  private stdoutBytes = 0;
  private flushScheduled = false;

  constructor(
    private readonly stdout: (text: string) => void,
    private readonly logger: Logger,
  ) {}

  write(file: string, text: string): void {
    if (file === '-') {
      this.stdoutBuffer.push(text);
      this.stdoutBytes += text.length;
      if (this.stdoutBytes >= 65536) this.flush();
      else if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flush();
        });
      }
      return;
    }
    const fd = this.open(file);
    if (fd === undefined) return;
    try {
      writeSync(fd, Buffer.from(text, 'latin1'));
    } catch (err) {
      this.logger.debug({ file, err }, 'write failed; the file will be reopened');
      this.close(file);
    }
  }

  /** owritecl: open, write, close every time. */
  writeOnce(file: string, text: string): void {
    if (file === '-') {
      this.write(file, text);
      return;
    }
    const fd = this.openFd(file);
    if (fd === undefined) return;
    try {
      writeSync(fd, Buffer.from(text, 'latin1'));
    } catch (err) {
      this.logger.debug({ file, err }, 'write failed');
    } finally {
      closeSync(fd);
    }
  }

  private open(file: string): number | undefined {
    const existing = this.files.get(file);
    if (existing !== undefined) return existing;
    if (this.unwritable.has(file)) return undefined;
    const fd = this.openFd(file);
    if (fd !== undefined) this.files.set(file, fd);
    return fd;
  }

  /** Like SEC: only regular files (created if missing) and named pipes are written to. */
  private openFd(file: string): number | undefined {
    try {
      let flags = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT;
      try {
        const st = statSync(file);
        if (st.isFIFO()) flags = constants.O_WRONLY | constants.O_NONBLOCK;
        else if (!st.isFile()) {
          this.unwritable.add(file);
          return undefined;
        }
      } catch {
        // does not exist yet: created below
      }
      return openSync(file, flags, 0o644);
    } catch (err) {
      this.logger.debug({ file, err }, 'cannot open output file');
      return undefined;
    }
  }

  close(file: string): void {
    const fd = this.files.get(file);
    if (fd === undefined) return;
    this.files.delete(file);
    try {
      closeSync(fd);
    } catch {
      // already gone
    }
  }

  flush(): void {
    this.flushScheduled = false;
    if (this.stdoutBuffer.length === 0) return;
    const text = this.stdoutBuffer.join('');
    this.stdoutBuffer = [];
    this.stdoutBytes = 0;
    this.stdout(text);
  }

  /** USR2: close every file so the next write reopens it (log rotation). */
  reopen(): void {
    this.flush();
    this.unwritable.clear();
    for (const file of [...this.files.keys()]) this.close(file);
  }

  closeAll(): void {
    this.reopen();
  }
}
