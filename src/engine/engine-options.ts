import type { HostnameResolver } from '../dhcp/index.js';
import type { Logger } from '../log/index.js';

/** What a lease line says besides its address, MAC and hostname. */
export interface LeaseDetails {
  circuitId?: string;
  remoteId?: string;
  leaseTime?: number;
}

export interface NativeActionSink {
  /**
   * Option 82 (relay agent) ids, when the DHCP server logged them, help place
   * a factory switch; `leaseTime`, the time of the lease's line (ms), tells
   * one lease from a failover peer's copy of it.
   */
  onboard(ip: string, mac: string, hostname: string, lease?: LeaseDetails): void;
  check(host: string): void;
  provision(ip: string, name: string): void;
  /** `line`: the event that fired it (`action=backup $1 $0`), which says who made the change. */
  backup(host: string, line?: string): void;
}

export interface EngineOptions {
  logger: Logger;
  sink?: NativeActionSink;
  /** Injectable clock in milliseconds; SEC's timing works in whole seconds of it. */
  now?: () => number;
  /** Where `write -` goes; default process.stdout (bytes as latin1). */
  output?: (text: string) => void;
  /** Put event values into shell command lines raw, as SEC does. */
  secShellCompat?: boolean;
  /** Generate SEC_STARTUP / SEC_SHUTDOWN / SEC_RESTART … internal events. */
  intevents?: boolean;
  /**
   * SEC's --intcontexts: while a line is matched, an internal context names
   * where it came from (_FILE_EVENT_<file>, the input's own context, or
   * _INTERNAL_EVENT for synthetic events).
   */
  intcontexts?: boolean;
  /**
   * SEC's --jointbuf: multi-line patterns see the last lines of all inputs
   * together. By default (as SEC) each input, and synthetic events, keep
   * their own lines.
   */
  jointBuffer?: boolean;
  /** SEC's --bufsize: lines kept for multi-line patterns (loadRules refuses patterns longer than that); 1 implies jointBuffer. */
  bufferSize?: number;
  /**
   * Rehearsal (`onramp rules test`): every action list that fires and every
   * action with an effect outside the engine (programs, files other than
   * stdout, sockets, log lines, native actions) is described here instead of
   * being carried out. Contexts, variables and synthetic events still work,
   * so correlation behaves as it would for real. Scripts are taken to exit 0.
   */
  rehearse?: (what: string, detail: string) => void;
  /**
   * Where `ptype=DHCP` finds the hostname of a lease whose log line has none:
   * Kea logs leases without it, and its memfile lease file has it.
   */
  dhcpHostnames?: HostnameResolver;
}

