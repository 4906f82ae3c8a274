import { loadInventory, SiteFileError, type Inventory } from '../inventory/index.js';
import { StateStore } from '../state/index.js';
import { restoreLearned } from './learned.js';

/** The options commander hands every device command (see src/cli.ts commonOptions). */
export type CliOptions = Record<string, unknown>;

export interface CommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const STD_IO: CommandIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

export function text(options: CliOptions, key: string, fallback: string): string {
  const value = options[key];
  return typeof value === 'string' ? value : fallback;
}

/** The sites with the switches provisioned earlier, or the site files' problems as one message. */
export async function loadKnownInventory(options: CliOptions): Promise<Inventory | string> {
  try {
    const inventory = await loadInventory(text(options, 'sites', 'baselines'), text(options, 'templates', 'templates'));
    await restoreLearned(new StateStore(text(options, 'state', 'state')), inventory);
    return inventory;
  } catch (err) {
    if (err instanceof SiteFileError) return err.message;
    throw err;
  }
}

/** Every hostname a host key may be pinned for: devices, learned devices, port map entries. */
export async function loadKnownNames(options: CliOptions): Promise<string[] | string> {
  const inventory = await loadKnownInventory(options);
  if (typeof inventory === 'string') return inventory;
  return [
    ...inventory.devices().map((ref) => ref.device.hostname),
    ...inventory.sites.flatMap((site) => site.portmap.map((entry) => entry.hostname)),
  ];
}
