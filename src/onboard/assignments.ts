import { isSafeName, type StateStore } from '../state/index.js';

const FILE = ['assignments.json'];
const MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;

/** An operator's word on a parked switch: it is NAME of SITE (`onramp assign MAC|SERIAL --as NAME`). */
export interface Assignment {
  mac: string;
  name: string;
  site: string;
  /** When it was given by serial number. */
  serial?: string;
  /** ISO time it was given. */
  time: string;
}

type AssignmentFile = Record<string, Assignment>;

function isAssignment(value: unknown): value is Assignment {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return typeof entry.mac === 'string' && MAC.test(entry.mac) && typeof entry.name === 'string' && isSafeName(entry.name)
    && typeof entry.site === 'string' && isSafeName(entry.site) && typeof entry.time === 'string'
    && (entry.serial === undefined || typeof entry.serial === 'string');
}

/**
 * The assignments waiting to be carried out (state/assignments.json), by
 * MAC. `onramp assign` adds one; the appliance takes it up (it looks at the
 * file every second, and at the switch's next lease) and removes it once
 * the switch is provisioned. Changes are made under the file's lock; an
 * entry that is not an assignment (an edited file) is passed over.
 */
export class AssignmentBook {
  constructor(private readonly state: StateStore) {}

  /** Parsed again only when the file changed, so the appliance may ask every second. */
  async all(): Promise<Assignment[]> {
    const file = await this.state.readJsonShared<AssignmentFile>(FILE, {});
    return Object.values(file).filter(isAssignment);
  }

  async get(mac: string): Promise<Assignment | undefined> {
    return (await this.all()).find((assignment) => assignment.mac === mac);
  }

  add(assignment: Assignment): Promise<void> {
    return this.update((file) => {
      file[assignment.mac] = assignment;
    });
  }

  /** Once the switch is provisioned as its assignment (or the assignment named it wrongly). */
  remove(mac: string): Promise<void> {
    return this.update((file) => {
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
      delete file[mac];
    });
  }

  private update(change: (file: AssignmentFile) => void): Promise<void> {
    return this.state.exclusive(FILE, async () => {
      const file = await this.state.readJson<AssignmentFile>(FILE, {});
      change(file);
      await this.state.writeJson(FILE, file);
    });
  }
}
