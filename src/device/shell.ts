import type { Logger } from '../log/index.js';
import type { Profile } from './profile.js';
import { DeviceError } from './errors.js';
import { Screen } from './screen.js';

/** The byte pipe to a CLI: an SSH shell channel in production, a scripted fake in tests. */
export interface Channel {
  write(data: string): void;
  onData(listener: (chunk: string) => void): void;
  onClose(listener: (reason?: Error) => void): void;
  close(): void;
}

export interface PromptMatch {
  kind: 'prompt';
  prompt: string;
  host: string;
}

export interface QuestionMatch {
  kind: 'question';
  index: number;
  line: string;
}

export type LineMatch = PromptMatch | QuestionMatch;

export interface Reply {
  /** Output lines between the echoed command and the prompt (or question). */
  lines: string[];
  match: LineMatch;
}

export interface SendOptions {
  /** Questions to stop at besides the prompt (save confirmations, enable password). */
  questions?: RegExp[];
  /** The value is a secret: never logged, and no echo is expected. */
  secret?: boolean;
  /** Hostnames that may appear in the next prompt besides the current one. */
  newHosts?: string[];
  /** Silence tolerated for this reply, when it differs from the session's (a download, a hash of an image). */
  timeoutMs?: number;
}

interface Waiter {
  match: (line: string) => LineMatch | undefined;
  resolve: (reply: Reply) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
  timeoutMs: number;
  what: string;
}

/**
 * The most one reply (a running config, a MAC table) may hold: many times
 * the largest switch config, small enough that a device that keeps talking
 * cannot make onramp hold more than a few tens of MB. Past it the session is
 * given up, since where the next prompt is cannot be known any more.
 */
export const MAX_REPLY_CHARS = 16 * 1024 * 1024;

/**
 * One CLI dialogue: send a line, wait for the prompt (answering pagers on
 * the way), return what was printed in between. Knows the profile's prompt
 * and pager shapes and follows the hostname when the prompt changes.
 */
export class CliShell {
  private readonly screen = new Screen();
  private waiter: Waiter | undefined;
  private closedBy: Error | undefined;
  private closed = false;
  private host: string | undefined;
  private lastPrompt = '';

