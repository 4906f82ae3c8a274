/**
 * How an external command line is run. Perl's exec(STRING), which SEC uses,
 * only involves /bin/sh when the line has shell metacharacters; otherwise the
 * line is split on whitespace and run directly. onramp decides that once, on
 * the rule's own text: a line without metacharacters is split at load time and
 * event values fill single arguments, never a shell.
 */
export interface CommandPlan {
  template: string;
  /** Argument templates when no shell is needed; undefined: run with /bin/sh -c. */
  argv: string[] | undefined;
}

const SHELL_META = /[$&*(){}[\]'";\\|?<>~`\n]/;

export function splitArgs(text: string): string[] {
  return text.split(/[ \t\n\r\f\v]+/).filter((w) => w.length > 0);
}

/** Perl's test in doexec: a shell is needed for metacharacters, `exec …` or a leading VAR=value. */
export function needsShell(command: string): boolean {
  const trimmed = command.replace(/^[ \t\n\r\f\v]+/, '');
  if (/^exec\s/.test(trimmed)) return true;
  if (/^[A-Za-z_]\w*=/.test(trimmed)) return true;
  return SHELL_META.test(command);
}

export function planCommand(template: string, shellAllowed: boolean): CommandPlan {
  // Match variables ($1, $+{x}) are placeholders, not shell syntax, for this decision.
  const withoutVars = template.replace(/\$(?:\$|\d+|\{\d+\}|\+\{[\w!]+\}|:\{\w+:[\w!]+\})/g, 'x');
  if (!shellAllowed || !needsShell(withoutVars)) return { template, argv: splitArgs(template) };
  return { template, argv: undefined };
}
