import { Events } from '../../log/events.js';
import type { EngineCore } from '../core.js';
import { substAction } from '../substitute.js';
import type { ActionFamily } from './handler.js';
import type { Action } from './parse.js';
import { staysInside } from './write-target.js';

/** logonly, write, writen, owritecl, closef: text to the log, standard output or files. */
export const outputActions: ActionFamily<'logonly' | 'write' | 'writen' | 'owritecl' | 'closef'> = {
  logonly(core, _a, _desc, arg) {
    core.logger.info({ event: Events.ruleLogonly }, arg(0));
    return undefined;
  },
  write(core, a, desc, arg) {
    const file = writeTarget(core, a, arg(0), desc);
    if (file !== undefined) core.outputs.write(file, `${arg(1)}\n`);
    return undefined;
  },
  writen(core, a, desc, arg) {
    const file = writeTarget(core, a, arg(0), desc);
    if (file !== undefined) core.outputs.write(file, arg(1));
    return undefined;
  },
  owritecl(core, a, desc, arg) {
    const file = writeTarget(core, a, arg(0), desc);
    if (file !== undefined) core.outputs.writeOnce(file, arg(1));
    return undefined;
  },
  closef(core, _a, _desc, arg) {
    core.outputs.close(arg(0));
    return undefined;
  },
};

/** The file a write action goes to, or undefined (logged) when event values took it out of its directory. */
export function writeTarget(core: EngineCore, a: Action, file: string, desc: string): string | undefined {
  if (a.targetDirectory === undefined || file === '-') return file;
  const directory = substAction(a.targetDirectory, core.lookup(desc));
  if (staysInside(file, directory)) return file;
  core.logger.warn(
    { event: Events.ruleError, action: a.kind, file, directory: directory === '' ? '.' : directory },
    `${a.kind} refused: event values take the file name out of its directory`,
  );
  return undefined;
}