  constructor(
    private readonly channel: Channel,
    private readonly profile: Profile,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {
    channel.onData((chunk) => {
      this.onData(chunk);
    });
    channel.onClose((reason) => {
      this.onClose(reason);
    });
  }

  get prompt(): string {
    return this.lastPrompt;
  }

  hostname(): string {
    return this.host ?? '';
  }

  isClosed(): boolean {
    return this.closed;
  }

  /**
   * Waits out banners and MOTDs for the first prompt, then confirms it with an
   * empty line: a banner line that happens to look like a prompt never comes
   * back a second time.
   */
  async waitForFirstPrompt(): Promise<PromptMatch> {
    const first = await this.wait('the first prompt', this.timeoutMs, () => this.matchPrompt(this.screen.currentLine(), true));
    this.screen.take();
    this.write('\n');
    const confirmed = await this.wait('the prompt again', this.timeoutMs, () => this.matchPrompt(this.screen.currentLine(), true));
    if (confirmed.match.kind !== 'prompt' || first.match.kind !== 'prompt') {
      throw new DeviceError('protocol', 'no prompt after login');
    }
    this.adopt(confirmed.match);
    return confirmed.match;
  }

  /** Sends one line and waits for the prompt or one of the given questions. */
  async send(command: string, options: SendOptions = {}): Promise<Reply> {
    if (this.closed) throw this.closedError(command);
    this.screen.take();
    if (options.secret === true) {
      this.logger.debug('sending a secret line');
    } else {
      this.logger.debug({ command: maskCommand(command, this.profile) }, 'sending');
    }
    this.write(command + '\n');
    const accepted = new Set([this.host ?? '', ...(options.newHosts ?? [])]);
    const questions = options.questions ?? [];
    const reply = await this.wait(options.secret === true ? 'a reply' : `the reply to "${maskCommand(command, this.profile)}"`, options.timeoutMs ?? this.timeoutMs, () => {
      const line = this.screen.currentLine();
      const index = questions.findIndex((q) => q.test(line));
      if (index >= 0) return { kind: 'question', index, line };
      const prompt = this.matchPrompt(line, false);
      return prompt && accepted.has(prompt.host) ? prompt : undefined;
    });
    if (reply.match.kind === 'prompt') this.adopt(reply.match);
    const lines = options.secret === true ? reply.lines : dropEcho(reply.lines, command);
    return { lines, match: reply.match };
  }

  close(): void {
    if (!this.closed) this.channel.close();
  }

  private adopt(match: PromptMatch): void {
    if (this.host !== match.host) this.logger.debug({ prompt: match.prompt }, 'prompt');
    this.host = match.host;
    this.lastPrompt = match.prompt;
  }

  private matchPrompt(line: string, anyHost: boolean): PromptMatch | undefined {
    const candidate = line.trim();
    const m = this.profile.promptPattern.exec(candidate);
    if (!m) return undefined;
    const host = m.groups?.host ?? candidate.slice(0, -1);
    if (!anyHost && this.host === undefined) return undefined;
    return { kind: 'prompt', prompt: candidate, host };
  }

  private write(data: string): void {
    this.channel.write(data);
  }

  private wait(what: string, timeoutMs: number, match: (line: string) => LineMatch | undefined): Promise<Reply> {
    if (this.closed) return Promise.reject(this.closedError(what));
    return new Promise<Reply>((resolve, reject) => {
      this.waiter = { match, resolve, reject, timeoutMs, what, timer: this.startTimer(what, timeoutMs) };
      this.evaluate();
    });
  }

  private startTimer(what: string, timeoutMs: number): NodeJS.Timeout {
    return setTimeout(() => {
      const waiter = this.waiter;
      if (!waiter) return;
      this.waiter = undefined;
      // The line may be half a config line with a password in it.
      const seen = maskCommand(this.screen.currentLine(), this.profile).slice(-80);
      waiter.reject(new DeviceError('timeout', `timed out waiting for ${what} (${timeoutMs} ms of silence; last line: ${JSON.stringify(seen)})`));
    }, timeoutMs);
  }

  private onData(chunk: string): void {
    // After an overflow the channel is being closed; what the device still sends is not kept.
    if (this.closed) return;
    this.screen.push(chunk);
    if (this.screen.receivedSinceTake() > MAX_REPLY_CHARS) {
      this.overflow();
      return;
    }
    const waiter = this.waiter;
    if (waiter) {
      // The timeout counts silence, not total time: a long config may take a while to print.
      clearTimeout(waiter.timer);
      waiter.timer = this.startTimer(waiter.what, waiter.timeoutMs);
    }
    this.evaluate();
  }

  private evaluate(): void {
    const line = this.screen.currentLine();
    if (this.profile.pagerPatterns.some((p) => p.test(line))) {
      this.screen.clearCurrentLine();
      this.write(this.profile.pagerAnswer);
      return;
    }
    const waiter = this.waiter;
    if (!waiter) return;
    const match = waiter.match(line);
    if (!match) return;
    if (match.kind === 'question') this.screen.commitCurrentLine();
    this.finish(waiter);
    waiter.resolve({ lines: this.screen.take(), match });
  }

  private finish(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    this.waiter = undefined;
  }

  /** Drops what was received, fails the wait under way, and closes the channel. */
  private overflow(): void {
    this.screen.take();
    const waiter = this.waiter;
    const what = waiter?.what ?? 'a prompt';
    this.closed = true;
    this.closedBy = new DeviceError('protocol', `more than ${MAX_REPLY_CHARS} characters without ${what}: reply refused`);
    if (waiter) {
      this.finish(waiter);
      waiter.reject(this.closedBy);
    }
    this.channel.close();
  }

  private onClose(reason?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.closedBy = reason;
    const waiter = this.waiter;
    if (waiter) {
      this.finish(waiter);
      waiter.reject(this.closedError(waiter.what));
    }
  }

  private closedError(what: string): DeviceError {
    const why = this.closedBy ? `: ${this.closedBy.message}` : '';
    return new DeviceError('closed', `the device closed the session while waiting for ${what}${why}`, { cause: this.closedBy });
  }
}

/** The command comes back first, sometimes behind a reprinted prompt. */
export function dropEcho(lines: string[], command: string): string[] {
  const sent = command.trim();
  const first = lines[0];
  if (first !== undefined && sent !== '' && first.trimEnd().endsWith(sent)) return lines.slice(1);
  if (first !== undefined && sent === '' && first.trim() === '') return lines.slice(1);
  return lines;
}

/** Commands may carry secrets (`username x password y`): mask them before they reach a log. */
export function maskCommand(command: string, profile: Profile): string {
  let masked = command;
  for (const mask of profile.secretMasks) masked = masked.replace(mask.pattern, mask.replace);
  return masked;
}
