import type { Inventory, SiteDevice, TemplateVars } from '../inventory/index.js';
import type { StateStore } from '../state/index.js';

const LEARNED_FILE = ['learned.json'];

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

/** Puts previously provisioned switches back into the inventory; entries of sites that no longer exist are skipped. */
export async function restoreLearned(state: StateStore, inventory: Inventory): Promise<LearnedDevice[]> {
  const learned = await state.readJson<Record<string, LearnedDevice>>(LEARNED_FILE, {});
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

  constructor(private readonly state: StateStore) {}

  record(entry: LearnedDevice): Promise<void> {
    // Under the file's lock: a one-shot `provision` and the daemon may each learn a switch at once.
    const next = this.writing.then(() => this.state.exclusive(LEARNED_FILE, async () => {
      const learned = await this.state.readJson<Record<string, LearnedDevice>>(LEARNED_FILE, {});
      learned[entry.hostname.toLowerCase()] = entry;
      await this.state.writeJson(LEARNED_FILE, learned);
    }));
    this.writing = next.catch(() => undefined);
    return next;
  }
}
