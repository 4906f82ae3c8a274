export { Events, NOTIFIABLE_EVENTS, type EventName, type Result } from './events.js';
export { createLogger, silentLogger, REDACT_PATHS, type Logger, type LoggerSettings } from './logger.js';
export { Tally } from './tally.js';
export { lineNamesEvent, tapLogLines } from './tap.js';
