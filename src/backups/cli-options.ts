import { parseBackupsLocation, type BackupsLocation } from './open.js';
import { assertRemote } from './remote.js';

export interface BackupsFlags {
  backups?: BackupsLocation;
  backupsRemote?: string;
}

/** `--backups file|git:DIR` and `--backups-remote URL` from a command's options, or the message of what is wrong. */
export function backupsFlags(raw: Record<string, unknown>): BackupsFlags | string {
  const flags: BackupsFlags = {};
  try {
    if (typeof raw.backups === 'string') flags.backups = parseBackupsLocation(raw.backups);
    if (typeof raw.backupsRemote === 'string') {
      if (flags.backups?.store !== 'git') return '--backups-remote needs --backups git:DIR';
      assertRemote(raw.backupsRemote);
      flags.backupsRemote = raw.backupsRemote;
    }
  } catch (err) {
    return (err as Error).message;
  }
  return flags;
}
