import { readFile } from 'node:fs/promises';
import { configProblems } from '../config/index.js';
import { getProfile, type Profile } from '../device/index.js';
import { ExitCode } from '../exit-codes.js';
import { planRemediation } from './plan/index.js';

export interface PlanCommandOptions {
  running: string;
  intended: string;
  profile?: string;
  /** Print the plan's rollback (what restores the running config after the plan) instead of the plan. */
  rollback?: boolean;
}

class BadInput extends Error {}

async function configFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new BadInput(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const problems = configProblems(text);
  if (problems.length > 0) throw new BadInput(problems.map((p) => `${path}:${p.line}: ${p.message}`).join('\n'));
  return text;
}

function profileNamed(name: string): Profile {
  try {
    return getProfile(name);
  } catch (err) {
    throw new BadInput((err as Error).message);
  }
}

/**
 * `onramp plan`: the lines a push would type to turn the running config
 * into the intended one (or, with `rollback`, the lines that undo them),
 * one per line, unmasked: both files are the user's own. Nothing to do
 * prints nothing. Exit 0, or 2 on bad input.
 */
export async function planCommand(options: PlanCommandOptions, out: (text: string) => void, err: (text: string) => void): Promise<number> {
  try {
    const profile = profileNamed(options.profile ?? 'generic');
    const [running, intended] = [await configFile(options.running), await configFile(options.intended)];
    const plan = planRemediation(intended, running, profile);
    const lines = options.rollback === true ? plan.rollback : plan.lines;
    if (lines.length > 0) out(lines.join('\n') + '\n');
    return ExitCode.Ok;
  } catch (error) {
    if (!(error instanceof BadInput)) throw error;
    err(`${error.message}\n`);
    return ExitCode.BadInput;
  }
}
