import type { EngineCore } from '../core.js';
import { writeTarget } from './output.js';
import type { Action } from './parse.js';

/**
 * In a rehearsal (`onramp rules test`), an action whose effect leaves the
 * engine is described instead of done; true when it was. Programs are
 * described where they would start (Processes); writes to standard output,
 * contexts, variables and events are carried out.
 */
export function rehearsed(core: EngineCore, a: Action, desc: string, arg: (i: number) => string): boolean {
  const say = core.options.rehearse;
  if (say === undefined) return false;
  switch (a.kind) {
    case 'logonly':
      say('logonly', arg(0));
      return true;
    case 'write':
    case 'writen':
    case 'owritecl': {
      if (arg(0) === '-') return false;
      const file = writeTarget(core, a, arg(0), desc);
      if (file !== undefined) say(a.kind, `${file}: ${arg(1)}`);
      return true;
    }
    case 'udgram':
    case 'ustream':
    case 'udpsock':
    case 'tcpsock':
      say(a.kind, `${arg(0)}: ${arg(1)}`);
      return true;
    case 'onboard':
    case 'check':
    case 'provision':
    case 'backup':
      say(a.kind, a.args.map((_, i) => arg(i)).join(' '));
      return true;
    default:
      return false;
  }
}
