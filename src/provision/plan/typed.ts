/** Commands to type at one path; `opens` when typing them leaves the device inside the section the first one adds. */
export interface TypedStep {
  path: readonly string[];
  commands: readonly string[];
  opens: boolean;
}

export interface TypedLines {
  lines: string[];
  /** For each line, the index of the step it types, or -1 for a section entry or exit. */
  stepOf: number[];
}

/**
 * Steps as the lines typed in config mode: between two steps, the exits
 * out of sections the next one is not in, and the entries into its own;
 * at the end, exits back to the top level.
 */
export function typeSteps(steps: readonly TypedStep[], exitOf: (section: readonly string[]) => string): TypedLines {
  const lines: string[] = [];
  const stepOf: number[] = [];
  const current: string[] = [];
  const leaveTo = (depth: number): void => {
    while (current.length > depth) {
      lines.push(exitOf(current));
      current.pop();
      stepOf.push(-1);
    }
  };
  steps.forEach((step, index) => {
    let common = 0;
    while (common < current.length && common < step.path.length && current[common] === step.path[common]) common++;
    leaveTo(common);
    for (const opener of step.path.slice(common)) {
      lines.push(opener);
      stepOf.push(-1);
      current.push(opener);
    }
    for (const command of step.commands) {
      lines.push(command);
      stepOf.push(index);
    }
    const opened = step.commands[0];
    if (step.opens && opened !== undefined) current.push(opened);
  });
  leaveTo(0);
  return { lines, stepOf };
}
