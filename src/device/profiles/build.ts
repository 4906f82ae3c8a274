import type { Profile, SaveSpec, SecretMask } from '../profile.js';

/**
 * Profile fields as a site file spells them: regexes as strings, everything
 * optional. Secret masks are added to the base profile's, never replace them.
 */
export interface ProfileOverrides {
  name?: string;
  promptPattern?: string;
  pagingOff?: string[];
  pagerPatterns?: string[];
  pagerAnswer?: string;
  enable?: { command: string; passwordPrompt: string } | null;
  enterConfig?: string;
  leaveConfig?: string[];
  configPromptPattern?: string;
  save?: { command: string; confirm?: { prompt: string; answer: string }[]; success?: string };
  errorMarkers?: string[];
  volatileLines?: string[];
  secretMasks?: { pattern: string; replace: string }[];
  showRunning?: string;
  showLldp?: string;
  showMacTable?: string;
}

export class ProfileError extends Error {
  /** Dotted path of the offending field, e.g. `save.confirm[0].prompt`. */
  readonly path: string;

  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'ProfileError';
    this.path = path;
  }
}

const KNOWN_KEYS = new Set([
  'name', 'promptPattern', 'pagingOff', 'pagerPatterns', 'pagerAnswer', 'enable', 'enterConfig', 'leaveConfig',
  'configPromptPattern', 'save', 'errorMarkers', 'volatileLines', 'secretMasks', 'showRunning', 'showLldp', 'showMacTable',
]);

/**
 * A base profile with a site's overrides applied. The overrides come from a
 * YAML file, so they are validated here as `unknown`: a wrong type, an unknown
 * key, a regex that does not compile or a command with a control character is
 * a ProfileError naming the field.
 */
export function buildProfile(base: Profile, overrides: unknown, path = 'profile'): Profile {
  const o = record(overrides, path);
  for (const key of Object.keys(o)) {
    if (!KNOWN_KEYS.has(key)) throw new ProfileError(`${path}.${key}`, `unknown field; expected one of ${[...KNOWN_KEYS].join(', ')}`);
  }
  const at = (key: string): string => `${path}.${key}`;
  const profile: Profile = { ...base };
  if (o.name !== undefined) profile.name = text(o.name, at('name'), false);
  if (o.promptPattern !== undefined) profile.promptPattern = regex(o.promptPattern, at('promptPattern'), '');
  if (o.pagingOff !== undefined) profile.pagingOff = list(o.pagingOff, at('pagingOff')).map((v, i) => command(v, `${at('pagingOff')}[${i}]`));
  if (o.pagerPatterns !== undefined) profile.pagerPatterns = list(o.pagerPatterns, at('pagerPatterns')).map((v, i) => regex(v, `${at('pagerPatterns')}[${i}]`, ''));
  if (o.pagerAnswer !== undefined) profile.pagerAnswer = text(o.pagerAnswer, at('pagerAnswer'), true);
  if (o.enable === null) delete profile.enable;
  else if (o.enable !== undefined) {
    const e = record(o.enable, at('enable'));
    profile.enable = { command: command(e.command, `${at('enable')}.command`), passwordPrompt: regex(e.passwordPrompt, `${at('enable')}.passwordPrompt`, 'i') };
  }
  if (o.enterConfig !== undefined) profile.enterConfig = command(o.enterConfig, at('enterConfig'));
  if (o.leaveConfig !== undefined) {
    const leave = list(o.leaveConfig, at('leaveConfig')).map((v, i) => command(v, `${at('leaveConfig')}[${i}]`));
    if (leave.length === 0) throw new ProfileError(at('leaveConfig'), 'expected at least one command');
    profile.leaveConfig = leave;
  }
  if (o.configPromptPattern !== undefined) profile.configPromptPattern = regex(o.configPromptPattern, at('configPromptPattern'), '');
  if (o.save !== undefined) profile.save = save(o.save, at('save'));
  if (o.errorMarkers !== undefined) profile.errorMarkers = list(o.errorMarkers, at('errorMarkers')).map((v, i) => regex(v, `${at('errorMarkers')}[${i}]`, 'm'));
  if (o.volatileLines !== undefined) {
    profile.volatileLines = list(o.volatileLines, at('volatileLines')).map((v, i) => regex(v, `${at('volatileLines')}[${i}]`, ''));
    // The tree drops volatile lines too, so it learns the site's.
    profile.tree = { ...base.tree, ignored: [...base.tree.ignored, ...profile.volatileLines] };
  }
  if (o.secretMasks !== undefined) {
    const extra: SecretMask[] = list(o.secretMasks, at('secretMasks')).map((v, i) => {
      const m = record(v, `${at('secretMasks')}[${i}]`);
      return { pattern: regex(m.pattern, `${at('secretMasks')}[${i}].pattern`, 'gm'), replace: text(m.replace, `${at('secretMasks')}[${i}].replace`, false) };
    });
    profile.secretMasks = [...base.secretMasks, ...extra];
  }
  if (o.showRunning !== undefined) profile.showRunning = command(o.showRunning, at('showRunning'));
  if (o.showLldp !== undefined) profile.showLldp = command(o.showLldp, at('showLldp'));
  if (o.showMacTable !== undefined) profile.showMacTable = command(o.showMacTable, at('showMacTable'));
  return profile;
}

function save(value: unknown, path: string): SaveSpec {
  const s = record(value, path);
  for (const key of Object.keys(s)) {
    if (!['command', 'confirm', 'success'].includes(key)) throw new ProfileError(`${path}.${key}`, 'unknown field; expected command, confirm, success');
  }
  const spec: SaveSpec = { command: command(s.command, `${path}.command`) };
  if (s.confirm !== undefined) {
    spec.confirm = list(s.confirm, `${path}.confirm`).map((v, i) => {
      const c = record(v, `${path}.confirm[${i}]`);
      return { prompt: regex(c.prompt, `${path}.confirm[${i}].prompt`, 'i'), answer: text(c.answer, `${path}.confirm[${i}].answer`, true) };
    });
  }
  if (s.success !== undefined) spec.success = regex(s.success, `${path}.success`, '');
  return spec;
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ProfileError(path, 'expected a mapping');
  return value as Record<string, unknown>;
}

function list(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new ProfileError(path, 'expected a list');
  return value as unknown[];
}

function text(value: unknown, path: string, allowEmpty: boolean): string {
  if (typeof value !== 'string') throw new ProfileError(path, 'expected a string');
  if (!allowEmpty && value === '') throw new ProfileError(path, 'expected a non-empty string');
  return value;
}

/** A line sent to the device: no line breaks or control characters that would smuggle in a second command. */
function command(value: unknown, path: string): string {
  const s = text(value, path, false);
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(s)) throw new ProfileError(path, 'expected a single command line without control characters');
  return s;
}

function regex(value: unknown, path: string, flags: string): RegExp {
  const source = text(value, path, false);
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw new ProfileError(path, `not a valid regular expression (${(err as Error).message})`);
  }
}
