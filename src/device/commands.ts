import { stateDirOf } from '../agent/state-dir.js';
import { ExitCode } from '../exit-codes.js';
import { StateStore } from '../state/index.js';
import { HostKeyStore } from './hostkeys.js';

export interface CommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const STD_IO: CommandIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/**
 * `onramp hostkeys list | accept HOST[:PORT] | forget HOST[:PORT]`. Accepting
 * a changed key forgets the pin, so the next connection pins the key the
 * switch presents now; without a port, every port of the host is forgotten.
 */
export async function hostkeysCommand(action: string, host: string | undefined, options: Record<string, unknown>, io: CommandIo = STD_IO): Promise<number> {
  const state = await stateDirOf(options);
  if ('error' in state) {
    io.err(`hostkeys: ${state.error}\n`);
    return ExitCode.BadInput;
  }
  const store = new HostKeyStore(new StateStore(state.dir));
  if (action === 'list') {
    const pins = await store.list();
    for (const pin of pins.sort((a, b) => a.host.localeCompare(b.host) || a.port - b.port)) {
      io.out(`${pin.host}:${pin.port}  ${pin.fingerprint}  pinned ${pin.pinnedAt}\n`);
    }
    if (pins.length === 0) io.out('no pinned host keys\n');
    return ExitCode.Ok;
  }
  if (action !== 'accept' && action !== 'forget') {
    io.err(`hostkeys: unknown action ${JSON.stringify(action)}; expected list, accept or forget\n`);
    return ExitCode.BadInput;
  }
  const target = parseHostPort(host);
  if (typeof target === 'string') {
    io.err(`hostkeys ${action}: ${target}\n`);
    return ExitCode.BadInput;
  }
  const removed = await store.accept(target.host, target.port);
  const where = target.port === undefined ? target.host : `${target.host}:${target.port}`;
  if (removed === 0) {
    io.err(`hostkeys ${action}: no pinned key for ${where}\n`);
    return ExitCode.BadInput;
  }
  io.out(`forgot ${removed} pinned key(s) for ${where}; the next connection pins the key it presents\n`);
  return ExitCode.Ok;
}

/** `host` or `host:port`; the host is an IPv4 address or a DNS name, nothing that could be a path or an option. */
function parseHostPort(value: string | undefined): { host: string; port?: number } | string {
  if (value === undefined || value === '') return 'expected HOST or HOST:PORT';
  const m = /^([A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}))(?::(\d{1,5}))?$/.exec(value);
  if (!m?.[1]) return `expected HOST or HOST:PORT, got ${JSON.stringify(value.slice(0, 80))}`;
  if (m[2] === undefined) return { host: m[1] };
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return `port out of range in ${JSON.stringify(value)}`;
  return { host: m[1], port };
}
