export type { LineSink, InputSource, LineEncoding } from './types.js';
export { DEFAULT_MAX_LINE_BYTES } from './types.js';
export { tailFile, type TailOptions, type TailSource, type TailStats } from './tail.js';
export { readStdin, type StdinOptions } from './stdin.js';
export { PositionStore, type FilePosition } from './positions.js';
export { listenSyslog, type SyslogListenOptions, type SyslogSource } from './syslog-listener.js';
export { parseListenSpec, roleAllows, senderFilter, INPUT_ROLES, type InputRole, type ListenSpec, type NativeActionName, type SenderFilter } from './roles.js';
