import { createServer, type Server as NetServer, type Socket } from 'node:net';
import ssh2, {
  type Algorithms,
  type AuthContext,
  type Connection,
  type ServerChannel,
  type Session,
} from 'ssh2';
import type { Logger } from '../log/index.js';
import { CliSession, type CliIo, type CliSwitch } from './cli.js';
import { loginAccepted, renderBody, RunningConfig, usernameLines, type FactoryAccount } from './model/index.js';
import { LabFlash, readLabImage } from './firmware.js';
import { ephemeralHostKey, persistentHostKey, type HostKey, type HostKeyType } from './host-keys.js';
import { canonicalMac, serialFor, type PersonalityDef, type SwitchFacts } from './personality.js';
import { macTableOf, neighboursOf, type TopologyNode } from './topology.js';
import type { LabFault, LabSwitch, LabSwitchSpec } from './types.js';

// ssh2 is CommonJS: its Server is reachable through the default export only.
const SshServer = ssh2.Server;
type SshServer = InstanceType<typeof ssh2.Server>;

/** What a switch needs from the lab around it. */
export interface SwitchContext {
  keyDir: string;
  logger: Logger;
  slowMs: number;
  /** How long a reload keeps a switch down, ms, unless its spec says otherwise. */
  reloadMs: number;
  nodes(): TopologyNode[];
  /** Told each time a switch has booted again after a reload. */
  onBoot?: (sw: LabSwitch) => void;
}

const IDENT: Record<PersonalityDef['name'], string> = {
  'fs-s5850': 'OpenSSH_7.4',
  'fs-s3900': 'OpenSSH_5.9',
  'fs-s3900-r': 'OpenSSH_6.6.1',
  'cisco-ios': 'Cisco-1.25',
};

const PRE_AUTH_BANNER =
  'WARNING: Unauthorised access to this system is forbidden and will be prosecuted by law.\r\n' +
  'By accessing this system, you agree that your actions may be monitored.\r\n';

/** The only algorithms offered with the `legacy-algorithms` fault, as on old switch firmware. */
const LEGACY_ALGORITHMS: Algorithms = {
  kex: ['diffie-hellman-group14-sha1', 'diffie-hellman-group1-sha1'],
  serverHostKey: ['ssh-rsa'],
  cipher: ['aes128-cbc'],
  hmac: ['hmac-sha1'],
  compress: ['none'],
};

function acknowledge(accept: (() => void) | undefined): void {
  if (accept) accept();
}

/** One emulated switch: its state, its CLI and its own SSH listener. */
export class EmulatedSwitch implements LabSwitch, CliSwitch, TopologyNode {
  model: RunningConfig;
  readonly flash = new LabFlash();
  readonly mac: string;
  /** Its spec's login and the `username` lines it was built with: the login works until a pushed config changes them. */
  private readonly account: FactoryAccount;
  readonly enableSecret: string | undefined;
  readonly slowMs: number;
  port = 0;
  private faultSet: Set<LabFault>;
  private startup = '';
  private saveCount = 0;
  private commands: string[] = [];
  private lastChange = new Date();
  private savedAt: Date | undefined;
  private bootTime = Date.now() - 3 * 86400_000 - 4 * 3600_000;
  private osVersion: string;
  private bootedFile: string | undefined;
  private unsaved = false;
  private rebooting = false;
  private reloadCount = 0;
  private bootTimer: NodeJS.Timeout | undefined;
  private readonly keys = new Map<string, HostKey>();
  private readonly sshServers = new Map<string, SshServer>();
  private readonly sockets = new Set<Socket>();
  private readonly sessions = new Set<CliSession>();
  private listener: NetServer | undefined;
  private listening: Promise<void> = Promise.resolve();
  private stopped = false;
  private loggedIn = 0;
  private mostLoggedIn = 0;
  private loginCount = 0;

