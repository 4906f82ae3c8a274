import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Node.js has no Unix datagram sockets (dgram is UDP only), so `udgram`
 * sends through one small perl process per socket path: perl-base is
 * essential on Debian, and SEC itself runs on it. Messages reach the relay
 * length-prefixed, so any byte, newlines included, passes unchanged, and
 * the path travels as an argument, never through a shell.
 */
const RELAY = String.raw`
use strict; use Socket;
socket(my $s, PF_UNIX, SOCK_DGRAM, 0) or die "cannot create a Unix datagram socket: $!\n";
my $peer = pack_sockaddr_un($ARGV[0]);
binmode STDIN; $| = 1;
while (defined(my $len = <STDIN>)) {
  chomp $len;
  my $buf = '';
  while (length($buf) < $len) { read(STDIN, $buf, $len - length($buf), length($buf)) or last; }
  last if length($buf) < $len;
  send($s, $buf, 0, $peer) or print STDERR "cannot send to $ARGV[0]: $!\n";
}
`;

export class UnixDatagramRelay {
  private readonly child: ChildProcess;
  readonly exited: Promise<void>;

  constructor(
    readonly path: string,
    onError: (message: string) => void,
  ) {
    this.child = spawn('perl', ['-e', RELAY, path], { stdio: ['pipe', 'ignore', 'pipe'] });
    this.child.on('error', (err) => {
      onError(`udgram needs perl: ${err.message}`);
    });
    this.child.stdin?.on('error', () => {
      // The relay died; its stderr or the spawn error says why.
    });
    this.child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      for (const line of text.split('\n')) if (line !== '') onError(line);
    });
    this.exited = new Promise((resolve) => this.child.once('close', () => { resolve(); }));
  }

  send(payload: Buffer): void {
    this.child.stdin?.write(`${String(payload.length)}\n`);
    this.child.stdin?.write(payload);
  }

  /** Lets the relay send what it was given, then end. */
  close(): Promise<void> {
    this.child.stdin?.end();
    return this.exited;
  }
}
