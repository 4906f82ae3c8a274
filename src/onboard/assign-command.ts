import { ExitCode } from '../exit-codes.js';
import { canonicalMac } from '../inventory/index.js';
import { isSafeName, type SharedStore } from '../state/index.js';
import { AssignmentBook } from './assignments.js';
import { loadKnownInventory, STD_IO, text, withStore, type CliOptions, type CommandIo } from './command-support.js';
import { SETTLED } from './job-base.js';
import { checkModel } from './model-match.js';
import { assignedEntry } from './parked-switches.js';
import { readStatus, type DeviceStatus } from './status.js';

/** A serial number as the site file and `show version` write it. */
const SERIAL = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;

function shownArgument(value: string): string {
  return JSON.stringify(value.slice(0, 80));
}

/** The parked switch a MAC or serial number names, or why there is none. */
function findParked(statuses: DeviceStatus[], target: string): DeviceStatus | string {
  const parked = statuses.filter((status) => status.result === 'parked' && status.parked !== undefined);
  const mac = canonicalMac(target);
  if (mac !== undefined) {
    return parked.find((status) => status.parked?.mac === mac) ?? `no parked switch has MAC ${mac} (onramp status lists the parked ones)`;
  }
  if (!SERIAL.test(target)) return `${shownArgument(target)} is neither a MAC address nor a serial number`;
  const bySerial = parked.filter((status) => status.parked?.serial?.toLowerCase() === target.toLowerCase());
  const [only] = bySerial;
  if (only === undefined) return `no parked switch has serial number ${target} (onramp status lists the parked ones)`;
  if (bySerial.length > 1) return `${String(bySerial.length)} parked switches report serial number ${target}; name one by its MAC`;
  return only;
}

/**
 * `onramp assign MAC|SERIAL --as NAME`: an operator says what a parked
 * switch is. NAME must be a port map entry (or a device) of the site the
 * switch was parked in, of the model the switch reported, and not already
 * a live switch or another parked switch's assignment. The assignment is
 * written to the state directory, or with `--store` to the database every
 * appliance shares; a running appliance takes it up within a second (or,
 * when none runs, at its start or the switch's next lease)
 * and provisions the switch as NAME, logging in with the site credentials
 * the parking config set, behind the host key pinned when it was parked.
 */
export async function assignCommand(target: string, options: CliOptions, io: CommandIo = STD_IO): Promise<number> {
  const name = text(options, 'as', '');
  if (!isSafeName(name)) {
    io.err(`assign: --as needs the name of a port map entry or device, got ${shownArgument(name)}\n`);
    return ExitCode.BadInput;
  }
  return withStore(options, text(options, 'state', 'state'), ({ store }) => assignOn(store, target, name, options, io), io);
}

async function assignOn(store: SharedStore, target: string, name: string, options: CliOptions, io: CommandIo): Promise<number> {
  const inventory = await loadKnownInventory(options, store);
  if (typeof inventory === 'string') {
    io.err(`${inventory}\n`);
    return ExitCode.BadInput;
  }
  const statuses = await readStatus(store);
  const parked = findParked(statuses, target);
  if (typeof parked === 'string') {
    io.err(`assign: ${parked}\n`);
    return ExitCode.BadInput;
  }
  const mac = parked.parked?.mac ?? '';
  const siteName = parked.site ?? '';
  const found = assignedEntry(inventory, { name, site: siteName });
  if (found === undefined) {
    io.err(`assign: ${name} is neither a port map entry nor a device of site ${siteName}, where ${mac} is parked\n`);
    return ExitCode.BadInput;
  }
  const { entry } = found;
  const live = statuses.find((status) => status.device.toLowerCase() === entry.hostname.toLowerCase());
  if (live !== undefined && SETTLED.includes(live.result) && live.mac !== mac) {
    io.err(`assign: ${entry.hostname} is already a live switch (${live.mac ?? '?'} at ${live.ip ?? '?'}); it is not taken over\n`);
    return ExitCode.BadInput;
  }
  const book = new AssignmentBook(store);
  const other = (await book.all()).find((assignment) => assignment.name.toLowerCase() === entry.hostname.toLowerCase() && assignment.mac !== mac);
  if (other !== undefined) {
    io.err(`assign: ${entry.hostname} is already assigned to the parked switch ${other.mac}\n`);
    return ExitCode.BadInput;
  }
  const verdict = checkModel(entry, parked.facts ?? {});
  if (verdict.kind === 'mismatch') {
    io.err(`assign: ${entry.hostname} cannot be this switch: ${verdict.reason}\n`);
    return ExitCode.BadInput;
  }
  const serial = parked.parked?.serial;
  await book.add({ mac, name: entry.hostname, site: siteName, time: new Date().toISOString(), ...(serial === undefined ? {} : { serial }) });
  io.out(`${mac} is to be ${entry.hostname}: a running onramp provisions it within seconds, or else at its start or the switch's next lease\n`);
  return ExitCode.Ok;
}
