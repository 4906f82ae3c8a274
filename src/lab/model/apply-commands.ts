import { personality } from '../personalities/index.js';
import type { Personality } from '../types.js';
import { applyConfigLine } from './apply.js';
import { renderBody } from './render.js';
import { RunningConfig } from './running-config.js';
import type { Frame } from './sections.js';

export interface AppliedCommands {
  /** The running config afterwards, as `show running-config` prints its body (no header, no `end`). */
  config: string;
  /** The first line the switch refused, and what it printed; the lines after it were not typed. */
  rejected?: { index: number; line: string; message: string };
}

/**
 * Types `commands` in config mode on a switch of `family` whose running config
 * is `running` (as `show running-config` prints it), with the code an SSH
 * session of the lab runs, and returns the config the switch then shows.
 */
export function applyConfigCommands(running: string, commands: readonly string[], family: Personality): AppliedCommands {
  const def = personality(family);
  const config = RunningConfig.parse(def.stripFrame(running.split(/\r?\n/)));
  let path: Frame[] | undefined = [];
  for (const [index, line] of commands.entries()) {
    if (path === undefined) {
      return { config: body(config, family), rejected: { index, line, message: 'typed after config mode was left' } };
    }
    const outcome = applyConfigLine(line, path, config, def, () => false);
    switch (outcome.kind) {
      case 'ok':
        path = outcome.path;
        break;
      case 'exec':
        path = undefined;
        break;
      case 'do':
        break;
      default: {
        const printed =
          outcome.kind === 'invalid' ? def.invalid(outcome.column) : outcome.kind === 'incomplete' ? def.incomplete : def.ambiguous(line.trim());
        return { config: body(config, family), rejected: { index, line, message: printed.filter((l) => l.trim() !== '').join('\n') } };
      }
    }
  }
  return { config: body(config, family) };
}

function body(config: RunningConfig, family: Personality): string {
  const lines = renderBody(config.nodes, personality(family));
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
