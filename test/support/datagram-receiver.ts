import { spawn } from 'node:child_process';

/**
 * A Unix datagram receiver (Node.js cannot bind one; perl is on every Debian
 * system): binds `path`, collects each datagram, ends after `count` of them.
 */
export function datagramReceiver(path: string, count: number): { ready: Promise<void>; datagrams: Promise<string[]> } {
  const script = String.raw`
use Socket; unlink $ARGV[0];
socket(my $s, PF_UNIX, SOCK_DGRAM, 0) or die $!; bind($s, pack_sockaddr_un($ARGV[0])) or die $!;
$| = 1; print "ready\n";
for (1 .. $ARGV[1]) { recv($s, my $buf, 65536, 0); print unpack('H*', $buf), "\n"; }`;
  const child = spawn('perl', ['-e', script, path, String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    out += text;
    if (out.startsWith('ready\n')) markReady();
  });
  const datagrams = new Promise<string[]>((resolve) =>
    child.on('close', () => {
      resolve(out.split('\n').slice(1).filter(Boolean).map((hex) => Buffer.from(hex, 'hex').toString('latin1')));
    }),
  );
  return { ready, datagrams };
}
