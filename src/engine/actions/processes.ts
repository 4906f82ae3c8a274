import { spawn, type ChildProcess } from 'node:child_process';
import { Events } from '../../log/events.js';
import type { Logger } from '../../log/index.js';
import { needsShell, splitArgs } from '../command.js';
import type { EngineCore } from '../core.js';
import type { ActionFamily, ActionHandler } from './handler.js';
import type { Action } from './parse.js';

/** Where a synthetic event without its own context comes from (SEC's _INTERNAL_EVENT). */
export const SYNTHETIC_CONTEXT = '_INTERNAL_EVENT';

/**
 * The programs actions start. Each runs in the background; lines it prints
 * (spawn and the like) become events, matched once `afterOutput` runs.
 */
export class Processes {
  readonly children = new Set<ChildProcess>();

  constructor(
    private readonly logger: Logger,
    private readonly rehearse: ((what: string, detail: string) => void) | undefined,
    private readonly afterOutput: () => void,
  ) {}

  /** Starts a program; stdin text is written and closed; undefined when it cannot start (or in a rehearsal). */
  run(argv: string[], stdin: string | undefined, what: string, onLine?: (line: string) => void): ChildProcess | undefined {
    const [command, ...args] = argv;
    if (command === undefined) return undefined;
    if (this.rehearse !== undefined) {
      this.rehearse(what, argv.join(' '));
      return undefined;
    }
    let child: ChildProcess;
    try {
      child = spawn(command, args, { stdio: [stdin === undefined ? 'ignore' : 'pipe', onLine === undefined ? 'inherit' : 'pipe', 'inherit'] });
    } catch (err) {
      this.logger.error({ event: Events.ruleError, command, err }, `cannot run ${what}`);
      return undefined;
    }
    this.children.add(child);
    child.on('error', (err) => {
      this.logger.error({ event: Events.ruleError, command, err: err.message }, `cannot run ${what}`);
    });
    child.on('close', () => {
      this.children.delete(child);
    });
    if (stdin !== undefined && child.stdin !== null) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(Buffer.from(stdin, 'latin1'));
    }
    if (onLine !== undefined && child.stdout !== null) this.readLines(child, onLine);
    return child;
  }

  private readLines(child: ChildProcess, onLine: (line: string) => void): void {
    let rest = '';
    child.stdout?.setEncoding('latin1');
    child.stdout?.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const part of parts) onLine(part);
      this.afterOutput();
    });
    child.stdout?.on('end', () => {
      if (rest !== '') onLine(rest);
      rest = '';
      this.afterOutput();
    });
  }

  /** Resolves once every child still running has exited. */
  async allExited(): Promise<void> {
    await Promise.all(
      [...this.children].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) {
              resolve();
              return;
            }
            child.once('close', () => {
              resolve();
            });
          }),
      ),
    );
  }
}

/** A command line run by the shell when it needs one, else split into arguments. */
export function shellArgv(line: string): string[] {
  return needsShell(line) ? ['/bin/sh', '-c', line] : splitArgs(line);
}

/** The program of an action from argument `from`: a shell line for shellcmd and the like, argv for the *exec ones. */
export function programOf(core: EngineCore, a: Action, from: number, desc: string, arg: (i: number) => string): string[] {
  return a.argv ? core.argv(a, from, desc) : shellArgv(arg(from));
}

/** Lines the program prints become events with `context` as their internal context. */
function eventsInto(core: EngineCore, context: string): (line: string) => void {
  return (line) => {
    core.events.push([line, context]);
  };
}

const runOnly: ActionHandler = (core, a, desc, arg) => {
  core.processes.run(programOf(core, a, 0, desc, arg), undefined, a.kind);
  return undefined;
};

const spawnEvents: ActionHandler = (core, a, desc, arg) => {
  core.processes.run(programOf(core, a, 0, desc, arg), undefined, a.kind, eventsInto(core, SYNTHETIC_CONTEXT));
  return undefined;
};

const spawnInContext: ActionHandler = (core, a, desc, arg) => {
  core.processes.run(programOf(core, a, 1, desc, arg), undefined, a.kind, eventsInto(core, arg(0)));
  return undefined;
};

/** pipe with no command writes the text to standard output, as SEC does. */
const pipeText: ActionHandler = (core, a, desc, arg) => {
  const text = `${arg(0)}\n`;
  const argv = programOf(core, a, 1, desc, arg);
  if (argv.length === 0) core.outputs.write('-', text);
  else core.processes.run(argv, text, a.kind);
  return undefined;
};

/** shellcmd, cmdexec, spawn, spawnexec, cspawn, cspawnexec, pipe, pipeexec. */
export const processActions: ActionFamily<'shellcmd' | 'cmdexec' | 'spawn' | 'spawnexec' | 'cspawn' | 'cspawnexec' | 'pipe' | 'pipeexec'> = {
  shellcmd: runOnly,
  cmdexec: runOnly,
  spawn: spawnEvents,
  spawnexec: spawnEvents,
  cspawn: spawnInContext,
  cspawnexec: spawnInContext,
  pipe: pipeText,
  pipeexec: pipeText,
};
