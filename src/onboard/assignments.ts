import { isSafeName, type Book, type SharedStore } from '../state/index.js';

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

/** By MAC. */
export const ASSIGNMENTS_BOOK: Book<Assignment> = { name: 'assignments', file: 'assignments.json' };

function isAssignment(value: unknown): value is Assignment {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return typeof entry.mac === 'string' && MAC.test(entry.mac) && typeof entry.name === 'string' && isSafeName(entry.name)
    && typeof entry.site === 'string' && isSafeName(entry.site) && typeof entry.time === 'string'
    && (entry.serial === undefined || typeof entry.serial === 'string');
}

/**
 * The assignments waiting to be carried out, by MAC, in the shared store
 * (state/assignments.json on one box): an assignment made on any box is
 * taken up by whichever appliance sees the switch. `onramp assign` adds
 * one; the appliance takes it up (it looks every second, and at the
 * switch's next lease) and removes it once the switch is provisioned. An
 * entry that is not an assignment (an edited file) is passed over.
 */
export class AssignmentBook {
  constructor(private readonly store: SharedStore) {}

  /** The state directory parses its file again only when it changed, so the appliance may ask every second. */
  async all(): Promise<Assignment[]> {
    return Object.values(await this.store.all(ASSIGNMENTS_BOOK)).filter(isAssignment);
  }

  async get(mac: string): Promise<Assignment | undefined> {
    const assignment = await this.store.get(ASSIGNMENTS_BOOK, mac);
    return isAssignment(assignment) && assignment.mac === mac ? assignment : undefined;
  }

  add(assignment: Assignment): Promise<void> {
    return this.store.edit(ASSIGNMENTS_BOOK, (book) => { book.set(assignment.mac, assignment); });
  }

  /** Once the switch is provisioned as its assignment (or the assignment named it wrongly). */
  remove(mac: string): Promise<void> {
    return this.store.edit(ASSIGNMENTS_BOOK, (book) => { book.delete(mac); });
  }
}
