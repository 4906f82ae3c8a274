import type { ChangeAuthor } from './who-changed.js';

/** What made onramp save a version: shown in history, status and (git store) the commit. */
export type BackupTrigger =
  | { kind: 'dhcpack' }
  | { kind: 'config-change'; change: ChangeAuthor }
  | { kind: 'manual' }
  | { kind: 'remediation'; afterLease?: boolean }
  /** The running config as it was just before `onramp restore` pushed version `version` back. */
  | { kind: 'restore'; version: string }
  | { kind: 'event' };

export interface BackupVersion {
  id: string;
  time: string;
  sha256?: string;
  /** One line: the trigger, who changed it and the diff summary (`config-change by admin on vty0 from 10.1.0.5 (+2 -1)`). */
  cause?: string;
}

/** A store of masked running configs, one history per device: the state directory's files, or a git repository. */
export interface VersionStore {
  /** Oldest first. */
  list(host: string): Promise<BackupVersion[]>;
  read(host: string, id: string): Promise<string | undefined>;
  /**
   * Returns the version written, or undefined when the config has not changed since the last one.
   * `sealed` (a site with `backups.restorable`) is the encrypted unmasked config, kept in a 0600 file
   * beside the version; when only secrets changed (the masked text is the same) it replaces the latest
   * version's, so that version restores what the switch has now.
   */
  save(host: string, maskedConfig: string, nowMs: number, trigger?: BackupTrigger, sealed?: string): Promise<BackupVersion | undefined>;
  /** The sealed unmasked copy of a version, or undefined when only the masked one was kept. */
  readSealed(host: string, id: string): Promise<string | undefined>;
  /** The ids of the versions of `host` that have a sealed copy. */
  restorable(host: string): Promise<Set<string>>;
  /**
   * Keeps, beside version `id` of `host`, the lines that undo a push made
   * from it (as typed in config mode, secrets masked), for an operator to
   * read and type again; a later push from the same version replaces them.
   */
  saveRollback(host: string, id: string, maskedLines: readonly string[]): Promise<void>;
  /** The lines kept beside version `id` by saveRollback, if any. */
  readRollback(host: string, id: string): Promise<string[] | undefined>;
}

/** A database that keeps the backups of every appliance sharing it (`--store postgres://…`). */
export interface BackupsDatabase {
  /** Its store, keeping `keep` versions per device. */
  versions(keep: number): VersionStore;
}

/** A rollback as stored: one line as typed per line, a final newline. */
export function rollbackText(lines: readonly string[]): string {
  return lines.map((line) => `${line}\n`).join('');
}

export function rollbackLines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}
