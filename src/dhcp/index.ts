export { parseDhcpLine, type DhcpParseOptions } from './parse.js';
export type { DhcpLease, DhcpServer, HostnameResolver } from './lease.js';
export { stripSyslogHeader, type SyslogParts } from './syslog.js';
export { validateHostname, escapeForLog } from './hostname.js';
export { normaliseMac } from './mac.js';
export { KeaLeaseFile } from './kea-leases.js';
export { parseOption82Line } from './option82.js';