  constructor(
    readonly spec: LabSwitchSpec,
    readonly address: string,
    readonly personality: PersonalityDef,
    private readonly context: SwitchContext,
  ) {
    this.mac = canonicalMac(spec.mac);
    this.enableSecret = spec.enableSecret;
    this.slowMs = context.slowMs;
    this.faultSet = new Set(spec.faults ?? []);
    const body =
      spec.runningConfig === undefined
        ? personality.factoryBody(spec.hostname, spec.username, spec.password)
        : personality.stripFrame(spec.runningConfig.split(/\r?\n/));
    this.model = RunningConfig.parse(body);
    this.account = { username: spec.username, password: spec.password, lines: usernameLines(this.model.nodes) };
    this.osVersion = spec.version ?? personality.upgrade.defaultVersion;
    this.hostKey('ed25519');
    if (this.faultSet.has('legacy-algorithms')) this.hostKey('rsa');
  }

  // ---- LabSwitch ----

  hostname(): string {
    return this.model.hostname() ?? 'Switch';
  }

  runningConfig(): string {
    return `${this.runningLines().join('\n')}\n`;
  }

  startupConfig(): string {
    return this.startup;
  }

  saves(): number {
    return this.saveCount;
  }

  commandLog(): string[] {
    return [...this.commands];
  }

  faults(): LabFault[] {
    return [...this.faultSet];
  }

  setFaults(faults: LabFault[]): void {
    this.faultSet = new Set(faults);
    if (this.faultSet.has('legacy-algorithms')) this.hostKey('rsa');
    this.listening = this.listening
      .catch(() => undefined)
      .then(() => this.applyListening())
      .catch((error: unknown) => {
        this.context.logger.warn({ err: error, switch: this.spec.hostname }, 'lab switch could not change its listener');
      });
  }

  /** Resolves once the listener matches the faults (`refuse` closes it, its removal reopens it). */
  settled(): Promise<void> {
    return this.listening;
  }

  hostKeyFingerprint(): string {
    return this.hostKey('ed25519').fingerprint;
  }

  sessionsOpen(): number {
    return this.loggedIn;
  }

  mostSessionsAtOnce(): number {
    return this.mostLoggedIn;
  }

  logins(): number {
    return this.loginCount;
  }

  version(): string {
    return this.osVersion;
  }

  flashFiles(): string[] {
    return this.flash.names();
  }

  bootFile(): string | undefined {
    return this.flash.bootFile();
  }

  reloads(): number {
    return this.reloadCount;
  }

  isUp(): boolean {
    return !this.rebooting;
  }

  // ---- CliSwitch ----

  hasFault(fault: LabFault): boolean {
    return this.faultSet.has(fault);
  }

  rejects(line: string): boolean {
    return this.faultSet.has('reject-config') && new RegExp(this.spec.rejectPattern ?? 'snmp-server').test(line);
  }

  facts(): SwitchFacts {
    const nodes = this.context.nodes();
    return {
      hostname: this.hostname(),
      version: this.osVersion,
      ...(this.bootedFile === undefined ? {} : { bootedFile: this.bootedFile }),
      mac: this.mac,
      serial: serialFor(this.mac, 'CG0000N'),
      uptimeSeconds: Math.floor((Date.now() - this.bootTime) / 1000),
      now: new Date(),
      neighbours: neighboursOf(this, nodes),
      macTable: macTableOf(this, nodes),
    };
  }

  runningLines(): string[] {
    return this.personality.render(renderBody(this.model.nodes, this.personality), {
      hostname: this.hostname(),
      mac: this.mac,
      username: this.spec.username,
      lastChange: this.lastChange,
      now: new Date(),
      ...(this.savedAt ? { savedAt: this.savedAt } : {}),
    });
  }

  startupLines(): string[] {
    return this.startup === '' ? [] : this.startup.replace(/\n$/, '').split('\n');
  }

  save(): void {
    this.savedAt = new Date();
    this.startup = this.runningConfig();
    this.saveCount++;
    this.unsaved = false;
  }

  configChanged(): void {
    this.lastChange = new Date();
    this.unsaved = true;
  }

  hasUnsavedChanges(): boolean {
    return this.unsaved;
  }

