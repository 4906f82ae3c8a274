import { join } from 'node:path';
import { resolveCredentials, resolveHookSecret, resolveWebhookUrl, type NotifyHook, type Site } from '../inventory/index.js';
import { Events, lineNamesEvent, NOTIFIABLE_EVENTS, tapLogLines, type Logger } from '../log/index.js';
import { DeadLetterFile } from './dead-letter.js';
import { runExecHook } from './exec-hook.js';
import { HookQueue, systemClock, type NotifyClock } from './hook-queue.js';
import { payloadOf, type NotifyPayload } from './payload.js';
import { postWebhook } from './webhook.js';

export const DEAD_LETTER_FILE = ['notify', 'dead-letter.jsonl'];
const DEFAULT_BACKOFF_MS = 1_000;
const NOTIFIABLE: ReadonlySet<string> = new Set(NOTIFIABLE_EVENTS);

export interface NotifierOptions {
  stateDir: string;
  clock?: NotifyClock;
  /** The wait before a hook's first retry (default 1 s); doubled at each next one. */
  backoffMs?: number;
}

interface SiteHooks {
  hooks: { hook: NotifyHook; queue: HookQueue }[];
  /** Every secret the site names that can be read now: none of them may leave in a payload. */
  secrets: string[];
}

/** A backup is news only when the config changed: an unchanged one is logged `skipped`. */
function isNotifiable(entry: Record<string, unknown>): boolean {
  if (typeof entry.event !== 'string' || !NOTIFIABLE.has(entry.event)) return false;
  return entry.event !== Events.backupSaved || entry.result === 'ok';
}

function hookName(hook: NotifyHook): string {
  const where = hook.source.line === undefined ? hook.source.file : `${hook.source.file}:${String(hook.source.line)}`;
  return `notify hook ${where} (${hook.target.kind})`;
}

function readableSecrets(site: Site): string[] {
  const secrets: string[] = [];
  const attempt = (read: () => string | undefined): void => {
    try {
      const secret = read();
      if (secret !== undefined) secrets.push(secret);
    } catch {
      // A secret that cannot be read now cannot be leaked now; the job that needs it reports it.
    }
  };
  for (const ref of [site.credentials, site.factoryCredentials]) {
    if (ref === undefined) continue;
    attempt(() => resolveCredentials(ref, site).password);
    attempt(() => resolveCredentials(ref, site).enableSecret);
  }
  site.notify.forEach((hook, index) => {
    const { target } = hook;
    if (target.kind !== 'webhook') return;
    attempt(() => resolveHookSecret(target.secret, site, `notify[${String(index)}] secret`));
    if (typeof target.url !== 'string') attempt(() => resolveWebhookUrl(target.url, site, `notify[${String(index)}] url`));
  });
  return secrets;
}

/**
 * Hears the events the log records and hands each one a site's hooks ask
 * for to their queues. Reading the log's own lines is the single seam:
 * every path that logs a drift, a provisioning or a changed key notifies,
 * and what is sent was redacted once more by the logger before it got here.
 *
 * It listens only while some hook is configured, and parses only the lines
 * that name an event some hook asks for: a lease logged for every DHCPACK
 * costs the notifier nothing.
 */
export class Notifier {
  private sites = new Map<string, SiteHooks>();
  /** Queues of the sites before a reload, finishing what they held. */
  private readonly retired: HookQueue[] = [];
  private readonly deadLetters: DeadLetterFile;
  private readonly clock: NotifyClock;
  private readonly backoffMs: number;
  /** The events some hook of some site asks for. */
  private wanted: ReadonlySet<string> = new Set();
  /** Stops the tap on the log; undefined while no hook listens. */
  private untap: (() => void) | undefined;

  constructor(private readonly logger: Logger, options: NotifierOptions) {
    this.deadLetters = new DeadLetterFile(join(options.stateDir, ...DEAD_LETTER_FILE));
    this.clock = options.clock ?? systemClock;
    this.backoffMs = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  }

  /**
   * The sites whose hooks are in force from now on (at start and after a
   * reload). The previous queues finish what they hold on their own: a
   * receiver that is down must not hold up the reload.
   */
  useSites(sites: readonly Site[]): void {
    this.retired.push(...this.queues());
    this.sites = new Map(sites.filter((site) => site.notify.length > 0).map((site) => [site.name, this.hooksOf(site)]));
    this.wanted = new Set(sites.flatMap((site) => site.notify.flatMap((hook) => hook.events)));
    if (this.wanted.size > 0) this.untap ??= tapLogLines(this.logger, (line) => { this.observe(line); });
    else this.stopListening();
  }

  /** Whether the log is being listened to: only while some hook is configured. */
  listening(): boolean {
    return this.untap !== undefined;
  }

  private stopListening(): void {
    this.untap?.();
    this.untap = undefined;
  }

  /** Waits until every queued notification is delivered or given up. */
  async idle(): Promise<void> {
    await Promise.all([...this.queues(), ...this.retired].map((queue) => queue.idle()));
  }

  /** Stops listening and retrying; what is not delivered goes to the dead-letter file. */
  async close(): Promise<void> {
    this.stopListening();
    await Promise.all([...this.queues(), ...this.retired].map((queue) => queue.close()));
  }

  private queues(): HookQueue[] {
    return [...this.sites.values()].flatMap(({ hooks }) => hooks.map(({ queue }) => queue));
  }

  private hooksOf(site: Site): SiteHooks {
    const hooks = site.notify.map((hook, index) => {
      const { target } = hook;
      const deliver = target.kind === 'webhook'
        ? (payload: NotifyPayload) => postWebhook(
          {
            url: () => resolveWebhookUrl(target.url, site, `notify[${String(index)}] url`),
            format: target.format,
            secret: () => resolveHookSecret(target.secret, site, `notify[${String(index)}] secret`),
          },
          payload, hook.timeoutMs, this.clock.now(),
        )
        : (payload: NotifyPayload) => runExecHook(target.argv, payload, hook.timeoutMs);
      const limits = { retries: hook.retries, perMinute: hook.perMinute, backoffMs: this.backoffMs };
      return { hook, queue: new HookQueue(hookName(hook), deliver, limits, this.deadLetters, this.logger, this.clock) };
    });
    return { hooks, secrets: readableSecrets(site) };
  }

  private observe(line: string): void {
    if (!lineNamesEvent(line, this.wanted)) return;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    if (!isNotifiable(entry) || typeof entry.site !== 'string') return;
    const site = this.sites.get(entry.site);
    if (site === undefined) return;
    const payload = payloadOf(entry, site.secrets);
    if (payload === undefined) return;
    for (const { hook, queue } of site.hooks) {
      if (hook.events.includes(payload.event)) queue.push(payload);
    }
  }
}
