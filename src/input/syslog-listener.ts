import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import type { EventEmitter } from 'node:events';
import { createServer, isIPv6, type Server, type Socket } from 'node:net';
import { Events, Tally, type Logger } from '../log/index.js';
import { LineSplitter } from './line-splitter.js';
import type { SenderFilter } from './roles.js';
import { withOrigin } from './syslog-origin.js';
import { DEFAULT_MAX_LINE_BYTES, type InputSource, type LineEncoding, type LineSink } from './types.js';

export interface SyslogListenOptions {
  /** `udp://HOST:PORT` or `tcp://HOST:PORT` (port 0: any free port, see address()). */
  url: string;
  onLine: LineSink;
  logger: Logger;
  maxLineBytes?: number;
  encoding?: LineEncoding;
  /** Open TCP connections accepted at once (default 256). */
  maxConnections?: number;
  /** Senders whose messages are read; others are dropped unread and counted. Default: any sender. */
  allow?: SenderFilter;
}

export interface SyslogSource extends InputSource {
  /** Where it listens, once started. */
  address(): { host: string; port: number } | undefined;
}

const DEFAULT_MAX_CONNECTIONS = 256;

/**
 * Syslog messages (RFC 3164 or RFC 5424) received over UDP (one message per
 * datagram) or TCP (RFC 6587: octet counting, `LEN SP MSG`, or one message
 * per line), each delivered as one line as sent, header included; a header
 * without a hostname gets the sender's address, as rsyslog writes it.
 * Control characters inside a message are escaped as rsyslog does (`#012`
 * for a newline), so a message can never turn into two lines.
 */
export function listenSyslog(options: SyslogListenOptions): SyslogSource {
  const url = parseListenUrl(options.url);
  return url.protocol === 'udp' ? new UdpListener(options, url) : new TcpListener(options, url);
}

interface ListenUrl {
  protocol: 'udp' | 'tcp';
  host: string;
  port: number;
}

export function parseListenUrl(text: string): ListenUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${text}: expected udp://HOST:PORT or tcp://HOST:PORT`);
  }
  const protocol = url.protocol.slice(0, -1);
  if ((protocol !== 'udp' && protocol !== 'tcp') || url.hostname === '' || url.port === '' || url.pathname.length > 1) {
    throw new Error(`${text}: expected udp://HOST:PORT or tcp://HOST:PORT`);
  }
  return { protocol, host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port) };
}

abstract class Listener implements SyslogSource {
  readonly name: string;
  readonly done: Promise<void>;
  protected readonly options: SyslogListenOptions;
  protected readonly url: ListenUrl;
  protected readonly maxLineBytes: number;
  private finish: () => void = () => undefined;
  private readonly dropped = new Tally();

  constructor(options: SyslogListenOptions, url: ListenUrl) {
    this.options = options;
    this.url = url;
    this.name = options.url;
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.done = new Promise((resolve) => {
      this.finish = resolve;
    });
  }

  abstract address(): { host: string; port: number } | undefined;
  abstract start(): Promise<void>;
  protected abstract close(): Promise<void>;

  async stop(): Promise<void> {
    await this.close();
    const unlogged = this.dropped.rest();
    if (unlogged > 0) this.logDropped(unlogged, undefined);
    this.finish();
  }

  /** False (and counted) for a sender outside the allow list. */
  protected admits(peerAddress: string): boolean {
    const allow = this.options.allow;
    if (allow === undefined || allow.allows(peerAddress)) return true;
    const count = this.dropped.add();
    if (count !== undefined) this.logDropped(count, peerAddress);
    return false;
  }

  private logDropped(count: number, peer: string | undefined): void {
    const allowed = this.options.allow?.cidrs.join(', ') || 'none';
    this.options.logger.warn(
      { event: Events.inputSenderRefused, path: this.name, peer, count, allow: this.options.allow?.cidrs },
      `dropped ${String(count)} syslog message(s) from senders not allowed on ${this.name}${peer === undefined ? '' : ` (latest from ${peer})`}; allowed: ${allowed}`,
    );
  }

  protected listening(): void {
    this.options.logger.info(
      { event: Events.inputOpened, path: this.name, address: this.address() },
      `listening for syslog on ${this.name}`,
    );
  }

  protected deliver(message: Buffer, peerAddress: string): void {
    let end = message.length;
    while (end > 0 && (message[end - 1] === 0x0a || message[end - 1] === 0x0d || message[end - 1] === 0)) end -= 1;
    if (end === 0) return;
    const line = withOrigin(escapeControls(message.toString(this.options.encoding ?? 'utf8', 0, end)), peerAddress, new Date());
    try {
      this.options.onLine(line, this.name);
    } catch (err) {
      this.options.logger.error({ path: this.name, err }, 'a line handler failed; going on with the next message');
    }
  }

  protected reject(bytes: number, peer: string): void {
    this.options.logger.warn(
      { event: Events.inputLineRejected, path: this.name, peer, bytes, reason: 'too-long', limit: this.maxLineBytes },
      `skipped a ${String(bytes)}-byte syslog message from ${peer}`,
    );
  }

  /**
   * Binds through `bind`, failing start on an error before it is bound; errors after that are
   * logged, since a listener outlives a bad datagram or connection.
   */
  protected async bindOrFail(emitter: EventEmitter, bind: (bound: () => void) => void, kind: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      emitter.once('error', (err: unknown) => {
        reject(new Error(`cannot listen on ${this.name}: ${err instanceof Error ? err.message : String(err)}`, { cause: err }));
      });
      bind(resolve);
    });
    emitter.on('error', (err: unknown) => {
      this.options.logger.warn({ path: this.name, err }, `syslog ${kind} error`);
    });
  }
}

