import { Events } from '../../log/events.js';
import type { ActionFamily, ActionHandler } from './handler.js';

/** onboard, check, provision, backup: handed to the appliance (the engine's sink), no shell involved. */
const native: ActionHandler = (core, a, desc) => {
  const args = core.argv(a, 0, desc);
  const sink = core.options.sink;
  if (sink === undefined) {
    core.logger.warn({ event: Events.ruleError, action: a.kind, args }, `native action ${a.kind} has no handler; ignored`);
    return undefined;
  }
  try {
    if (a.kind === 'onboard') sink.onboard(args[0] ?? '', args[1] ?? '', args[2] ?? '', relayIds(args[3], args[4]));
    else if (a.kind === 'check') sink.check(args[0] ?? '');
    else if (a.kind === 'provision') sink.provision(args[0] ?? '', args[1] ?? '');
    else sink.backup(args[0] ?? '', args[1]);
  } catch (err) {
    core.logger.error({ event: Events.ruleError, action: a.kind, err }, `native action ${a.kind} failed`);
  }
  return undefined;
};

export const nativeActions: ActionFamily<'onboard' | 'check' | 'provision' | 'backup'> = {
  onboard: native,
  check: native,
  provision: native,
  backup: native,
};

/** `onboard IP MAC HOST [CIRCUIT-ID [REMOTE-ID]]`: empty ids (no option 82 logged) are left out. */
function relayIds(circuitId: string | undefined, remoteId: string | undefined): { circuitId?: string; remoteId?: string } {
  const relay: { circuitId?: string; remoteId?: string } = {};
  if (circuitId !== undefined && circuitId !== '') relay.circuitId = circuitId;
  if (remoteId !== undefined && remoteId !== '') relay.remoteId = remoteId;
  return relay;
}
