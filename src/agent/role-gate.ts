import type { LeaseDetails, NativeActionSink } from '../engine/index.js';
import { roleAllows, type InputRole, type NativeActionName } from '../input/roles.js';
import { Events, Tally, type Logger } from '../log/index.js';

/**
 * Stands between the engine and the onboarder: a native action is passed on
 * only when the input whose event fired it has a role that allows it
 * (`onboard` and `provision` from lease inputs only). Refusals are logged
 * as `input.action.refused`, a few lines for any number (see Tally).
 */
export class RoleGate implements NativeActionSink {
  private readonly refused = new Tally();

  constructor(
    private readonly inner: NativeActionSink,
    /** The input of the event being matched (Engine.inputOfCurrentEvent). */
    private readonly currentInput: () => string | undefined,
    private readonly roles: ReadonlyMap<string, InputRole>,
    private readonly logger: Logger,
  ) {}

  onboard(ip: string, mac: string, hostname: string, lease?: LeaseDetails): void {
    if (this.allowed('onboard', { ip, mac, host: hostname })) this.inner.onboard(ip, mac, hostname, lease);
  }

  provision(ip: string, name: string): void {
    if (this.allowed('provision', { ip, device: name })) this.inner.provision(ip, name);
  }

  check(host: string): void {
    if (this.allowed('check', { device: host })) this.inner.check(host);
  }

  backup(host: string, line?: string): void {
    if (this.allowed('backup', { device: host })) this.inner.backup(host, line);
  }

  /** Logs what was refused since the last line about it; called once the engine is stopped. */
  close(): void {
    const count = this.refused.rest();
    if (count > 0) this.log(count, undefined, undefined, undefined, {});
  }

  private allowed(action: NativeActionName, fields: Record<string, string>): boolean {
    const input = this.currentInput();
    const role = input === undefined ? undefined : this.roles.get(input);
    if (roleAllows(role, action)) return true;
    const count = this.refused.add();
    if (count !== undefined) this.log(count, action, input, role, fields);
    return false;
  }

  private log(count: number, action: NativeActionName | undefined, input: string | undefined, role: InputRole | undefined, fields: Record<string, string>): void {
    const from = input === undefined ? 'no input (a timer or a synthetic event)' : `${input} (${role ?? 'sec'} input)`;
    this.logger.warn(
      { event: Events.inputActionRefused, action, input, role, count, ...fields },
      action === undefined
        ? `refused ${String(count)} more native action(s) from inputs that are not lease inputs`
        : `refused ${String(count)} native action(s) ${action}: only events from a lease input may ${action}, this one came from ${from}`,
    );
  }
}
