export { BackupStore, DEFAULT_BACKUPS_KEEP } from './file-store.js';
export { GitBackupStore } from './git-store.js';
export { BackupPusher, assertRemote, type PushBackoff } from './push.js';
export { openBackupsForReading, openBackupsForWriting, parseBackupsLocation, type BackupsLocation, type BackupsSettings } from './open.js';
export { describeCause, describeTrigger, triggerOfLine } from './trigger.js';
export { describeAuthor, parseChangeAuthor, type ChangeAuthor } from './who-changed.js';
export type { BackupTrigger, BackupVersion, VersionStore } from './types.js';
export { backupsFlags, type BackupsFlags } from './cli-options.js';
