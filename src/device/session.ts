import { getCiphers } from 'node:crypto';
import { NodeSSH } from 'node-ssh';
import type { Algorithms } from 'ssh2';
import { Events, type Logger } from '../log/index.js';
import { sshChannel } from './channel.js';
import { DeviceError, isDeviceError } from './errors.js';
import type { HostKeyOwner, HostKeyStore } from './hostkeys.js';
import { parseLldpNeighbors, parseMacTable, type LldpNeighbor, type MacEntry } from './parsers.js';
import type { DialogueAnswer, Profile } from './profile.js';
import { DEFAULT_BACKOFF, withRetries, type BackoffOptions } from './retry.js';
import { CliShell, maskCommand, type Channel, type Reply } from './shell.js';

export interface DeviceTarget {
  host: string;
  port: number;
  username: string;
  password: string;
  /** OpenSSH or PEM private key text, for switches (or jump hosts) set up for key login. */
  privateKey?: string;
  enableSecret?: string;
  profile: Profile;
  /** Connect timeout, and the longest silence tolerated while waiting for a prompt. */
  timeoutMs: number;
  /** Silence tolerated while waiting for a prompt, when it should differ from timeoutMs. */
  commandTimeoutMs?: number;
  /** Extra attempts after the first when the connection itself fails (never after an auth or host-key failure). */
  retries: number;
  legacyAlgorithms?: boolean;
  /** `pin`: a device's first key is pinned, any other refused; `tofu-on-move`: also a new key at a new address; `off`: no check. */
  hostKeyPolicy: 'pin' | 'tofu-on-move' | 'off';
  /** Whose pinned key the server must show; required unless hostKeyPolicy is `off` (keys are never pinned by address). */
  identity?: HostKeyOwner;
}

export interface SessionDeps {
  hostKeys: HostKeyStore;
  logger: Logger;
  backoff?: BackoffOptions;
}

/** How a caller steers a push line by line. */
export interface ConfigureOptions {
  /**
   * Asked before line `index` (0-based, of `total`, blank and `!` lines not
   * counted) is typed; false stops the push there: config mode is left and
   * configure throws DeviceError('interrupted') with `applied: index`.
   */
  beforeLine?: (index: number, total: number) => boolean;
}

/** A terminal wide enough that no CLI wraps a config line. */
const PTY = { term: 'vt100', cols: 511, rows: 48, width: 0, height: 0 };
/** How many `exit`s it may take to get from a deep sub-mode back to exec mode. */
const MAX_CONFIG_DEPTH = 8;
/** How many questions one command may ask before it counts as a dialogue we do not understand. */
const MAX_QUESTIONS = 8;

/** What an exec-mode command with questions printed, and whether the device ended the session on it (a reload). */
export interface DialogueOutcome {
  output: string;
  closed: boolean;
}

/** Algorithms old switches still insist on; appended, so modern ones keep priority. */
export function legacyAlgorithms(): Algorithms {
  const available = new Set(getCiphers());
  // ssh2 names on the left, OpenSSL's on the right: a cipher this Node build lacks cannot be offered.
  const legacyCiphers = (
    [['aes128-cbc', 'aes-128-cbc'], ['aes192-cbc', 'aes-192-cbc'], ['aes256-cbc', 'aes-256-cbc'], ['3des-cbc', 'des-ede3-cbc']] as const
  ).flatMap(([ssh, openssl]) => (available.has(openssl) ? [ssh] : []));
  return {
    kex: { append: ['diffie-hellman-group14-sha1', 'diffie-hellman-group-exchange-sha1', 'diffie-hellman-group1-sha1'], prepend: [], remove: [] },
    serverHostKey: { append: ['ssh-dss'], prepend: [], remove: [] },
    cipher: { append: legacyCiphers, prepend: [], remove: [] },
  };
}

/**
 * An interactive CLI session with one switch: a PTY shell over SSH driven
 * by the switch's profile. Calls are serialised; a session is used by one job.
 */
