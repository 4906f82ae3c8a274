import { isAbsolute } from 'node:path';
import { NOTIFIABLE_EVENTS } from '../log/events.js';
import type { NotifyHook, NotifyTarget, SecretRef, WebhookFormat } from './types.js';
import { ENV_NAME, type Path, type SiteValidator } from './validate.js';

const HOOK_KEYS = ['webhook', 'exec', 'events', 'timeoutMs', 'retries', 'perMinute'];
const WEBHOOK_KEYS = ['url', 'urlEnv', 'secretEnv', 'secretFile', 'format'];
const EXEC_KEYS = ['argv'];
const FORMATS: readonly WebhookFormat[] = ['json', 'slack', 'teams'];
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRIES = 3;
const DEFAULT_PER_MINUTE = 60;

type Plain = Record<string, unknown>;

/**
 * A value given as an environment variable's name (`envKey`) or another way
 * (`otherKey`), never both; reports a missing one with `missing`.
 */
function envOr(
  validator: SiteValidator, map: Plain, path: Path, envKey: string, otherKey: string, missing: string,
): { env: string } | { other: string } | undefined {
  const env = validator.string(map[envKey], [...path, envKey], false);
  const other = validator.string(map[otherKey], [...path, otherKey], false);
  if (env !== undefined && other !== undefined) {
    validator.problem([...path, otherKey], `give either ${envKey} or ${otherKey}, not both`);
    return undefined;
  }
  if (env !== undefined) {
    if (ENV_NAME.test(env)) return { env };
    validator.problem([...path, envKey], `${JSON.stringify(env)} is not an environment variable name`);
    return undefined;
  }
  if (other !== undefined) return { other };
  validator.problem(path, missing);
  return undefined;
}

function secretRef(validator: SiteValidator, map: Plain, path: Path): SecretRef | undefined {
  const given = envOr(validator, map, path, 'secretEnv', 'secretFile', 'missing secretEnv or secretFile (the key the body is signed with)');
  if (given === undefined) return undefined;
  return 'env' in given ? { secretEnv: given.env } : { secretFile: given.other };
}

/** An http(s) URL without a user or password, or why not. */
export function webhookUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'expected an http:// or https:// URL';
  }
  if (!['http:', 'https:'].includes(url.protocol)) return 'expected an http:// or https:// URL';
  if (url.username !== '' || url.password !== '') return 'a URL with a user or password would put a secret in the site file; sign with secretEnv or secretFile';
  return undefined;
}

function webhookUrl(validator: SiteValidator, map: Plain, path: Path): string | { env: string } | undefined {
  const given = envOr(validator, map, path, 'urlEnv', 'url', 'missing url or urlEnv (the environment variable holding a URL that is itself a credential)');
  if (given === undefined || 'env' in given) return given;
  const problem = webhookUrlProblem(given.other);
  if (problem === undefined) return new URL(given.other).href;
  validator.problem([...path, 'url'], problem);
  return undefined;
}

function webhook(validator: SiteValidator, value: unknown, path: Path): NotifyTarget | undefined {
  const map = validator.map(value, path, 'a mapping { url or urlEnv, secretEnv or secretFile, format }');
  if (map === undefined) return undefined;
  validator.keys(map, path, WEBHOOK_KEYS);
  const url = webhookUrl(validator, map, path);
  const format = validator.oneOf(map.format, [...path, 'format'], FORMATS, 'json');
  const secret = secretRef(validator, map, path);
  return url === undefined || secret === undefined ? undefined : { kind: 'webhook', url, format, secret };
}

function exec(validator: SiteValidator, value: unknown, path: Path): NotifyTarget | undefined {
  const map = validator.map(value, path, 'a mapping { argv: [/absolute/program, arg, …] }');
  if (map === undefined) return undefined;
  validator.keys(map, path, EXEC_KEYS);
  const argv = map.argv;
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((arg): arg is string => typeof arg === 'string' && !arg.includes('\0'))) {
    validator.problem([...path, 'argv'], 'expected a non-empty list of strings: the program and its arguments (run without a shell)');
    return undefined;
  }
  const program = argv[0] ?? '';
  if (!isAbsolute(program)) {
    validator.problem([...path, 'argv', 0], `${JSON.stringify(program)} is not an absolute path (no PATH lookup is made)`);
    return undefined;
  }
  return { kind: 'exec', argv };
}

function events(validator: SiteValidator, value: unknown, path: Path): string[] | undefined {
  const expected = `expected a non-empty list of events from: ${NOTIFIABLE_EVENTS.join(', ')}`;
  if (!Array.isArray(value) || value.length === 0) {
    validator.problem(path, value === undefined ? `missing (${expected.slice('expected '.length)})` : expected);
    return undefined;
  }
  const found: string[] = [];
  value.forEach((item: unknown, index) => {
    const name = NOTIFIABLE_EVENTS.find((event) => event === item);
    if (name === undefined) validator.problem([...path, index], `${JSON.stringify(item)}: ${expected}`);
    else found.push(name);
  });
  return found.length === value.length ? found : undefined;
}

function hook(validator: SiteValidator, value: unknown, path: Path): NotifyHook | undefined {
  const map = validator.map(value, path, 'a mapping with webhook: or exec:, and events:');
  if (map === undefined) return undefined;
  validator.keys(map, path, HOOK_KEYS);
  let target: NotifyTarget | undefined;
  if (map.webhook !== undefined && map.exec !== undefined) validator.problem(path, 'give either webhook: or exec:, not both');
  else if (map.webhook !== undefined) target = webhook(validator, map.webhook, [...path, 'webhook']);
  else if (map.exec !== undefined) target = exec(validator, map.exec, [...path, 'exec']);
  else validator.problem(path, 'missing webhook: or exec:');
  const names = events(validator, map.events, [...path, 'events']);
  const timeoutMs = validator.integer(map.timeoutMs, [...path, 'timeoutMs'], DEFAULT_TIMEOUT_MS, 100, 600_000);
  const retries = validator.integer(map.retries, [...path, 'retries'], DEFAULT_RETRIES, 0, 20);
  const perMinute = validator.integer(map.perMinute, [...path, 'perMinute'], DEFAULT_PER_MINUTE, 1, 10_000);
  if (target === undefined || names === undefined) return undefined;
  return { target, events: names, timeoutMs, retries, perMinute, source: validator.source(path) };
}

/** `notify:` of a site file: the hooks that hear of its devices' events. */
export function notifyHooks(validator: SiteValidator, value: unknown): NotifyHook[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    validator.problem(['notify'], 'expected a list of hooks (- webhook: {…} or - exec: {…}, each with events:)');
    return [];
  }
  return value.flatMap((item: unknown, index) => {
    const parsed = hook(validator, item, ['notify', index]);
    return parsed === undefined ? [] : [parsed];
  });
}
