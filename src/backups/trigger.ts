import type { BackupTrigger } from './types.js';
import { describeAuthor, parseChangeAuthor } from './who-changed.js';

/** The trigger of a scheduled backup, from the line of the event that fired it. */
export function triggerOfLine(line: string | undefined): BackupTrigger {
  if (line === undefined || line === '') return { kind: 'event' };
  if (/\bDHCPACK\b/.test(line)) return { kind: 'dhcpack' };
  return { kind: 'config-change', change: parseChangeAuthor(line) };
}

/** `config-change by admin on vty0 from 10.1.0.5`, `DHCPACK`, `manual`, `remediation`. */
export function describeTrigger(trigger: BackupTrigger): string {
  switch (trigger.kind) {
    case 'dhcpack': return 'DHCPACK';
    case 'config-change': {
      const who = describeAuthor(trigger.change);
      return who === '' ? 'config-change' : `config-change ${who}`;
    }
    case 'manual': return 'manual';
    case 'remediation': return trigger.afterLease === true ? 'remediation after DHCPACK' : 'remediation';
    case 'restore': return `before restore of ${trigger.version}`;
    case 'event': return 'scheduled';
  }
}

/** The trigger, then the diff summary: what history lists and a commit's subject ends with. */
export function describeCause(trigger: BackupTrigger, added: number, removed: number): string {
  return `${describeTrigger(trigger)} (+${String(added)} -${String(removed)})`;
}
