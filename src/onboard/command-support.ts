import { ExitCode } from '../exit-codes.js';
import { loadInventory, SiteFileError, type Inventory } from '../inventory/index.js';
import { createLogger, type Logger } from '../log/index.js';
import { openStore, storeFlags, StoreSettingsError, type OpenedStore } from '../postgres/index.js';
import { StateStore, type SharedStore } from '../state/index.js';
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

/** The sites with the switches provisioned earlier (learned in `store`), or the site files' problems as one message. */
export async function loadKnownInventory(options: CliOptions, store: SharedStore = new StateStore(text(options, 'state', 'state'))): Promise<Inventory | string> {
  try {
    const inventory = await loadInventory(text(options, 'sites', 'baselines'), text(options, 'templates', 'templates'));
    await restoreLearned(store, inventory);
    return inventory;
  } catch (err) {
    if (err instanceof SiteFileError) return err.message;
    throw err;
  }
}

/** Every hostname a host key may be pinned for: devices, learned devices, port map entries. */
export async function loadKnownNames(options: CliOptions, store?: SharedStore): Promise<string[] | string> {
  const inventory = await loadKnownInventory(options, store);
  if (typeof inventory === 'string') return inventory;
  return [
    ...inventory.devices().map((ref) => ref.device.hostname),
    ...inventory.sites.flatMap((site) => site.portmap.map((entry) => entry.hostname)),
  ];
}

/** Whether the command names a shared store (`--store`, or ONRAMP_STORE through commander). */
export function namesStore(options: CliOptions): boolean {
  return storeFlags(options).store !== undefined;
}

/**
 * Runs a command's work on its store: the state directory `stateDir`, or
 * with `--store` the shared database, closed afterwards. Bad store flags (a
 * password in the URL, a schema newer than this onramp) exit 2; a database
 * that cannot be reached exits 3.
 */
export async function withStore(
  options: CliOptions, stateDir: string, work: (opened: OpenedStore) => Promise<number>, io: CommandIo = STD_IO, logger?: Logger,
): Promise<number> {
  let opened: OpenedStore;
  try {
    opened = await openStore(new StateStore(stateDir), storeFlags(options), logger ?? createLogger({ level: 'warn' }));
  } catch (err) {
    if (err instanceof StoreSettingsError) {
      io.err(`${err.message}\n`);
      return ExitCode.BadInput;
    }
    io.err(`cannot use the store ${storeFlags(options).store ?? ''}: ${err instanceof Error ? err.message : String(err)}\n`);
    return ExitCode.Runtime;
  }
  try {
    return await work(opened);
  } finally {
    await opened.close();
  }
}
