/** A problem in a config text: its 1-based line and what was expected there. */
export interface ConfigProblem {
  line: number;
  message: string;
}

/**
 * What makes a config text unusable as a plan's input: a NUL byte (not a
 * text file), a control character in a line (it would reach the device as
 * a second keystroke), or an indented first line (a section's body with no
 * section). Everything else is a config, however odd.
 */
export function configProblems(text: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  let seenContent = false;
  text.replace(/\r\n?/g, '\n').split('\n').forEach((raw, index) => {
    const line = index + 1;
    if (raw.includes('\0')) {
      problems.push({ line, message: 'NUL byte; expected a text config' });
      return;
    }
    // eslint-disable-next-line no-control-regex
    if (/[\x01-\x08\x0b-\x1f\x7f]/.test(raw)) problems.push({ line, message: 'control character; expected printable text' });
    if (raw.trim() === '') return;
    if (!seenContent && /^\s/.test(raw)) problems.push({ line, message: 'indented line before any section; expected a top-level line' });
    seenContent = true;
  });
  return problems;
}
