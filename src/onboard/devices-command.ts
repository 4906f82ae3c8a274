import { isIPv4 } from 'node:net';
import { HostKeyStore } from '../device/index.js';
import { ExitCode } from '../exit-codes.js';
import { subnetContains } from '../inventory/index.js';
import { loadKnownInventory, STD_IO, text, withStore, type CliOptions, type CommandIo } from './command-support.js';
import { VerifiedIdentities } from './verified-identities.js';

/**
 * `onramp devices move HOST --to IP`: an operator confirms that HOST now
 * leases IP. Its next lease there is let through from whichever MAC, and its
 * host key must still be the pinned one (or, with `hostKeys: tofu-on-move`,
 * may be new there).
 */
export async function devicesCommand(action: string, host: string, options: CliOptions, io: CommandIo = STD_IO): Promise<number> {
  if (action !== 'move') {
    io.err(`devices: unknown action ${JSON.stringify(action.slice(0, 40))}; expected move\n`);
    return ExitCode.BadInput;
  }
  const ip = text(options, 'to', '');
  if (!isIPv4(ip)) {
    io.err(`devices move: --to needs an IPv4 address, got ${JSON.stringify(ip.slice(0, 80))}\n`);
    return ExitCode.BadInput;
  }
  return withStore(options, text(options, 'state', 'state'), async ({ store }) => {
    const inventory = await loadKnownInventory(options, store);
    if (typeof inventory === 'string') {
      io.err(`${inventory}\n`);
      return ExitCode.BadInput;
    }
    const ref = inventory.findDevice(host);
    if (ref === undefined) {
      io.err(`devices move: ${JSON.stringify(host.slice(0, 80))} is not a device of any site\n`);
      return ExitCode.BadInput;
    }
    const { site, device } = ref;
    if (!site.subnets.some((subnet) => subnetContains(subnet, ip))) {
      io.err(`devices move: ${ip} is in none of site ${site.name}'s subnets (${site.subnets.map((subnet) => subnet.cidr).join(', ')})\n`);
      return ExitCode.BadInput;
    }
    await new VerifiedIdentities(store).moved(device.hostname, ip, Date.now());
    const pinned = site.ssh.hostKeys === 'off' ? undefined : await new HostKeyStore(store).pinned({ kind: 'device', name: device.hostname });
    const key = pinned === undefined ? 'no host key is pinned for it yet' : `its host key must still be ${pinned}`;
    io.out(`${device.hostname}: leases at ${ip} are accepted as this device from now on; ${key}\n`);
    return ExitCode.Ok;
  }, io);
}