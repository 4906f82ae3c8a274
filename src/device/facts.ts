import { isDeviceError } from './errors.js';

/**
 * What a switch says about itself on first contact: serial number, model and
 * OS version, read from `show version` (and, where a family prints the model
 * elsewhere, one more command). How each family prints them is data in its
 * profile, with the VENDORS.md tag of each pattern: `sourced` when a named
 * source shows the format, `inferred` otherwise.
 */
export type FactSource = 'sourced' | 'inferred';

export interface FactPattern {
  /**
   * Tested on the command's output, with flag `m` (`^`/`$` are line ends)
   * and never `g` (a pattern keeps no state between replies). The
   * value is the pattern's captures joined by `-` (`S5850` and `48S6Q` →
   * `S5850-48S6Q`). Patterns are line-anchored and free of nested
   * quantifiers, so a hostile reply cannot make them slow.
   */
  pattern: RegExp;
  source: FactSource;
}

export interface FactsCommand {
  command: string;
  /** Tried in order; the first that matches gives the value. */
  serial?: readonly FactPattern[];
  model?: readonly FactPattern[];
  version?: readonly FactPattern[];
}

/** One family's way of printing its facts. */
export interface FamilyFacts {
  /** The profile this output belongs to (`fs-s3900`). */
  family: string;
  /** Matches the first command's output only when it is this family's. */
  recognise: FactPattern;
  /** Run in order; the first command is the one `recognise` reads. */
  commands: readonly FactsCommand[];
}

export interface DeviceFacts {
  /** The profile family whose output this was; absent when no family's was recognised. */
  family?: string;
  serial?: string;
  model?: string;
  /** As the switch prints it: `7.2.2`, `1.7.3`, `2.2.0E Build 97109`, `15.2(7)E4`. */
  version?: string;
}

/** What readFacts needs of a session: one exec-mode command, its output without echo and prompt. */
export interface FactsSession {
  run(command: string): Promise<string>;
}

/** Only this much of a reply is read: a `show version` is a few hundred bytes. */
const MAX_OUTPUT = 16 * 1024;
/** Longer lines are cut before matching. */
const MAX_LINE = 256;

/**
 * What a value may look like before it is stored and shown: printable, no
 * quotes, brackets or shell characters, bounded. Anything else is dropped as
 * not a value the switch could mean.
 */
const VALID: Record<'serial' | 'model' | 'version', RegExp> = {
  serial: /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/,
  model: /^[A-Za-z0-9][A-Za-z0-9._/+-]{0,63}$/,
  version: /^[A-Za-z0-9][A-Za-z0-9._()/+ -]{0,63}$/,
};

/* eslint-disable no-control-regex */
const ANSI_SEQUENCE = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;
/* eslint-enable no-control-regex */

/** The reply as it is matched: bounded in size and line length, terminal escapes and control characters gone. */
function boundedText(output: string): string {
  return output
    .slice(0, MAX_OUTPUT)
    .split(/\r?\n/)
    .map((line) => line.replace(ANSI_SEQUENCE, '').replace(CONTROL, '').slice(0, MAX_LINE).trimEnd())
    .join('\n');
}

function valueOf(patterns: readonly FactPattern[] | undefined, text: string, field: keyof typeof VALID): string | undefined {
  for (const { pattern } of patterns ?? []) {
    const match = pattern.exec(text);
    if (match === null) continue;
    // A group that took no part in the match is undefined, whatever the array's type says.
    const parts: (string | undefined)[] = match.slice(1);
    const value = parts.filter((part): part is string => part !== undefined && part !== '').map((part) => part.trim()).join('-');
    if (VALID[field].test(value)) return value;
  }
  return undefined;
}

/**
 * Reads serial, model and version with the profile's facts: the first family
 * whose output is recognised gives them (a generic profile knows every
 * family's). A command the switch rejects is passed over; a session that
 * fails (timeout, closed) fails the read. Nothing is found in output no
 * family's patterns recognise: `{}`.
 */
export async function readFacts(session: FactsSession, profile: { facts: readonly FamilyFacts[] }): Promise<DeviceFacts> {
  const replies = new Map<string, string | undefined>();
  const reply = async (command: string): Promise<string | undefined> => {
    if (!replies.has(command)) {
      try {
        replies.set(command, boundedText(await session.run(command)));
      } catch (err) {
        if (!isDeviceError(err, 'rejected')) throw err;
        replies.set(command, undefined);
      }
    }
    return replies.get(command);
  };
  for (const family of profile.facts) {
    const [first] = family.commands;
    if (first === undefined) continue;
    const text = await reply(first.command);
    if (text === undefined || !family.recognise.pattern.test(text)) continue;
    const facts: DeviceFacts = { family: family.family };
    for (const command of family.commands) {
      const output = command === first ? text : await reply(command.command);
      if (output === undefined) continue;
      for (const field of ['serial', 'model', 'version'] as const) {
        const value = facts[field] ?? valueOf(command[field], output, field);
        if (value !== undefined) facts[field] = value;
      }
    }
    return facts;
  }
  return {};
}
