import { setImmediate as tick, setTimeout as delay } from 'node:timers/promises';
import { UpgradeCommands, type UpgradeSwitch } from './cli-upgrade.js';
import { applyConfigLine, type ConfigOutcome, type RunningConfig } from './model/index.js';
import { matchCommand, splitWords, type MatchResult } from './grammar.js';
import type { ExecAction, ExecCommand, Mode, PersonalityDef, SwitchFacts } from './personality.js';
import type { LabFault } from './types.js';

/** The switch as one CLI session sees it. */
export interface CliSwitch extends UpgradeSwitch {
  readonly personality: PersonalityDef;
  readonly model: RunningConfig;
  readonly enableSecret: string | undefined;
  readonly slowMs: number;
  hostname(): string;
  hasFault(fault: LabFault): boolean;
  rejects(line: string): boolean;
  facts(): SwitchFacts;
  runningLines(): string[];
  startupLines(): string[];
  save(): void;
  configChanged(): void;
  log(line: string): void;
}

/** Where the session's bytes go. */
export interface CliIo {
  write(text: string): void;
  /** Drop the TCP connection without a goodbye. */
  drop(): void;
  /** Log out: close the channel and the connection. */
  close(): void;
}

export interface CliOptions {
  /** A PTY shell: echo, prompts, pager. False for an `exec` request. */
  interactive: boolean;
  rows: number;
}

const MOTD = [
  '',
  '##################################################################',
  '#  Authorised access only. Sessions are logged > audit.log       #',
  '#  Change window: Sun 02:00->04:00 UTC. Contact noc@example.net  #',
  '##################################################################',
  '',
];

class SessionClosed extends Error {}

/**
 * One CLI session on an emulated switch: line editing and echo, prompts per
 * mode, the pager, and the commands of the switch's personality.
 */
export class CliSession {
  private mode: Mode;
  private termLength: number | undefined;
  private rows: number;
  private input = '';
  private ended = false;
  private closed = false;
  private skipLf = false;
  private wake: (() => void) | undefined;
  private echo = '';
  private readonly upgrade: UpgradeCommands;

  constructor(
    private readonly sw: CliSwitch,
    private readonly io: CliIo,
    private readonly options: CliOptions,
  ) {
    this.mode = sw.personality.startsPrivileged ? { level: 'exec' } : { level: 'user' };
    this.rows = options.rows;
    this.upgrade = new UpgradeCommands(sw, {
      ask: (question) => this.ask(question),
      print: (lines) => this.lines(lines),
      invalid: (column) => this.error({ kind: 'invalid', column }, 0, ''),
      end: () => {
        this.closed = true;
        this.io.close();
        throw new SessionClosed();
      },
    });
  }

  feed(data: string): void {
    this.input += data;
    this.wakeReader();
  }

  endInput(): void {
    this.ended = true;
    this.wakeReader();
  }

  setRows(rows: number): void {
    if (rows > 0) this.rows = rows;
  }

  /** Interactive shell until logout or the channel closes. */
  async run(): Promise<void> {
    try {
      const motd = this.sw.hasFault('banner') ? MOTD : [''];
      await this.send(motd.map((l) => `${l}\r\n`).join('') + this.prompt());
      for (;;) {
        const line = await this.readLine('echo');
        if (line === null) return;
        this.sw.log(line);
        await this.slow();
        await this.handle(line, this.prompt().length);
        await this.send(this.prompt());
      }
    } catch (error) {
      if (!(error instanceof SessionClosed)) throw error;
    }
  }

  /** An `exec` request: each line of `command` in turn, no echo, prompt or pager. */
  async runCommands(command: string): Promise<void> {
    this.feed(`${command}\n`);
    this.endInput();
    try {
      for (;;) {
        const line = await this.readLine('silent');
        if (line === null) return;
        this.sw.log(line);
        await this.slow();
        await this.handle(line, 0);
      }
    } catch (error) {
      if (!(error instanceof SessionClosed)) throw error;
    }
  }

  private prompt(): string {
    return this.sw.personality.prompt(this.sw.hostname(), this.mode);
  }

  private async slow(): Promise<void> {
    if (this.sw.hasFault('slow')) await delay(this.sw.slowMs);
  }

  private async handle(raw: string, promptLength: number): Promise<void> {
    const line = raw.replace(/\s+$/, '');
    if (line === '\x1a') {
      if (this.mode.level === 'config') this.mode = { level: 'exec' };
      return;
    }
    if (line.trim() === '') return;
    if (this.mode.level === 'config') {
      await this.configLine(line, this.mode, promptLength);
    } else {
      await this.execLine(line, promptLength);
    }
  }

