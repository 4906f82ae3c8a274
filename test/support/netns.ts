import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { hasCommand, isRoot } from './system.js';
import { alive } from '../../src/agent/pid-file.js';

/*
 * A two-namespace network for real DHCP: a server namespace and a client
 * namespace joined by one veth pair. Addresses live only inside these
 * namespaces, so the host's routing never sees them; deleting the namespaces
 * deletes the veth pair with them.
 */

export type DhcpServerKind = 'isc' | 'dnsmasq' | 'kea';

export const DHCP_SERVER_BINARIES: Record<DhcpServerKind, string> = {
  isc: 'dhcpd',
  dnsmasq: 'dnsmasq',
  kea: 'kea-dhcp4',
};

/** Why namespaces cannot be built here, or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (!isRoot) return 'needs root to create network namespaces';
  if (!hasCommand('ip')) return 'needs `ip` from iproute2';
  // Root in a container without CAP_SYS_ADMIN can list namespaces but not create them.
  const probe = `onr-${process.pid}-probe`;
  const added = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (added.status !== 0) return `cannot create a network namespace: ${added.stderr.trim()}`;
  spawnSync('ip', ['netns', 'del', probe], { stdio: 'ignore' });
  if (!hasCommand('dhclient')) return 'needs dhclient from isc-dhcp-client';
  return undefined;
}

/** Runs `ip ARGS…` to completion; throws with its stderr when it fails. */
export function ip(...args: string[]): void {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ip ${args.join(' ')}: exit ${String(result.status)}: ${result.stderr.trim()}`);
}

/** Polls a condition every 50 ms; fails after `timeoutMs` naming what it waited for. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A process started inside a namespace, with its output kept for assertions and failure messages. */
export class NsProcess {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  constructor(readonly name: string, namespace: string, argv: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
    // `ip netns exec` execs the command after entering the namespace: the child's pid is the command's.
    this.child = spawn('ip', ['netns', 'exec', namespace, ...argv], {
      cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'],
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (stream !== null) createInterface({ input: stream }).on('line', (line) => this.lines.push(line));
    }
    this.exited = new Promise((resolve) => {
      // 'close' comes after the output streams end, so every line is in `lines` by then.
      this.child.once('close', (code) => {
        this.exitCode = code;
        resolve(code);
      });
      this.child.once('error', () => {
        this.exitCode = null;
        resolve(null);
      });
    });
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  output(): string {
    return this.lines.join('\n');
  }

  /** Waits for a line matching `pattern`; fails early when the process exits first. */
  async waitForLine(pattern: RegExp, timeoutMs: number): Promise<string> {
    let found: string | undefined;
    await waitFor(() => {
      found = this.lines.find((line) => pattern.test(line));
      if (found === undefined && !this.running) throw new Error(`${this.name} exited (${String(this.exitCode)}) before printing ${String(pattern)}:\n${this.output()}`);
      return found !== undefined;
    }, timeoutMs, `${this.name} to print ${String(pattern)}; output so far:\n${this.output()}`);
    return found ?? '';
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 3000): Promise<void> {
    if (!this.running) return;
    this.child.stdin?.end();
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

export interface VethLab {
  serverNs: string;
  clientNs: string;
  serverIf: string;
  clientIf: string;
  /** Gives the server end `10.199.<net>.1/24` and clears the client end, for the next DHCP server. */
  useSubnet(net: number): { subnet: string; serverAddress: string; rangeStart: string; rangeEnd: string };
  /** Adds a leased address to the client end (dhclient runs with a no-op script and configures nothing). */
  assignClientAddress(address: string): void;
  /** Kills what still runs in the namespaces (all of it started by this lab) and deletes them. */
  destroy(): void;
}

/**
 * Namespaces `<prefix>-srv` and `<prefix>-cli` joined by veth `<prefix>-s`
 * (server end) and `<prefix>-c` (client end, with `clientMac`). A failure half
 * way leaves nothing behind: destroy() is safe on a partly built lab.
 */
export function createVethLab(prefix: string, clientMac: string): VethLab {
  const serverNs = `${prefix}-srv`;
  const clientNs = `${prefix}-cli`;
  const serverIf = `${prefix}-s`;
  const clientIf = `${prefix}-c`;
  if (serverIf.length > 15) throw new Error(`interface name ${serverIf} is longer than 15 characters`);
  const lab: VethLab = {
    serverNs, clientNs, serverIf, clientIf,
    useSubnet(net) {
      const base = `10.199.${net}`;
      ip('-n', serverNs, 'addr', 'flush', 'dev', serverIf);
      ip('-n', clientNs, 'addr', 'flush', 'dev', clientIf);
      ip('-n', serverNs, 'addr', 'add', `${base}.1/24`, 'dev', serverIf);
      return { subnet: `${base}.0/24`, serverAddress: `${base}.1`, rangeStart: `${base}.100`, rangeEnd: `${base}.150` };
    },
    assignClientAddress(address) {
      ip('-n', clientNs, 'addr', 'add', `${address}/24`, 'dev', clientIf);
    },
    destroy() {
      for (const ns of [serverNs, clientNs]) {
        killAllIn(ns);
        spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
      }
    },
  };
  try {
    ip('netns', 'add', serverNs);
    ip('netns', 'add', clientNs);
    ip('link', 'add', serverIf, 'type', 'veth', 'peer', 'name', clientIf);
    ip('link', 'set', serverIf, 'netns', serverNs);
    ip('link', 'set', clientIf, 'netns', clientNs);
    ip('-n', clientNs, 'link', 'set', clientIf, 'address', clientMac);
    for (const [ns, dev] of [[serverNs, serverIf], [clientNs, clientIf], [serverNs, 'lo'], [clientNs, 'lo']] as const) {
      ip('-n', ns, 'link', 'set', dev, 'up');
    }
  } catch (err) {
    // The veth end still in the root namespace goes with its peer.
    spawnSync('ip', ['link', 'del', serverIf], { stdio: 'ignore' });
    lab.destroy();
    throw err;
  }
  return lab;
}

/**
 * Deletes labs left by a run of this test that died before its cleanup
 * (`onr-<pid>-srv|cli` whose pid is gone), with what still runs in them.
 */
export function removeStaleLabs(): string[] {
  const listed = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
  const stale = new Set<string>();
  for (const match of listed.matchAll(/^(onr-(\d+))-(?:srv|cli)\b/gm)) {
    const [, prefix = '', pid = ''] = match;
    if (!alive(Number(pid))) stale.add(prefix);
  }
  for (const prefix of stale) {
    for (const ns of [`${prefix}-srv`, `${prefix}-cli`]) {
      killAllIn(ns);
      spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    }
  }
  return [...stale];
}


function killAllIn(ns: string): void {
  const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' });
  for (const pid of pids.stdout.split('\n').filter((line) => /^\d+$/.test(line))) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

export interface DhcpServerRun {
  kind: DhcpServerKind;
  daemon: NsProcess;
  /** The server's own log, as it wrote it. */
  logPath: string;
  /** Kea's memfile lease CSV (where its hostnames are). */
  leasePath?: string;
}

/** Starts one real DHCP server in the foreground inside `lab.serverNs`, logging to a file in `dir`. */
export async function startDhcpServer(
  kind: DhcpServerKind,
  lab: VethLab,
  net: ReturnType<VethLab['useSubnet']>,
  dir: string,
): Promise<DhcpServerRun> {
  const logPath = join(dir, `${kind}.log`);
  switch (kind) {
    case 'isc': {
      const conf = join(dir, 'dhcpd.conf');
      const leases = join(dir, 'dhcpd.leases');
      const [base] = net.subnet.split('/');
      await writeFile(conf, [
        'authoritative;',
        'default-lease-time 600;',
        'max-lease-time 600;',
        `subnet ${base ?? ''} netmask 255.255.255.0 { range ${net.rangeStart} ${net.rangeEnd}; }`,
        '',
      ].join('\n'));
      await writeFile(leases, '');
      // In the foreground (-d) dhcpd logs to stderr with no syslog header: the
      // header-less format the parser supports. The shell only redirects; every
      // argument is a fixed path passed positionally.
      const server = new NsProcess('dhcpd', lab.serverNs, [
        'sh', '-c', 'exec dhcpd -4 -d -cf "$1" -lf "$2" -pf "$3" "$4" 2>>"$5"', 'sh',
        conf, leases, join(dir, 'dhcpd.pid'), lab.serverIf, logPath,
      ]);
      await waitFor(async () => (await readText(logPath)).includes('Server starting service.') || !server.running, 10_000, 'dhcpd to start');
      if (!server.running) throw new Error(`dhcpd exited:\n${await readText(logPath)}`);
      return { kind, daemon: server, logPath };
    }
    case 'dnsmasq': {
      const server = new NsProcess('dnsmasq', lab.serverNs, [
        'dnsmasq', '--keep-in-foreground', '--port=0', '--conf-file=/dev/null', '--no-resolv', '--no-hosts',
        `--interface=${lab.serverIf}`, '--bind-interfaces', '--dhcp-authoritative',
        `--dhcp-range=${net.rangeStart},${net.rangeEnd},255.255.255.0,10m`,
        `--dhcp-leasefile=${join(dir, 'dnsmasq.leases')}`, `--pid-file=${join(dir, 'dnsmasq.pid')}`,
        '--log-dhcp', `--log-facility=${logPath}`,
      ]);
      await waitFor(async () => (await readText(logPath)).includes('DHCP, sockets bound') || !server.running, 10_000, 'dnsmasq to start');
      if (!server.running) throw new Error(`dnsmasq exited:\n${server.output()}`);
      return { kind, daemon: server, logPath };
    }
    case 'kea': {
      const conf = join(dir, 'kea-dhcp4.json');
      const leasePath = join(dir, 'kea-leases4.csv');
      await writeFile(conf, JSON.stringify({
        Dhcp4: {
          'interfaces-config': { interfaces: [lab.serverIf], 'dhcp-socket-type': 'raw' },
          'lease-database': { type: 'memfile', persist: true, name: leasePath, 'lfc-interval': 0 },
          'valid-lifetime': 600,
          subnet4: [{ id: 1, subnet: net.subnet, pools: [{ pool: `${net.rangeStart} - ${net.rangeEnd}` }] }],
          loggers: [{ name: 'kea-dhcp4', output_options: [{ output: logPath }], severity: 'INFO' }],
        },
      }, null, 2));
      // Kea's pid and logger lock files would otherwise go to /run/kea.
      const env = { ...process.env, KEA_PIDFILE_DIR: dir, KEA_LOCKFILE_DIR: dir };
      const kea = new NsProcess('kea-dhcp4', lab.serverNs, ['kea-dhcp4', '-c', conf], { cwd: dir, env });
      await waitFor(async () => (await readText(logPath)).includes('DHCP4_STARTED') || !kea.running, 10_000, 'kea-dhcp4 to start');
      if (!kea.running) throw new Error(`kea-dhcp4 exited:\n${kea.output()}\n${await readText(logPath)}`);
      return { kind, daemon: kea, logPath, leasePath };
    }
  }
}

/**
 * Runs `dhclient -1` in the client namespace, sending `hostname` when given,
 * waits until it is bound and returns the leased address. A lease file left
 * by an earlier run makes it ask for that address again (INIT-REBOOT), as a
 * rebooted switch does. dhclient stays in the foreground (-d) so the caller
 * owns it; its script is /bin/true, so it changes nothing outside its own
 * lease and pid files.
 */
export async function leaseAddress(lab: VethLab, hostname: string | undefined, dir: string): Promise<{ address: string; dhclient: NsProcess }> {
  const conf = join(dir, 'dhclient.conf');
  await writeFile(conf, `${hostname === undefined ? '' : `send host-name "${hostname}";\n`}request subnet-mask;\n`);
  const dhclient = new NsProcess('dhclient', lab.clientNs, [
    'dhclient', '-4', '-1', '-v', '-d', '-cf', conf, '-sf', '/bin/true', '-lf', join(dir, 'dhclient.leases'), '-pf', join(dir, 'dhclient.pid'),
    lab.clientIf,
  ]);
  const bound = await dhclient.waitForLine(/^bound to \d+\.\d+\.\d+\.\d+ /, 60_000);
  return { address: bound.split(' ')[2] ?? '', dhclient };
}

export async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return '';
  }
}
