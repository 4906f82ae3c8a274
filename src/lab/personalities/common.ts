import { command, type Command } from '../grammar.js';
import type { ExecAction, ExecCommand, InterfaceParse, Mode } from '../personality.js';

/** `HOST>`, `HOST#`, `HOST(config)#`, `HOST(config-if)#`: the prompts IOS made the norm, and NetworkOS and FSOS 1.x kept. */
export function ciscoStylePrompt(hostname: string, mode: Mode): string {
  switch (mode.level) {
    case 'user':
      return `${hostname}>`;
    case 'exec':
      return `${hostname}#`;
    case 'config': {
      const section = mode.path.at(-1);
      return section === undefined ? `${hostname}(config)#` : `${hostname}(config-${section.prompt})#`;
    }
  }
}

export function exec(pattern: string, action: ExecAction, user = false): Command<ExecCommand>[] {
  return command<ExecCommand>(pattern, { action, user });
}

/** Commands every family has, spelled the same way. */
export function commonExecCommands(): Command<ExecCommand>[] {
  return [
    ...exec('show running-config', { do: 'show-running' }),
    ...exec('show startup-config', { do: 'show-startup' }),
    ...exec('show version', { do: 'show-version' }, true),
    ...exec('terminal length <number:n>', { do: 'terminal-length' }, true),
    ...exec('enable', { do: 'enable' }, true),
    ...exec('disable', { do: 'disable' }),
    ...exec('exit|quit|logout', { do: 'logout' }, true),
  ];
}

/**
 * Interface names given as `<type><numbers>` or `<type> <numbers>`, the type
 * possibly shortened (`gi1/0/1`, `Gi 1/0/1`, `eth-0-1`).
 */
export function parseTypedInterface(
  words: string[],
  types: { name: string; numbers: RegExp; minPrefix?: number }[],
): InterfaceParse {
  const first = words[0];
  if (first === undefined) return { incomplete: true };
  for (const type of types) {
    const lower = first.toLowerCase();
    const typeName = type.name.toLowerCase();
    for (let cut = lower.length; cut >= (type.minPrefix ?? 1); cut--) {
      const head = lower.slice(0, cut);
      if (!typeName.startsWith(head)) continue;
      const glued = first.slice(cut);
      const numbers = glued !== '' ? glued : words[1];
      const used = glued !== '' ? 1 : 2;
      if (numbers === undefined) return { incomplete: true };
      if (!type.numbers.test(numbers)) return { invalidWord: used - 1 };
      if (words.length > used) return { invalidWord: used };
      return { name: `${type.name}${numbers}` };
    }
  }
  return { invalidWord: 0 };
}
