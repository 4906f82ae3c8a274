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

/** How a family reads interface names beyond `<type><numbers>`. */
export interface InterfaceNaming {
  /** Words allowed after the name (`point-to-point` after an IOS sub-interface). */
  trailing?: readonly string[];
  /** A name typed as printed, type in full and glued to its number, keeps its spelling (`loopback0`, `VLAN1` as NX-OS and IOS 12.0 print them). */
  keepFullSpelling?: boolean;
}

/**
 * Interface names given as `<type><numbers>` or `<type> <numbers>`, the type
 * possibly shortened (`gi1/0/1`, `Gi 1/0/1`, `eth-0-1`).
 */
export function parseTypedInterface(
  words: string[],
  types: { name: string; numbers: RegExp; minPrefix?: number }[],
  naming: InterfaceNaming = {},
): InterfaceParse {
  const first = words[0];
  if (first === undefined) return { incomplete: true };
  const lower = first.toLowerCase();
  // The longest typed head wins (`atm0/0` is ATM, not a shortened AppGigabitEthernet); among types it fits, the first listed.
  for (let cut = lower.length; cut >= 1; cut--) {
    const head = lower.slice(0, cut);
    const type = types.find((t) => cut >= (t.minPrefix ?? 1) && t.name.toLowerCase().startsWith(head));
    if (type !== undefined) {
      const typeName = type.name.toLowerCase();
      const glued = first.slice(cut);
      const numbers = glued !== '' ? glued : words[1];
      const used = glued !== '' ? 1 : 2;
      if (numbers === undefined) return { incomplete: true };
      if (!type.numbers.test(numbers)) return { invalidWord: used - 1 };
      const trailing = words.slice(used);
      const allowed = trailing.length === 1 && (naming.trailing ?? []).includes(trailing[0]?.toLowerCase() ?? '');
      if (trailing.length > 0 && !allowed) return { invalidWord: used };
      const spelled = naming.keepFullSpelling === true && head === typeName && glued !== '' ? first.slice(0, cut) : type.name;
      return { name: [`${spelled}${numbers}`, ...(allowed ? trailing : [])].join(' ') };
    }
  }
  return { invalidWord: 0 };
}
