import { once } from 'node:events';
import { createServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import ssh2, { type AuthContext, type Connection } from 'ssh2';
import { ephemeralHostKey, fingerprintOf } from '../../src/lab/host-keys.js';

// ssh2 is CommonJS: its Server is reachable through the default export only.
const SshServer = ssh2.Server;

/** One authentication attempt as the client made it. */
export interface OfferedCredential {
  method: AuthContext['method'];
  username: string;
  /** The password, or the keyboard-interactive answers joined by newlines. */
  secret?: string;
}

export interface FakeSshServerOptions {
  /** Loopback address to listen on, e.g. 127.77.0.50. */
  address: string;
  /** Default: a free port. Give the lab's port to sit on the port a site's `ssh.port` names. */
  port?: number;
  /** OpenSSH private key text; default a fresh ed25519 key, i.e. a switch nobody has pinned. */
  hostKey?: string;
}

/**
 * An attacker's SSH server: it completes the key exchange with its own host
 * key, then records every authentication attempt (method, user, password or
 * keyboard-interactive answers) and refuses each, so a client that offers a
 * secret leaves it here for the test to find. It never opens a shell.
 */
export class FakeSshServer {
  /** TCP connections accepted, whether or not SSH got anywhere. */
  connections = 0;
  readonly offered: OfferedCredential[] = [];
  readonly fingerprint: string;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly listener: NetServer,
    readonly address: string,
    readonly port: number,
    hostKey: string,
  ) {
    this.fingerprint = fingerprintOf(hostKey);
  }

  static async start(options: FakeSshServerOptions): Promise<FakeSshServer> {
    const hostKey = options.hostKey ?? ephemeralHostKey('ed25519').privateKey;
    const ssh = new SshServer({ hostKeys: [hostKey], ident: 'OpenSSH_7.4' }, (client) => {
      server.onClient(client);
    });
    const listener = createServer((socket) => {
      server.connections++;
      server.sockets.add(socket);
      socket.on('close', () => server.sockets.delete(socket));
      socket.on('error', () => undefined);
      ssh.injectSocket(socket);
    });
    listener.listen({ host: options.address, port: options.port ?? 0, exclusive: true });
    await once(listener, 'listening');
    const port = (listener.address() as AddressInfo).port;
    const server = new FakeSshServer(listener, options.address, port, hostKey);
    return server;
  }

  /** Every secret offered, in order. */
  secrets(): string[] {
    return this.offered.flatMap((attempt) => (attempt.secret === undefined ? [] : [attempt.secret]));
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.listener.close(() => {
      resolve();
    }));
  }

  private onClient(client: Connection): void {
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      this.record(ctx);
    });
  }

  private record(ctx: AuthContext): void {
    const refuse = (): void => {
      ctx.reject(['password', 'keyboard-interactive']);
    };
    if (ctx.method === 'password') {
      this.offered.push({ method: ctx.method, username: ctx.username, secret: ctx.password });
      refuse();
    } else if (ctx.method === 'keyboard-interactive') {
      ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => {
        this.offered.push({ method: ctx.method, username: ctx.username, secret: answers.join('\n') });
        refuse();
      });
    } else {
      this.offered.push({ method: ctx.method, username: ctx.username });
      refuse();
    }
  }
}
