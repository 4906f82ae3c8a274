import type { Inventory, SiteDevice, TemplateVars } from '../inventory/index.js';
import type { Book, SharedStore } from '../state/index.js';

/** A switch provisioned from the port map, remembered across restarts. */
export interface LearnedDevice {
  hostname: string;
  site: string;
  model: string;
  profile: string;
  ip: string;
  mac: string;
  vars: TemplateVars;
  provisionedAt: string;
}

/** By lower-case hostname. */
export const LEARNED_BOOK: Book<LearnedDevice> = { name: 'learned', file: 'learned.json' };

/** Puts previously provisioned switches back into the inventory; entries of sites that no longer exist are skipped. */
export async function restoreLearned(store: SharedStore, inventory: Inventory): Promise<LearnedDevice[]> {
  const learned = await store.all(LEARNED_BOOK);
  const restored: LearnedDevice[] = [];
  for (const entry of Object.values(learned)) {
    const site = inventory.site(entry.site);
    if (site === undefined) continue;
    inventory.addLearnedDevice(site, learnedToDevice(entry, site.file));
    restored.push(entry);
  }
  return restored;
}

export function learnedToDevice(entry: LearnedDevice, file: string): SiteDevice {
  return { hostname: entry.hostname, model: entry.model, profile: entry.profile, ip: entry.ip, intended: 'template', vars: entry.vars, source: { file } };
}

export class LearnedBook {
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly store: SharedStore) {}

  record(entry: LearnedDevice): Promise<void> {
    // Under the store's lock: a one-shot `provision` and the daemon may each learn a switch at once.
    const next = this.writing.then(() => this.store.edit(LEARNED_BOOK, (book) => {
      book.set(entry.hostname.toLowerCase(), entry);
    }));
    this.writing = next.catch(() => undefined);
    return next;
  }
}
