import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createConnection, type Socket } from 'node:net';
import { Events } from '../../log/events.js';
import type { Logger } from '../../log/index.js';
import { UnixDatagramRelay } from '../unix-datagram.js';
import type { ActionFamily, ActionHandler } from './handler.js';

/** The sockets actions keep open, by kind and peer, as SEC keeps them until a close action. */
export class Sockets {
  private readonly open = new Map<string, Socket | UdpSocket>();
  private readonly relays = new Map<string, UnixDatagramRelay>();

  constructor(private readonly logger: Logger) {}

  /** ustream, udpsock, tcpsock: one connection per peer; a line (a datagram for UDP) per action. */
  send(kind: 'ustream' | 'udpsock' | 'tcpsock', peer: string, text: string): void {
    const key = `${kind.replace('sock', '').replace('ustream', 'ustr')}:${peer}`;
    const payload = Buffer.from(kind === 'udpsock' ? text : `${text}\n`, 'latin1');
    if (kind === 'udpsock') {
      const [host, port] = splitPeer(peer);
      let sock = this.open.get(key) as UdpSocket | undefined;
      if (sock === undefined) {
        sock = createSocket(host.includes(':') ? 'udp6' : 'udp4');
        sock.on('error', (err) => { this.logger.debug({ peer, err: err.message }, 'udp send failed'); });
        sock.unref();
        this.open.set(key, sock);
      }
      sock.send(payload, port, host);
      return;
    }
    let sock = this.open.get(key) as Socket | undefined;
    if (sock === undefined) {
      const s = kind === 'tcpsock' ? createConnection({ host: splitPeer(peer)[0], port: splitPeer(peer)[1] }) : createConnection(peer);
      s.on('error', (err) => {
        this.logger.debug({ peer, err: err.message }, 'socket write failed');
        this.open.delete(key);
      });
      s.on('close', () => {
        this.open.delete(key);
      });
      this.open.set(key, s);
      sock = s;
    }
    sock.write(payload);
  }

  /** udgram: Node.js has no Unix datagram sockets, so a small relay sends for each path. */
  sendDatagram(path: string, text: string): void {
    let relay = this.relays.get(path);
    if (relay === undefined) {
      relay = new UnixDatagramRelay(path, (message) => {
        this.logger.warn({ event: Events.ruleError, action: 'udgram', path }, message);
      });
      this.relays.set(path, relay);
    }
    relay.send(Buffer.from(text, 'latin1'));
  }

  closeDatagram(path: string): void {
    const relay = this.relays.get(path);
    this.relays.delete(path);
    void relay?.close();
  }

  /** `key` is kind:peer, kind one of ustr, udp, tcp. */
  close(key: string): void {
    const sock = this.open.get(key);
    if (sock === undefined) return;
    this.open.delete(key);
    if ('end' in sock) sock.end();
    else sock.close();
  }

  async closeAll(): Promise<void> {
    for (const key of [...this.open.keys()]) this.close(key);
    await Promise.all([...this.relays.values()].map((relay) => relay.close()));
    this.relays.clear();
  }
}

function splitPeer(peer: string): [string, number] {
  const i = peer.lastIndexOf(':');
  return [peer.slice(0, i).replace(/^\[|\]$/g, ''), Number(peer.slice(i + 1))];
}

const sendTo = (kind: 'ustream' | 'udpsock' | 'tcpsock'): ActionHandler => (core, _a, _desc, arg) => {
  core.sockets.send(kind, arg(0), arg(1));
  return undefined;
};

const closeOf = (kind: 'ustr' | 'udp' | 'tcp'): ActionHandler => (core, _a, _desc, arg) => {
  core.sockets.close(`${kind}:${arg(0)}`);
  return undefined;
};

/** udgram, ustream, udpsock, tcpsock and their close actions. */
export const socketActions: ActionFamily<'udgram' | 'ustream' | 'udpsock' | 'tcpsock' | 'closeudgr' | 'closeustr' | 'closeudp' | 'closetcp'> = {
  udgram(core, _a, _desc, arg) {
    core.sockets.sendDatagram(arg(0), arg(1));
    return undefined;
  },
  ustream: sendTo('ustream'),
  udpsock: sendTo('udpsock'),
  tcpsock: sendTo('tcpsock'),
  closeudgr(core, _a, _desc, arg) {
    core.sockets.closeDatagram(arg(0));
    return undefined;
  },
  closeustr: closeOf('ustr'),
  closeudp: closeOf('udp'),
  closetcp: closeOf('tcp'),
};