  /**
   * `reload` went ahead: every session ends and the listener closes as the
   * OS goes down; after the reload time the switch boots the selected image
   * (a sound one for this family; otherwise the one it ran), with its saved
   * config or, never saved, its factory one, and listens again. With the
   * `stuck-in-boot` fault it never comes back.
   */
  reload(): void {
    if (this.rebooting) return;
    this.rebooting = true;
    this.reloadCount++;
    this.context.logger.debug({ switch: this.spec.hostname }, 'lab switch reloading');
    // After the reloading session has written its last words.
    setImmediate(() => {
      for (const session of this.sessions) session.endInput();
      for (const socket of this.sockets) socket.destroy();
      this.sockets.clear();
      this.listening = this.listening.catch(() => undefined).then(() => this.applyListening());
      if (this.faultSet.has('stuck-in-boot') || this.stopped) return;
      this.bootTimer = setTimeout(() => {
        this.bootTimer = undefined;
        this.boot();
      }, this.spec.reloadMs ?? this.context.reloadMs);
    });
  }

  private boot(): void {
    const file = this.flash.bootFile();
    const image = file === undefined ? undefined : this.flash.get(file);
    const info = image === undefined ? undefined : readLabImage(image);
    if (info !== undefined && 'version' in info && info.personality === this.personality.name) {
      this.osVersion = info.version;
      this.bootedFile = file;
    }
    const startup = this.startupLines();
    const body = startup.length === 0
      ? this.personality.factoryBody(this.spec.hostname, this.spec.username, this.spec.password)
      : this.personality.stripFrame(startup);
    this.model = RunningConfig.parse(body);
    this.bootTime = Date.now();
    this.lastChange = new Date();
    this.unsaved = false;
    this.rebooting = false;
    this.listening = this.listening
      .catch(() => undefined)
      .then(() => this.applyListening())
      .then(() => {
        this.context.logger.debug({ switch: this.spec.hostname, version: this.osVersion }, 'lab switch booted');
        this.context.onBoot?.(this);
      })
      .catch((error: unknown) => {
        this.context.logger.warn({ err: error, switch: this.spec.hostname }, 'lab switch could not listen after its reload');
      });
  }

  log(line: string): void {
    this.commands.push(line);
  }

  // ---- SSH ----

  /** Listens on `address:port` unless the `refuse` fault is set. */
  async start(port: number): Promise<void> {
    this.port = port;
    this.stopped = false;
    this.listening = this.applyListening();
    await this.listening;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.bootTimer !== undefined) clearTimeout(this.bootTimer);
    await this.listening.catch(() => undefined);
    await this.closeListener();
    for (const session of this.sessions) session.endInput();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private async applyListening(): Promise<void> {
    const wanted = !this.stopped && !this.rebooting && !this.faultSet.has('refuse');
    if (wanted && this.listener === undefined) {
      const listener = createServer((socket) => {
        this.accept(socket);
      });
      await new Promise<void>((resolve, reject) => {
        listener.once('error', reject);
        listener.listen({ host: this.address, port: this.port, exclusive: true }, () => {
          listener.off('error', reject);
          resolve();
        });
      });
      listener.on('error', (error) => {
        this.context.logger.warn({ err: error, switch: this.spec.hostname }, 'lab listener error');
      });
      this.listener = listener;
    } else if (!wanted && this.listener !== undefined) {
      await this.closeListener();
    }
  }

  private async closeListener(): Promise<void> {
    const listener = this.listener;
    if (listener === undefined) return;
    this.listener = undefined;
    await new Promise<void>((resolve) => listener.close(() => {
      resolve();
    }));
  }

  private hostKey(type: HostKeyType, changed = false): HostKey {
    const id = `${type}${changed ? '-changed' : ''}`;
    let key = this.keys.get(id);
    if (key === undefined) {
      key = changed ? ephemeralHostKey(type) : persistentHostKey(this.context.keyDir, this.spec.hostname, type);
      this.keys.set(id, key);
    }
    return key;
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    // A CLI answers in small writes; Nagle's algorithm would hold each one back for the client's delayed ACK.
    socket.setNoDelay(true);
    this.sshServer().injectSocket(socket);
  }

  /** One ssh2 server per combination of host key, algorithms and banner; the faults pick one per connection. */
  private sshServer(): SshServer {
    const legacy = this.faultSet.has('legacy-algorithms');
    const changed = this.faultSet.has('hostkey-changed');
    const banner = this.faultSet.has('banner');
    const id = `${String(legacy)}/${String(changed)}/${String(banner)}`;
    let server = this.sshServers.get(id);
    if (server === undefined) {
      const key = this.hostKey(legacy ? 'rsa' : 'ed25519', changed);
      server = new SshServer(
        {
          hostKeys: [key.privateKey],
          ident: IDENT[this.personality.name],
          ...(legacy ? { algorithms: LEGACY_ALGORITHMS } : {}),
          ...(banner ? { banner: PRE_AUTH_BANNER } : {}),
        },
        (client, info) => {
          this.onClient(client, info.ip, info.port);
        },
      );
      this.sshServers.set(id, server);
    }
    return server;
  }