  private async configLine(line: string, mode: Mode & { level: 'config' }, promptLength: number): Promise<void> {
    if (mode.path.length === 0 && (await this.upgrade.bootConfigLine(line, promptLength))) return;
    const outcome: ConfigOutcome = applyConfigLine(line, mode.path, this.sw.model, this.sw.personality, (l) =>
      this.sw.rejects(l),
    );
    switch (outcome.kind) {
      case 'ok':
        this.mode = { level: 'config', path: outcome.path };
        if (outcome.changed) this.sw.configChanged();
        return;
      case 'exec':
        this.mode = { level: 'exec' };
        return;
      case 'do':
        await this.execLine(outcome.command, promptLength + outcome.column, true);
        return;
      default:
        await this.error(outcome, promptLength, line);
    }
  }

  private async error(
    outcome: { kind: 'invalid'; column: number } | { kind: 'incomplete' } | { kind: 'ambiguous' },
    promptLength: number,
    line: string,
  ): Promise<void> {
    const p = this.sw.personality;
    const lines =
      outcome.kind === 'invalid'
        ? p.invalid(promptLength + outcome.column)
        : outcome.kind === 'incomplete'
          ? p.incomplete
          : p.ambiguous(line.trim());
    await this.lines(lines);
  }

  private async execLine(line: string, promptLength: number, fromConfig = false): Promise<void> {
    const bad = /[^\x20-\x7e]/.exec(line);
    if (bad) {
      await this.error({ kind: 'invalid', column: bad.index }, promptLength, line);
      return;
    }
    const privileged = fromConfig || this.mode.level === 'exec';
    const commands = this.sw.personality.execCommands.filter((c) => privileged || c.handler.user);
    const match: MatchResult<ExecCommand> = matchCommand(line, commands);
    if (match.kind === 'ok') {
      await this.perform(match.handler.action, match.args);
      return;
    }
    const unknownWord = this.sw.personality.unknownWord;
    if (match.kind === 'invalid' && unknownWord && !fromConfig && splitWords(line).length === 1) {
      await this.lines(unknownWord);
      return;
    }
    await this.error(match, promptLength, line);
  }

  private async perform(action: ExecAction, args: Record<string, string>): Promise<void> {
    const p = this.sw.personality;
    switch (action.do) {
      case 'show-running':
        await this.showRunning();
        return;
      case 'show-startup':
        await this.paged(this.sw.startupLines());
        return;
      case 'show-version':
        await this.paged(p.showVersion(this.sw.facts()));
        return;
      case 'show-system':
        await this.paged(p.showSystem?.(this.sw.facts()) ?? []);
        return;
      case 'lldp':
        await this.paged(p.showLldp(this.sw.facts(), action.detail));
        return;
      case 'mac':
        await this.paged(p.showMac(this.sw.facts()));
        return;
      case 'terminal-length':
        // paging-stuck: the command is accepted and has no effect, as on some firmware.
        if (!this.sw.hasFault('paging-stuck')) this.termLength = Number(args.n ?? '24');
        return;
      case 'terminal-width':
        return;
      case 'configure':
        this.mode = { level: 'config', path: [] };
        if (p.configBanner !== undefined) await this.lines([p.configBanner]);
        return;
      case 'save':
        this.sw.save();
        await this.lines(p.saveOutput);
        return;
      case 'copy-save':
        await this.copySave();
        return;
      case 'enable':
        await this.enable();
        return;
      case 'disable':
        if (!p.startsPrivileged) this.mode = { level: 'user' };
        return;
      case 'logout':
        this.closed = true;
        this.io.close();
        throw new SessionClosed();
      case 'copy-image':
        await this.upgrade.copy(args.url ?? '', args.dest ?? '', 0);
        return;
      case 'copy-image-dialogue':
        await this.upgrade.copyDialogue();
        return;
      case 'verify-image':
        await this.upgrade.verify(args.file ?? '', args.hash);
        return;
      case 'boot-system':
        await this.upgrade.selectBoot(args.file ?? '', 0);
        return;
      case 'reload':
        await this.upgrade.reload();
        return;
    }
  }

  /** A question and its answer, as the copy and reload dialogues ask them. */
  private async ask(question: string): Promise<string | null> {
    await this.send(question);
    const answer = await this.readLine(this.options.interactive ? 'echo' : 'silent');
    if (answer !== null) this.sw.log(answer);
    return answer;
  }

  private async showRunning(): Promise<void> {
    const lines = this.sw.runningLines();
    if (this.sw.hasFault('disconnect-on-show-run')) {
      await this.send(
        lines
          .slice(0, Math.ceil(lines.length / 2))
          .map((l) => `${l}\r\n`)
          .join(''),
      );
      this.closed = true;
      this.io.drop();
      throw new SessionClosed();
    }
    await this.paged(lines);
  }

  private async copySave(): Promise<void> {
    const p = this.sw.personality;
    if (p.copyPrompt !== undefined) {
      await this.send(p.copyPrompt);
      const answer = await this.readLine(this.options.interactive ? 'echo' : 'silent');
      if (answer !== null) this.sw.log(answer);
      const name = (answer ?? '').trim();
      if (name !== '' && !/^[A-Za-z0-9._-]{1,32}$/.test(name)) {
        await this.lines(p.invalid(p.copyPrompt.length));
        return;
      }
    }
    this.sw.save();
    await this.lines(p.copyOutput);
  }

