import type { Inventory, PortmapEntry, Site, SiteDevice } from '../inventory/index.js';
import { Events, type Logger } from '../log/index.js';
import type { SharedStore } from '../state/index.js';
import { AssignmentBook, type Assignment } from './assignments.js';
import type { FactoryWork } from './factory-work.js';
import { factoryKey, type Outcome } from './job-base.js';
import type { StatusBook } from './status.js';
import type { QueuedWork } from './work-queue.js';

export interface ParkedSwitchesDeps {
  inventory: Inventory;
  status: StatusBook;
  store: SharedStore;
  logger: Logger;
  factory: FactoryWork;
  /** Queues a job for a switch, as the onboarder queues every job (one per switch, limits, stop). */
  submit: (key: string, site: Site, work: QueuedWork, job: () => Promise<Outcome>) => void;
  dryRun: boolean;
}

/** The entry an assignment names: a port map entry of its site, or one of its devices (a replacement). */
export function assignedEntry(inventory: Inventory, assignment: Pick<Assignment, 'name' | 'site'>): { site: Site; entry: PortmapEntry | SiteDevice } | undefined {
  const site = inventory.site(assignment.site);
  const name = assignment.name.toLowerCase();
  const entry = site?.portmap.find((candidate) => candidate.hostname.toLowerCase() === name)
    ?? site?.devices.find((candidate) => candidate.hostname.toLowerCase() === name);
  return site === undefined || entry === undefined ? undefined : { site, entry };
}

/**
 * Switches waiting in parking for an operator's word. A lease from a parked
 * MAC is not worked on again (it was parked already) unless an assignment
 * names it; an assignment (`onramp assign`, written to the shared store)
 * is taken up as soon as the appliance sees it (it looks every second), or
 * at the switch's next lease, and removed once the switch is provisioned.
 */
export class ParkedSwitches {
  private readonly assignments: AssignmentBook;
  /** Per MAC, the assignment (by its time) last taken up: not taken up again until it changes or the switch leases again. */
  private readonly takenUp = new Map<string, string>();
  private looking: Promise<void> | undefined;

  constructor(private readonly deps: ParkedSwitchesDeps) {
    this.assignments = new AssignmentBook(deps.store);
  }

  /** Whether the switch with this MAC is parked, as its status says. */
  isParked(mac: string): boolean {
    return this.deps.status.get(factoryKey(mac))?.result === 'parked';
  }

  /** A lease from a parked switch: carried out if an assignment names it, else passed over. */
  async leased(ip: string, mac: string): Promise<void> {
    const assignment = await this.assignments.get(mac);
    if (assignment === undefined) {
      this.deps.logger.debug({ event: Events.dhcpSuppressed, device: factoryKey(mac), ip, mac, reason: 'parked, waiting for onramp assign' }, 'lease of a parked switch: nothing to do until it is assigned');
      return;
    }
    this.carryOut(assignment, ip);
  }

  /** Takes up the assignments not yet taken up whose switch is parked; one look at a time. */
  look(): Promise<void> {
    this.looking ??= this.lookOnce().finally(() => {
      this.looking = undefined;
    });
    return this.looking;
  }

  private async lookOnce(): Promise<void> {
    for (const assignment of await this.assignments.all()) {
      // As the store has it now: another appliance may have parked the switch.
      const parked = await this.deps.status.latest(factoryKey(assignment.mac));
      if (parked?.result !== 'parked' || parked.ip === undefined) continue;
      if (this.takenUp.get(assignment.mac) === assignment.time) continue;
      this.carryOut(assignment, parked.ip);
    }
  }

  private carryOut(assignment: Assignment, ip: string): void {
    this.takenUp.set(assignment.mac, assignment.time);
    const found = assignedEntry(this.deps.inventory, assignment);
    if (found === undefined) {
      this.deps.logger.error(
        { event: Events.assigned, device: factoryKey(assignment.mac), mac: assignment.mac, ip, site: assignment.site, hostname: assignment.name, result: 'failed' },
        `assignment of ${assignment.mac} as ${assignment.name} dropped: ${assignment.site} has no such port map entry or device any more`,
      );
      void this.assignments.remove(assignment.mac).catch((err: unknown) => {
        this.deps.logger.error({ err }, 'assignment could not be removed');
      });
      return;
    }
    const { site, entry } = found;
    if (this.deps.dryRun) {
      this.deps.logger.info({ event: Events.assigned, device: factoryKey(assignment.mac), ip, site: site.name, hostname: entry.hostname, dryRun: true, result: 'skipped' }, `would provision the parked switch as ${entry.hostname} (dry run)`);
      return;
    }
    this.deps.submit(`mac ${assignment.mac}`, site, { kind: 'factory', ip, mac: assignment.mac, assigned: assignment.time }, async () => {
      const outcome = await this.deps.factory.provisionAssigned(site, assignment, entry, ip);
      // Done, or wrong (the switch is not that model): either way it is not carried out again.
      if (outcome === 'provisioned' || outcome === 'bad-input') await this.assignments.remove(assignment.mac);
      return outcome;
    });
  }
}
