// The PostgreSQL driver is loaded by openStore only when a command is given --store.
export { applianceName, openStore, storeFlags, type OpenedStore, type StoreFlags } from './open.js';
export { StoreSettingsError } from './connection.js';
export { isUnreachable } from './unreachable.js';
export { DEFAULT_DEDUPE_WINDOW_MS, DEFAULT_TAKEOVER_MS, type JobQueueSettings } from './jobs.js';
