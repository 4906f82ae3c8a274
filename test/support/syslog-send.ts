import { createSocket } from 'node:dgram';

/** One syslog datagram to 127.0.0.1:`port`, from the address `from` when given (as a switch or an attacker sends it). */
export async function sendUdp(port: number, message: string, from?: string): Promise<void> {
  const socket = createSocket('udp4');
  if (from !== undefined) await new Promise<void>((resolve) => { socket.bind(0, from, resolve); });
  return new Promise((resolve, reject) => {
    socket.send(message, port, '127.0.0.1', (err) => {
      socket.close();
      if (err === null) resolve();
      else reject(err);
    });
  });
}