  private onClient(client: Connection, ip: string, port: number): void {
    const logger = this.context.logger;
    logger.debug({ switch: this.spec.hostname, ip, port }, 'lab ssh connection');
    client.on('error', (error) => {
      logger.debug({ err: error, switch: this.spec.hostname }, 'lab ssh client error');
    });
    client.on('authentication', (ctx) => {
      this.authenticate(ctx);
    });
    client.on('ready', () => {
      this.loggedIn++;
      this.loginCount++;
      this.mostLoggedIn = Math.max(this.mostLoggedIn, this.loggedIn);
      client.once('close', () => {
        this.loggedIn--;
      });
      client.on('session', (accept) => {
        this.onSession(accept(), client, () => this.socketOf(ip, port));
      });
    });
  }

  /** Logins are checked against the running config's `username` lines, so a pushed password takes over from the factory one. */
  private authenticate(ctx: AuthContext): void {
    const methods: ('password' | 'keyboard-interactive')[] = ['password', 'keyboard-interactive'];
    const valid = (password: string | undefined): boolean =>
      !this.faultSet.has('wrong-password') && password !== undefined && loginAccepted(this.model.nodes, this.account, ctx.username, password);
    if (ctx.method === 'password') {
      if (valid(ctx.password)) ctx.accept();
      else ctx.reject(methods);
    } else if (ctx.method === 'keyboard-interactive') {
      ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => {
        if (valid(answers[0])) ctx.accept();
        else ctx.reject(methods);
      });
    } else {
      ctx.reject(methods);
    }
  }

  private socketOf(ip: string, port: number): Socket | undefined {
    return [...this.sockets].find((s) => s.remotePort === port && s.remoteAddress === ip);
  }

  private onSession(session: Session, client: Connection, socket: () => Socket | undefined): void {
    let rows = 24;
    let cli: CliSession | undefined;
    session.on('pty', (accept, _reject, info) => {
      if (info.rows > 0) rows = info.rows;
      acknowledge(accept);
    });
    session.on('window-change', (accept, _reject, info) => {
      cli?.setRows(info.rows);
      acknowledge(accept);
    });
    session.on('env', (accept) => {
      acknowledge(accept);
    });
    session.on('shell', (accept) => {
      const channel = accept();
      const shell = new CliSession(this, this.io(channel, client, socket), { interactive: true, rows });
      cli = shell;
      this.attach(shell, channel);
      shell
        .run()
        .catch((error: unknown) => {
          this.context.logger.warn({ err: error, switch: this.spec.hostname }, 'lab shell failed');
        })
        .finally(() => {
          this.sessions.delete(shell);
          if (channel.writable) channel.end();
        });
    });
    session.on('exec', (accept, _reject, info) => {
      const channel = accept();
      const exec = new CliSession(this, this.io(channel, client, socket), { interactive: false, rows });
      this.attach(exec, channel);
      exec
        .runCommands(info.command)
        .catch((error: unknown) => {
          this.context.logger.warn({ err: error, switch: this.spec.hostname }, 'lab exec failed');
        })
        .finally(() => {
          this.sessions.delete(exec);
          if (channel.writable) {
            channel.exit(0);
            channel.end();
          }
        });
    });
  }

  private attach(cli: CliSession, channel: ServerChannel): void {
    this.sessions.add(cli);
    channel.on('data', (data: Buffer) => {
      cli.feed(data.toString('latin1'));
    });
    channel.on('end', () => {
      cli.endInput();
    });
    channel.on('close', () => {
      cli.endInput();
    });
  }

  private io(channel: ServerChannel, client: Connection, socket: () => Socket | undefined): CliIo {
    return {
      write: (text) => {
        if (channel.writable) channel.write(text);
      },
      drop: () => {
        socket()?.destroy();
      },
      close: () => {
        if (channel.writable) {
          channel.exit(0);
          channel.end();
        }
        client.end();
      },
    };
  }
}
