/**
 * What a hook receives: the fields of one logged event that are safe to
 * send, picked by name (never the whole log line), with every secret the
 * site knows of replaced wherever it might still appear.
 */
export interface NotifyPayload {
  event: string;
  /** When the event was logged, ISO 8601. */
  time: string;
  site: string;
  device?: string;
  ip?: string;
  mac?: string;
  result?: string;
  message: string;
  /** Unified diff of a drift or failed verification, secrets already masked by the config layer. */
  diff?: string;
  added?: number;
  removed?: number;
  /** A saved backup's version, and what made it: the trigger, who changed the config, the diff summary. */
  version?: string;
  cause?: string;
  /** A changed host key: the key presented and the one pinned. */
  fingerprint?: string;
  pinned?: string;
  /** The guard-rail classes that refused a plan. */
  classes?: string[];
  /** A plan previewed (policy `onDrift: report`, or --dry-run), not attempted. */
  dryRun?: boolean;
}

const TEXT_FIELDS = ['device', 'ip', 'mac', 'result', 'diff', 'cause', 'fingerprint', 'pinned'] as const;
const COUNT_FIELDS = ['added', 'removed'] as const;
export const REDACTED = '[redacted]';

/** The payload of a parsed log line, or undefined when it lacks an event or a site. */
export function payloadOf(entry: Record<string, unknown>, secrets: readonly string[]): NotifyPayload | undefined {
  const { event, site } = entry;
  if (typeof event !== 'string' || typeof site !== 'string') return undefined;
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString() : new Date().toISOString();
  const payload: NotifyPayload = { event, time, site, message: typeof entry.msg === 'string' ? entry.msg : '' };
  for (const key of TEXT_FIELDS) {
    const value = entry[key];
    if (typeof value === 'string') payload[key] = value;
  }
  for (const key of COUNT_FIELDS) {
    const value = entry[key];
    if (typeof value === 'number') payload[key] = value;
  }
  if (typeof entry.version === 'string' || typeof entry.version === 'number') payload.version = String(entry.version);
  if (entry.dryRun === true) payload.dryRun = true;
  if (Array.isArray(entry.classes)) payload.classes = entry.classes.filter((item): item is string => typeof item === 'string');
  return scrub(payload, secrets);
}

/** Every string in the payload with each known secret replaced: a last line of defence behind the masking upstream. */
function scrub(payload: NotifyPayload, secrets: readonly string[]): NotifyPayload {
  const known = secrets.filter((secret) => secret !== '');
  if (known.length === 0) return payload;
  const clean = (text: string): string => known.reduce((result, secret) => result.split(secret).join(REDACTED), text);
  return JSON.parse(JSON.stringify(payload), (_key, value: unknown) => (typeof value === 'string' ? clean(value) : value)) as NotifyPayload;
}
