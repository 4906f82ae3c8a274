import { Client, type Algorithms, type ClientChannel } from 'ssh2';

export interface ShellOptions {
  username: string;
  password: string;
  rows?: number;
  algorithms?: Algorithms;
  /** Receives the server's host key; return false to refuse it. */
  hostVerifier?: (key: Buffer) => boolean;
  onBanner?: (message: string) => void;
}

/** Connects with ssh2's client and opens nothing; rejects with the client's error. */
export function connect(host: string, port: number, options: ShellOptions): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once('ready', () => {
      resolve(client);
    });
    client.once('error', reject);
    if (options.onBanner) client.on('banner', options.onBanner);
    client.connect({
      host,
      port,
      username: options.username,
      password: options.password,
      readyTimeout: 5000,
      ...(options.algorithms ? { algorithms: options.algorithms } : {}),
      ...(options.hostVerifier ? { hostVerifier: options.hostVerifier } : {}),
    });
  });
}

/** An interactive PTY shell on a lab switch, read by waiting for text, never by sleeping. */
export class LabShell {
  private buffer = '';
  private closed = false;
  /** How many data packets arrived: the lab writes each reply in fragments. */
  packets = 0;
  private waiters: (() => void)[] = [];

  private constructor(
    readonly client: Client,
    private readonly channel: ClientChannel,
  ) {
    channel.on('data', (data: Buffer) => {
      this.buffer += data.toString('latin1');
      this.packets++;
      this.notify();
    });
    channel.on('close', () => {
      this.closed = true;
      this.notify();
    });
    client.on('close', () => {
      this.closed = true;
      this.notify();
    });
    client.on('error', () => {
      this.closed = true;
      this.notify();
    });
  }

  static async open(host: string, port: number, options: ShellOptions): Promise<LabShell> {
    const client = await connect(host, port, options);
    const channel = await new Promise<ClientChannel>((resolve, reject) => {
      client.shell({ term: 'vt100', rows: options.rows ?? 24, cols: 200 }, (error, stream) => {
        if (error) reject(error);
        else resolve(stream);
      });
    });
    return new LabShell(client, channel);
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Everything received and not yet consumed by `waitFor`. */
  pending(): string {
    return this.buffer;
  }

  isClosed(): boolean {
    return this.closed;
  }

  /** Waits until the unread output matches, consumes it up to the end of the match and returns it. */
  async waitFor(pattern: RegExp | string, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = typeof pattern === 'string' ? this.buffer.indexOf(pattern) : this.buffer.search(pattern);
      if (index !== -1) {
        const length = typeof pattern === 'string' ? pattern.length : (pattern.exec(this.buffer)?.[0].length ?? 0);
        const text = this.buffer.slice(0, index + length);
        this.buffer = this.buffer.slice(index + length);
        return text;
      }
      if (this.closed) throw new Error(`connection closed while waiting for ${String(pattern)}; got ${JSON.stringify(this.buffer)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${String(pattern)}; got ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits until the connection closes. */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for the connection to close');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  send(text: string): void {
    this.channel.write(text);
  }

  /** Sends a command and returns what came back up to and including the next match of `prompt`. */
  async run(command: string, prompt: RegExp | string, timeoutMs = 5000): Promise<string> {
    this.send(`${command}\r`);
    return this.waitFor(prompt, timeoutMs);
  }

  close(): void {
    this.client.end();
  }
}

/** CRLF to LF, as a client would before parsing. */
export function lines(text: string): string[] {
  return text.replace(/\r/g, '').split('\n');
}

/** Runs one command through an SSH `exec` request and returns its output. */
export async function execCommand(host: string, port: number, options: ShellOptions, command: string): Promise<string> {
  const client = await connect(host, port, options);
  try {
    return await new Promise<string>((resolve, reject) => {
      client.exec(command, (error, stream) => {
        if (error) {
          reject(error);
          return;
        }
        let text = '';
        stream.on('data', (data: Buffer) => (text += data.toString('latin1')));
        stream.on('close', () => {
          resolve(text);
        });
      });
    });
  } finally {
    client.end();
  }
}
