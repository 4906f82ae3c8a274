import type { Channel } from '../src/device/shell.js';

/**
 * A scripted switch CLI behind the Channel interface, for unit tests of the
 * session logic without a network. It speaks the four families' dialects
 * closely enough (VENDORS.md) and can cut its output into fragments.
 */
export type Dialect = 'fs-s5850' | 'fs-s3900' | 'fs-s3900-r' | 'cisco-ios';

export interface FakeCliOptions {
  dialect: Dialect;
  hostname: string;
  config: string[];
  banner?: string;
  /** Lands in `HOST>` and needs `enable` (with this secret if set). */
  startInUserMode?: boolean;
  enableSecret?: string;
  /** Output is delivered in pieces of at most this many characters. */
  fragment?: number;
  /** `terminal length 0` is accepted but the pager stays on. */
  pagingStuck?: boolean;
  pageLines?: number;
  /** Lines (exact) that the CLI rejects in config mode. */
  reject?: string[];
  ansi?: boolean;
  /** The CLI stops answering after this many commands (a hung session). */
  hangAfter?: number;
}

export class FakeCli implements Channel {
  readonly received: string[] = [];
  saves = 0;
  startup: string[] = [];
  closed = false;
  private host: string;
  private mode: 'user' | 'exec' | 'config' | 'config-if' = 'exec';
  private paging = true;
  private input = '';
  private pendingPager: string[] | undefined;
  private question: ((answer: string) => void) | undefined;
  private dataListeners: ((chunk: string) => void)[] = [];
  private closeListeners: ((reason?: Error) => void)[] = [];
  private outbox: string[] = [];
  private flushing = false;
  private commands = 0;

  constructor(readonly options: FakeCliOptions) {
    this.host = options.hostname;
    if (options.startInUserMode === true) this.mode = 'user';
    // Login output arrives after the listeners are attached, as over SSH.
    setImmediate(() => {
      this.emit((options.banner ?? '') + '\r\n' + this.prompt());
    });
  }

  get config(): string[] {
    return [...this.options.config];
  }

  onData(listener: (chunk: string) => void): void {
    this.dataListeners.push(listener);
  }