  private async enable(): Promise<void> {
    if (this.mode.level !== 'user') return;
    const secret = this.sw.enableSecret;
    if (secret === undefined) {
      this.mode = { level: 'exec' };
      return;
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      await this.send('Password: ');
      const answer = await this.readLine('secret');
      this.sw.log('<secret>');
      if (answer === secret) {
        this.mode = { level: 'exec' };
        return;
      }
      if (answer === null) return;
    }
    await this.lines([this.sw.personality.badSecret]);
  }

  private pageSize(): number {
    if (!this.options.interactive) return 0;
    const length = this.termLength ?? this.rows;
    return length === 0 ? 0 : Math.max(1, length - 1);
  }

  private async lines(lines: string[]): Promise<void> {
    if (lines.length > 0) await this.send(lines.map((l) => `${l}\r\n`).join(''));
  }

  /** Output through the pager: space = next page, Enter = next line, `a` = all (where offered), other = stop. */
  private async paged(lines: string[]): Promise<void> {
    const size = this.pageSize();
    if (size === 0 || lines.length <= size) {
      await this.lines(lines);
      return;
    }
    const { text, allKey } = this.sw.personality.pager;
    const erase = '\b'.repeat(text.length) + ' '.repeat(text.length) + '\b'.repeat(text.length);
    let shown = 0;
    let budget = size;
    while (shown < lines.length) {
      const chunk = lines.slice(shown, shown + budget);
      shown += chunk.length;
      await this.lines(chunk);
      if (shown >= lines.length) return;
      await this.send(text);
      const key = await this.readKey();
      await this.send(erase);
      if (key === ' ') budget = size;
      else if (key === '\r' || key === '\n') budget = 1;
      else if (allKey && key.toLowerCase() === 'a') budget = lines.length;
      else return;
    }
  }

  /** Writes in a few fragments, as a slow switch CPU does, so clients cannot rely on one packet per reply. */
  private async send(text: string): Promise<void> {
    if (this.closed || text === '') return;
    const pieces = text.length < 12 ? [text] : splitInThree(text);
    for (const [i, piece] of pieces.entries()) {
      if (i > 0) {
        if (this.sw.hasFault('slow')) await delay(Math.min(200, this.sw.slowMs / 10));
        else await tick();
      }
      if (this.isClosed()) return;
      this.io.write(piece);
    }
  }

  /** A method, not a field read, because the flag changes while awaiting. */
  private isClosed(): boolean {
    return this.closed;
  }

  private flushEcho(): void {
    if (this.echo !== '' && !this.closed) this.io.write(this.echo);
    this.echo = '';
  }

  private wakeReader(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async nextChar(): Promise<string | null> {
    while (this.input === '') {
      this.flushEcho();
      if (this.ended || this.closed) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    const c = this.input.charAt(0);
    this.input = this.input.slice(1);
    return c;
  }

  private async readKey(): Promise<string> {
    for (;;) {
      const c = await this.nextChar();
      if (c === null) throw new SessionClosed();
      if (c === '\n' && this.skipLf) {
        this.skipLf = false;
        continue;
      }
      this.skipLf = c === '\r';
      return c;
    }
  }

  /** Reads one line; null at end of input. `secret` echoes nothing, `silent` is for exec requests. */
  private async readLine(echo: 'echo' | 'secret' | 'silent'): Promise<string | null> {
    let line = '';
    const show = (text: string): void => {
      if (echo === 'echo') this.echo += text;
    };
    for (;;) {
      const c = await this.nextChar();
      if (c === null) return line === '' ? null : line;
      if (c === '\n' && this.skipLf) {
        this.skipLf = false;
        continue;
      }
      this.skipLf = false;
      if (c === '\r' || c === '\n') {
        this.skipLf = c === '\r';
        if (echo !== 'silent') this.echo += '\r\n';
        this.flushEcho();
        return line;
      }
      if (c === '\x7f' || c === '\b') {
        if (line !== '') {
          line = line.slice(0, -1);
          show('\b \b');
        }
      } else if (c === '\x03') {
        show('^C\r\n');
        this.flushEcho();
        return '';
      } else if (c === '\x1a') {
        show('^Z\r\n');
        this.flushEcho();
        return '\x1a';
      } else if (c === '\x1b') {
        await this.skipEscape();
      } else if (c >= ' ' || c === '\t') {
        line += c;
        show(c);
      }
    }
  }

  private async skipEscape(): Promise<void> {
    const c = await this.nextChar();
    if (c !== '[') return;
    for (;;) {
      const d = await this.nextChar();
      if (d === null || /[A-Za-z~]/.test(d)) return;
    }
  }
}

function splitInThree(text: string): string[] {
  const a = Math.floor(text.length / 3);
  const b = Math.floor((2 * text.length) / 3);
  return [text.slice(0, a), text.slice(a, b), text.slice(b)];
}