class UdpListener extends Listener {
  private socket: UdpSocket | undefined;

  address(): { host: string; port: number } | undefined {
    if (this.socket === undefined) return undefined;
    const { address, port } = this.socket.address();
    return { host: address, port };
  }

  async start(): Promise<void> {
    const socket = createSocket({ type: isIPv6(this.url.host) ? 'udp6' : 'udp4' });
    socket.on('message', (message, peer) => {
      if (!this.admits(peer.address)) return;
      if (message.length > this.maxLineBytes) this.reject(message.length, `${peer.address}:${String(peer.port)}`);
      else this.deliver(message, peer.address);
    });
    await this.bindOrFail(socket, (bound) => socket.bind(this.url.port, this.url.host, bound), 'socket');
    this.socket = socket;
    this.listening();
  }

  protected async close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket !== undefined) await new Promise<void>((resolve) => socket.close(() => { resolve(); }));
  }
}

class TcpListener extends Listener {
  private server: Server | undefined;
  private readonly connections = new Set<Socket>();

  address(): { host: string; port: number } | undefined {
    const address = this.server?.address();
    if (address === undefined || address === null || typeof address === 'string') return undefined;
    return { host: address.address, port: address.port };
  }

  async start(): Promise<void> {
    const server = createServer((socket) => {
      this.accept(socket);
    });
    server.maxConnections = this.options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    await this.bindOrFail(server, (bound) => server.listen(this.url.port, this.url.host, bound), 'server');
    this.server = server;
    this.listening();
  }

  protected async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.connections) socket.destroy();
    this.connections.clear();
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  }

  private accept(socket: Socket): void {
    if (!this.admits(socket.remoteAddress ?? '')) {
      // A connection from a sender not allowed counts as one message dropped, whatever it would have sent.
      socket.destroy();
      return;
    }
    const peer = `${socket.remoteAddress ?? '?'}:${String(socket.remotePort ?? 0)}`;
    this.connections.add(socket);
    const framer = new TcpFramer(
      this.maxLineBytes,
      (message) => {
        this.deliver(message, socket.remoteAddress ?? '-');
      },
      (bytes) => {
        this.reject(bytes, peer);
      },
    );
    socket.on('data', (chunk: Buffer) => {
      framer.push(chunk);
    });
    socket.on('end', () => {
      framer.end();
    });
    socket.on('error', (err) => {
      this.options.logger.debug({ path: this.name, peer, err }, 'syslog connection error');
    });
    socket.on('close', () => {
      this.connections.delete(socket);
    });
  }
}

/**
 * RFC 6587 framing, decided by the first byte of a connection: a digit means
 * octet counting (`LEN SP MSG`, what rsyslog's omfwd sends with
 * TCP_Framing="octet-counted"), anything else one message per line.
 */
export class TcpFramer {
  private readonly maxBytes: number;
  private readonly emit: (message: Buffer) => void;
  private readonly reject: (bytes: number) => void;
  private mode: 'unknown' | 'octets' | 'lines' = 'unknown';
  private lines: LineSplitter | undefined;
  private pending: Buffer = Buffer.alloc(0);
  private skip = 0;

  constructor(maxBytes: number, emit: (message: Buffer) => void, reject: (bytes: number) => void) {
    this.maxBytes = maxBytes;
    this.emit = emit;
    this.reject = reject;
  }

  push(chunk: Buffer): void {
    if (this.mode === 'unknown') {
      const first = chunk[0];
      if (first === undefined) return;
      this.mode = first >= 0x31 && first <= 0x39 ? 'octets' : 'lines';
      if (this.mode === 'lines') this.lines = new LineSplitter(this.maxBytes, this.emit, this.reject);
    }
    if (this.lines !== undefined) {
      this.lines.push(chunk);
      return;
    }
    this.pushOctets(chunk);
  }

  end(): void {
    this.lines?.flush();
  }

  private pushOctets(chunk: Buffer): void {
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    while (data.length > 0) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, data.length);
        this.skip -= n;
        data = data.subarray(n);
        continue;
      }
      // Some senders put a newline after each counted frame.
      if (data[0] === 0x0a || data[0] === 0x0d) {
        data = data.subarray(1);
        continue;
      }
      const space = data.subarray(0, 11).indexOf(0x20);
      if (space < 0) {
        if (data.length >= 11 || !/^\d*$/.test(data.toString('latin1'))) {
          // Not a frame length: the sender does not speak octet counting after all.
          this.reject(data.length);
          return;
        }
        this.pending = Buffer.from(data);
        return;
      }
      const digits = data.toString('latin1', 0, space);
      if (!/^[1-9]\d*$/.test(digits)) {
        this.reject(data.length);
        return;
      }
      const length = Number(digits);
      const body = data.subarray(space + 1);
      if (length > this.maxBytes) {
        this.reject(length);
        this.skip = length;
        data = body;
        continue;
      }
      if (body.length < length) {
        this.pending = Buffer.from(data);
        return;
      }
      this.emit(body.subarray(0, length));
      data = body.subarray(length);
    }
  }
}

/** rsyslog's escaping of control characters on receive: `#` and three octal digits (tab kept). */
function escapeControls(text: string): string {
  let out: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) {
      out ??= text.slice(0, i);
      out += `#${code.toString(8).padStart(3, '0')}`;
    } else if (out !== undefined) {
      out += text[i] ?? '';
    }
  }
  return out ?? text;
}