  onClose(listener: (reason?: Error) => void): void {
    this.closeListeners.push(listener);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const l of this.closeListeners) l();
  }

  /** The far end drops the connection. */
  drop(): void {
    this.close();
  }

  write(data: string): void {
    if (this.closed) return;
    for (const ch of data) {
      if (this.pendingPager) {
        this.continuePager(ch);
        continue;
      }
      if (ch === '\n' || ch === '\r') {
        const line = this.input;
        this.input = '';
        this.onLine(line);
      } else {
        this.input += ch;
      }
    }
  }

  private prompt(): string {
    const d = this.options.dialect;
    if (this.mode === 'user') return `${this.host}>`;
    if (this.mode === 'exec') return `${this.host}#`;
    if (d === 'fs-s3900-r') return this.mode === 'config' ? `${this.host}_config#` : `${this.host}_config_g0/1#`;
    return this.mode === 'config' ? `${this.host}(config)#` : `${this.host}(config-if)#`;
  }

  private onLine(line: string): void {
    this.received.push(line);
    if (this.question) {
      const answer = this.question;
      this.question = undefined;
      this.emit('\r\n');
      answer(line);
      return;
    }
    this.commands++;
    if (this.options.hangAfter !== undefined && this.commands > this.options.hangAfter) return;
    const echo = this.options.ansi === true ? `\x1b[0m${line}\x1b[K` : line;
    this.emit(echo + '\r\n');
    this.execute(line.trim());
  }

  private reply(text: string): void {
    this.emit((text === '' ? '' : text.replace(/\n/g, '\r\n') + '\r\n') + this.prompt());
  }

  private invalid(command: string): void {
    if (this.options.dialect === 'fs-s3900-r') this.reply(`${' '.repeat(command.length > 0 ? 1 : 0)}^\nUnknown command`);
    else this.reply(`                ^\n% Invalid input detected at '^' marker.`);
  }

  private execute(cmd: string): void {
    const d = this.options.dialect;
    if (cmd === '') { this.reply(''); return; }
    if (this.mode === 'user') {
      if (cmd === 'enable') { this.enable(); return; }
      { this.invalid(cmd); return; }
    }
    if (this.mode === 'exec') {
      if (cmd === 'terminal length 0') {
        if (this.options.pagingStuck !== true) this.paging = false;
        { this.reply(''); return; }
      }
      if (cmd === 'terminal width 511') { this.reply(''); return; }
      if (cmd === 'show running-config') { this.showRunning(); return; }
      if (cmd === 'configure terminal' && (d === 'fs-s5850' || d === 'cisco-ios')) { this.enterConfig('Enter configuration commands, one per line.  End with CNTL/Z.'); return; }
      if (cmd === 'configure' && d === 'fs-s3900') { this.enterConfig(''); return; }
      if (cmd === 'config' && d === 'fs-s3900-r') { this.enterConfig(''); return; }
      if (cmd === 'write' && (d === 'fs-s5850' || d === 'fs-s3900-r')) { this.save(''); return; }
      if (cmd === 'write memory' && d === 'cisco-ios') { this.save('Building configuration...\n[OK]'); return; }
      if (cmd === 'copy running-config startup-config' && d === 'fs-s3900') {
        this.emit('Startup configuration file name [startup1.cfg]: ');
        this.question = () => {
          this.save('Write to FLASH Programming.\nWrite to FLASH finish.\nSuccess.');
        };
        return;
      }
      if (cmd.startsWith('show ')) { this.reply(this.showOther(cmd)); return; }
      { this.invalid(cmd); return; }
    }
    // config modes
    if (this.options.reject?.includes(cmd) === true) { this.invalid(cmd); return; }
    if (cmd === 'end' && d !== 'fs-s3900-r') {
      this.mode = 'exec';
      { this.reply(''); return; }
    }
    if (cmd === 'exit') {
      this.mode = this.mode === 'config-if' ? 'config' : 'exec';
      { this.reply(''); return; }
    }
    if (cmd === 'end') { this.invalid(cmd); return; }
    const hostname = /^hostname (\S+)$/.exec(cmd);
    if (hostname?.[1] !== undefined) this.host = hostname[1];
    if (cmd.startsWith('interface ')) this.mode = 'config-if';
    else if (!cmd.startsWith(' ') && this.mode === 'config-if' && d !== 'fs-s3900-r' && !/^(switchport|description|shutdown|no |ip )/.test(cmd)) this.mode = 'config';
    this.options.config.push(cmd);
    this.reply('');
  }

  private enable(): void {
    if (this.options.enableSecret === undefined) {
      this.mode = 'exec';
      { this.reply(''); return; }
    }
    this.emit('Password: ');
    this.question = (answer) => {
      if (answer === this.options.enableSecret) this.mode = 'exec';
      this.reply(answer === this.options.enableSecret ? '' : '% Access denied');
    };
  }

  private enterConfig(message: string): void {
    this.mode = 'config';
    this.reply(message);
  }

  private save(message: string): void {
    this.saves++;
    this.startup = [...this.options.config];
    this.reply(message);
  }

  private showRunning(): void {
    const header =
      this.options.dialect === 'fs-s3900' ? ['Building running configuration. Please wait...']
      : this.options.dialect === 'cisco-ios' ? ['Building configuration...', '', 'Current configuration : 1234 bytes']
      : this.options.dialect === 'fs-s3900-r' ? ['Building configuration...', '', '', 'Current configuration:']
      : ['Building configuration...'];
    const lines = [...header, ...this.options.config, 'end'];
    if (!this.paging) { this.reply(lines.join('\n')); return; }
    this.pendingPager = lines;
    this.page();
  }

  private page(): void {
    const lines = this.pendingPager ?? [];
    const n = this.options.pageLines ?? 5;
    const chunk = lines.splice(0, n);
    if (lines.length === 0) {
      this.pendingPager = undefined;
      { this.reply(chunk.join('\n')); return; }
    }
    const pager = this.options.dialect === 'fs-s3900' ? '---More---' : ' --More-- ';
    this.emit(chunk.join('\r\n') + '\r\n' + pager);
  }

  private continuePager(ch: string): void {
    if (ch !== ' ') return;
    // Erase the pager the way Edgecore and IOS do: backspaces, blanks, backspaces.
    this.emit('\b'.repeat(10) + ' '.repeat(10) + '\b'.repeat(10));
    this.page();
  }

  private showOther(cmd: string): string {
    return `output of ${cmd}`;
  }

  private emit(text: string): void {
    const size = this.options.fragment ?? text.length;
    for (let i = 0; i < text.length; i += Math.max(1, size)) this.outbox.push(text.slice(i, i + Math.max(1, size)));
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => {
        this.flush();
      });
    }
  }

  private flush(): void {
    const next = this.outbox.shift();
    if (next === undefined || this.closed) {
      this.flushing = false;
      return;
    }
    for (const l of this.dataListeners) l(next);
    setImmediate(() => {
      this.flush();
    });
  }
}
