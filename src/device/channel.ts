import { StringDecoder } from 'node:string_decoder';
import type { ClientChannel } from 'ssh2';
import type { Channel } from './shell.js';

/** The SSH shell channel as the byte pipe CliShell talks to; a UTF-8 sequence split across packets is kept whole. */
export function sshChannel(stream: ClientChannel): Channel {
  const decoder = new StringDecoder('utf8');
  return {
    write(data) {
      stream.write(data);
    },
    onData(listener) {
      stream.on('data', (chunk: Buffer) => {
        listener(decoder.write(chunk));
      });
      // Some CLIs write error text to the extended-data channel of a PTY session.
      stream.stderr.on('data', (chunk: Buffer) => {
        listener(chunk.toString('utf8'));
      });
    },
    onClose(listener) {
      stream.on('close', () => {
        listener();
      });
      stream.on('error', (err: Error) => {
        listener(err);
      });
    },
    close() {
      stream.end();
    },
  };
}