export class DeviceSession {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly dispose: () => void,
    private readonly shell: CliShell,
    private readonly target: DeviceTarget,
    private readonly logger: Logger,
  ) {}

  /** Connects, logs in, reaches privileged exec mode and turns paging off; retries connection failures with backoff. */
  static async open(target: DeviceTarget, deps: SessionDeps): Promise<DeviceSession> {
    const logger = deps.logger.child({ ip: target.host, port: target.port, profile: target.profile.name });
    let attempts = 0;
    try {
      return await withRetries(
        () => {
          attempts++;
          return DeviceSession.openOnce(target, deps.hostKeys, logger);
        },
        {
          retries: target.retries,
          backoff: deps.backoff ?? DEFAULT_BACKOFF,
          retryable: (err) => isDeviceError(err, 'unreachable'),
          onRetry: (err, attempt, delayMs) => {
            logger.debug({ attempt, delayMs, err: (err as Error).message }, 'connection failed, retrying');
          },
        },
      );
    } catch (err) {
      if (isDeviceError(err, 'unreachable')) {
        throw new DeviceError('unreachable', `${target.host}:${target.port} unreachable after ${attempts} attempt(s): ${err.message}`, { cause: err });
      }
      throw err;
    }
  }

  private static async openOnce(target: DeviceTarget, hostKeys: HostKeyStore, logger: Logger): Promise<DeviceSession> {
    if (target.hostKeyPolicy !== 'off' && target.identity === undefined) {
      throw new DeviceError('protocol', `${target.host}:${target.port}: no device identity to check the host key against; not connecting`);
    }
    const ssh = new NodeSSH();
    // A refused key is the device's fault; a pin store that cannot be read (a shared database away) is not, and is thrown as it is.
    let hostKeyFailure: Error | undefined;
    logger.debug('connecting');
    try {
      await ssh.connect({
        host: target.host,
        port: target.port,
        username: target.username,
        ...(target.password !== '' ? { password: target.password } : {}),
        ...(target.privateKey !== undefined ? { privateKey: target.privateKey } : {}),
        tryKeyboard: target.password !== '',
        readyTimeout: target.timeoutMs,
        ...(target.legacyAlgorithms === true ? { algorithms: legacyAlgorithms() } : {}),
        // ssh2 calls the verifier during the key exchange and waits for it before
        // it asks for the user-auth service: a refused key means no password leaves.
        ...(target.hostKeyPolicy !== 'off'
          ? {
              hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
                verifyHostKey(target, hostKeys, logger, key).then(
                  () => { verify(true); },
                  (err: unknown) => {
                    hostKeyFailure = err instanceof Error ? err : new Error(String(err));
                    verify(false);
                  },
                );
              },
            }
          : {}),
      });
    } catch (err) {
      ssh.dispose();
      if (hostKeyFailure !== undefined) throw hostKeyFailure;
      throw connectError(err, target);
    }
    // node-ssh drops its own error listener once connected; without this one a
    // reset after login would be an unhandled 'error' event and end the process.
    ssh.connection?.on('error', (err: Error) => {
      logger.debug({ err: err.message }, 'connection error');
    });
    // Commands are single short lines: send each at once rather than waiting on the switch's delayed ACK.
    ssh.connection?.setNoDelay(true);
    try {
      const stream = await ssh.requestShell(PTY);
      return await DeviceSession.attach(sshChannel(stream), target, logger, () => {
        ssh.dispose();
      });
    } catch (err) {
      ssh.dispose();
      // Dropped during login (a flaky link, a busy vty): worth another attempt.
      if (isDeviceError(err, 'closed')) throw new DeviceError('unreachable', err.message, { cause: err });
      throw err;
    }
  }

  /**
   * A session over an already-open CLI byte pipe: logs in (prompt, enable,
   * paging off). open() uses it once SSH is up; tests drive it with a scripted CLI.
   */
  static async attach(channel: Channel, target: DeviceTarget, logger: Logger, dispose: () => void = () => undefined): Promise<DeviceSession> {
    const shell = new CliShell(channel, target.profile, target.commandTimeoutMs ?? target.timeoutMs, logger);
    const session = new DeviceSession(dispose, shell, target, logger);
    try {
      await session.login();
    } catch (err) {
      shell.close();
      throw err;
    }
    logger.debug({ prompt: shell.prompt }, 'session ready');
    return session;
  }

  get prompt(): string {
    return this.shell.prompt;
  }

  hostname(): string {
    return this.shell.hostname();
  }

  get profile(): Profile {
    return this.target.profile;
  }

  /** Output of one exec-mode command, without echo and prompt; pagers answered; an error marker throws DeviceError('rejected'). */
  run(command: string): Promise<string> {
    return this.serialised(() => this.exec(command));
  }

  runningConfig(): Promise<string> {
    return this.run(this.target.profile.showRunning);
  }

  /**
   * Enters config mode and sends the lines one by one, checking every reply.
   * On the first rejected line it leaves config mode and throws
   * DeviceError('rejected') naming the line, the device's message and how
   * many lines it accepted before (`applied`). Blank and
   * `!` lines and a final `end` are skipped. Never saves.
   */
  configure(lines: string[], options: ConfigureOptions = {}): Promise<void> {
    return this.serialised(async () => {
      const body = configBody(lines);
      const profile = this.target.profile;
      if (body.length > 0 && options.beforeLine?.(0, body.length) === false) throw interrupted(0, body.length);
      await this.exec(profile.enterConfig);
      if (!profile.configPromptPattern.test(this.shell.prompt)) {
        throw new DeviceError('protocol', `"${profile.enterConfig}" did not lead to a config prompt (prompt is ${JSON.stringify(this.shell.prompt)})`);
      }
      for (const [i, line] of body.entries()) {
        if (i > 0 && options.beforeLine?.(i, body.length) === false) {
          await this.leaveConfigQuietly();
          throw interrupted(i, body.length);
        }
        const newHost = /^hostname\s+(\S+)$/.exec(line)?.[1];
        try {
          await this.exec(line, newHost === undefined ? [] : [newHost]);
        } catch (err) {
          if (!isDeviceError(err, 'rejected')) throw err;
          await this.leaveConfigQuietly();
          throw new DeviceError('rejected', err.message, { command: err.command, deviceMessage: err.deviceMessage, applied: i, cause: err.cause });
        }
        if (i < body.length - 1 && !profile.configPromptPattern.test(this.shell.prompt)) {
          throw new DeviceError('protocol', `left config mode after "${maskCommand(line, profile)}" (prompt is ${JSON.stringify(this.shell.prompt)})`, {
            command: maskCommand(line, profile),
          });
        }
      }
      await this.leaveConfig();
      this.logger.debug({ lines: body.length }, 'configuration applied');
    });
  }

  /** Saves the running config, answering the profile's confirmation questions. */
  save(): Promise<void> {
    return this.serialised(async () => {
      const spec = this.target.profile.save;
      const text = await this.converse(spec.command, spec.confirm ?? []);
      this.throwOnError(spec.command, text);
      if (spec.success && !spec.success.test(text)) {
        throw new DeviceError('rejected', `${this.name()}: "${spec.command}" did not report success`, { command: spec.command, deviceMessage: lastLine(text) });
      }
      this.logger.debug('configuration saved');
    });
  }

  /**
   * An exec-mode command that may ask questions (a copy, a reload), each
   * answered from `answers` in whatever order they come, with `timeoutMs`
   * of silence tolerated per reply. A device that closes the session on it
   * is not an error here: `closed` says so, and the caller knows whether
   * that was the point. An error marker in the output throws DeviceError('rejected').
   */
  dialogue(command: string, answers: readonly DialogueAnswer[], timeoutMs: number): Promise<DialogueOutcome> {
    return this.serialised(async () => {
      let text: string;
      try {
        text = await this.converse(command, answers, timeoutMs);
      } catch (err) {
        if (!isDeviceError(err, 'closed')) throw err;
        return { output: err instanceof DialogueClosedError ? err.output : '', closed: true };
      }
      this.throwOnError(command, text);
      return { output: text, closed: false };
    });
  }

  /** Sends `command` and answers its questions until the prompt comes back; the output, questions included. */
  private async converse(command: string, answers: readonly DialogueAnswer[], timeoutMs?: number): Promise<string> {
    const questions = answers.map((a) => a.prompt);
    const output: string[] = [];
    const options = { questions, ...(timeoutMs === undefined ? {} : { timeoutMs }) };
    try {
      let reply: Reply = await this.shell.send(command, options);
      output.push(...reply.lines);
      for (let asked = 0; reply.match.kind === 'question'; asked++) {
        if (asked >= MAX_QUESTIONS) throw new DeviceError('protocol', `"${maskCommand(command, this.target.profile)}" keeps asking questions`, { command });
        const answer = answers[reply.match.index]?.answer ?? '';
        reply = await this.shell.send(answer, options);
        output.push(...reply.lines);
      }
    } catch (err) {
      if (isDeviceError(err, 'closed')) throw new DialogueClosedError(err, output.join('\n'));
      throw err;
    }
    return output.join('\n');
  }

  lldpNeighbors(): Promise<LldpNeighbor[]> {
    return this.run(this.target.profile.showLldp).then(parseLldpNeighbors);
  }

  macTable(): Promise<MacEntry[]> {
    return this.run(this.target.profile.showMacTable).then(parseMacTable);
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    this.shell.close();
    this.dispose();
  }

  private async login(): Promise<void> {
    const profile = this.target.profile;
    const first = await this.shell.waitForFirstPrompt();
    if (first.prompt.endsWith('>') && profile.enable) {
      const passwordPrompt = profile.enable.passwordPrompt;
      let reply = await this.shell.send(profile.enable.command, { questions: [passwordPrompt] });
      if (reply.match.kind === 'question') {
        reply = await this.shell.send(this.target.enableSecret ?? '', { secret: true, questions: [passwordPrompt] });
      }
      if (reply.match.kind !== 'prompt' || reply.match.prompt.endsWith('>')) {
        throw new DeviceError('auth', `${this.name()}: enable was refused`);
      }
    }
    for (const command of profile.pagingOff) {
      try {
        await this.exec(command);
      } catch (err) {
        // A CLI without this command still works: its pager is answered instead.
        if (!isDeviceError(err, 'rejected')) throw err;
        this.logger.debug({ command }, 'paging-off command rejected; the pager will be answered');
      }
    }
  }

  private async exec(command: string, newHosts: string[] = []): Promise<string> {
    const reply = await this.shell.send(command, { newHosts });
    const text = reply.lines.map((l) => l + '\n').join('');
    this.throwOnError(command, text);
    return text;
  }

  private throwOnError(command: string, text: string): void {
    const marker = this.target.profile.errorMarkers.map((m) => m.exec(text)).find((m) => m !== null);
    if (!marker) return;
    const start = text.lastIndexOf('\n', marker.index) + 1;
    const end = text.indexOf('\n', marker.index);
    const deviceMessage = text.slice(start, end < 0 ? undefined : end).trim();
    const shown = maskCommand(command, this.target.profile);
    throw new DeviceError('rejected', `${this.name()} rejected "${shown}": ${deviceMessage}`, { command: shown, deviceMessage });
  }

  private async leaveConfig(): Promise<void> {
    const profile = this.target.profile;
    for (const command of profile.leaveConfig) await this.exec(command);
    const last = profile.leaveConfig[profile.leaveConfig.length - 1] ?? 'exit';
    for (let depth = 0; profile.configPromptPattern.test(this.shell.prompt); depth++) {
      if (depth >= MAX_CONFIG_DEPTH) throw new DeviceError('protocol', `still in config mode after ${MAX_CONFIG_DEPTH} "${last}"`);
      await this.exec(last);
    }
  }

  /** After a rejected line the original error matters; a failure to leave is only logged. */
  private async leaveConfigQuietly(): Promise<void> {
    try {
      await this.leaveConfig();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'could not leave config mode after a rejected line');
    }
  }

  private name(): string {
    return this.shell.hostname() || this.target.host;
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

async function verifyHostKey(target: DeviceTarget, hostKeys: HostKeyStore, logger: Logger, key: Buffer): Promise<void> {
  const owner = target.identity;
  if (owner === undefined) throw new DeviceError('protocol', 'no device identity to check the host key against');
  const verdict = await hostKeys.verify({ owner, host: target.host, port: target.port, key, tofuOnMove: target.hostKeyPolicy === 'tofu-on-move' });
  const device = owner.kind === 'device' ? owner.name : `factory ${owner.mac}`;
  if (verdict.kind === 'match') return;
  if (verdict.kind === 'pinned') {
    const level = verdict.source === 'moved' ? 'warn' : 'info';
    logger[level]({ event: Events.hostkeyPinned, device, fingerprint: verdict.fingerprint, source: verdict.source }, `host key of ${device} pinned (${verdict.source})`);
    return;
  }
  throw new DeviceError(
    'hostkey-changed',
    `${device} at ${target.host}:${target.port} presented host key ${verdict.fingerprint}, not the pinned ${verdict.pinned}; refusing to log in. If the switch was replaced, check the key on its console and run: ${verdict.acceptCommand}`,
    { hostKey: { seen: verdict.fingerprint, pinned: verdict.pinned, acceptCommand: verdict.acceptCommand } },
  );
}

/** The device closed the session in the middle of a dialogue; what it printed before is kept. */
class DialogueClosedError extends DeviceError {
  constructor(closed: DeviceError, readonly output: string) {
    super('closed', closed.message, { cause: closed });
  }
}

function connectError(err: unknown, target: DeviceTarget): DeviceError {
  const e = err as Error & { level?: string; code?: string };
  const where = `${target.host}:${target.port}`;
  if (e.level === 'client-authentication') {
    return new DeviceError('auth', `${where}: authentication failed for user ${JSON.stringify(target.username)}`, { cause: err });
  }
  if (e.level === 'client-socket' || e.level === 'client-timeout' || e.level === 'client-dns' || e.code === 'ETIMEDOUT' || e.code === 'ECONNRESET') {
    return new DeviceError('unreachable', `${where}: ${e.message}`, { cause: err });
  }
  if (/no matching|handshake failed/i.test(e.message)) {
    const hint = target.legacyAlgorithms === true ? '' : ' (the site may need legacy algorithms enabled)';
    return new DeviceError('protocol', `${where}: ${e.message}${hint}`, { cause: err });
  }
  return new DeviceError('unreachable', `${where}: ${e.message}`, { cause: err });
}

function interrupted(applied: number, total: number): DeviceError {
  return new DeviceError('interrupted', `push stopped before line ${String(applied + 1)} of ${String(total)}`, { applied });
}

function configBody(lines: string[]): string[] {
  const body = lines.map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('!'));
  if (body[body.length - 1] === 'end') body.pop();
  return body;
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return (lines[lines.length - 1] ?? '').trim();
}
