/** `interrupted`: a push stopped between two lines because its caller said so (onramp is stopping). */
export type DeviceErrorKind = 'unreachable' | 'auth' | 'timeout' | 'hostkey-changed' | 'rejected' | 'closed' | 'protocol' | 'interrupted';

/** What a refused host key was, and how an operator accepts it if the switch was replaced. */
export interface RefusedHostKey {
  seen: string;
  pinned: string;
  acceptCommand: string;
}

export interface DeviceErrorDetails {
  command?: string;
  deviceMessage?: string;
  /** For a rejected config line (or a push interrupted): how many lines before it the device accepted. */
  applied?: number;
  hostKey?: RefusedHostKey;
  cause?: unknown;
}

/** Every failure the device layer reports; `kind` decides retries and the caller's event. */
export class DeviceError extends Error {
  readonly kind: DeviceErrorKind;
  readonly command?: string;
  readonly deviceMessage?: string;
  readonly applied?: number;
  readonly hostKey?: RefusedHostKey;

  constructor(kind: DeviceErrorKind, message: string, details: DeviceErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'DeviceError';
    this.kind = kind;
    if (details.command !== undefined) this.command = details.command;
    if (details.deviceMessage !== undefined) this.deviceMessage = details.deviceMessage;
    if (details.applied !== undefined) this.applied = details.applied;
    if (details.hostKey !== undefined) this.hostKey = details.hostKey;
  }
}

export function isDeviceError(err: unknown, kind?: DeviceErrorKind): err is DeviceError {
  return err instanceof DeviceError && (kind === undefined || err.kind === kind);
}
