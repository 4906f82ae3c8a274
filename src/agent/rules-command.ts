import { Engine, forEachLine, loadRules } from '../engine/index.js';
import { silentLogger } from '../log/index.js';
import { ExitCode } from '../exit-codes.js';

/** `onramp rules check FILE…`: every file on its own, so one bad file does not hide the others' errors. */
export async function rulesCheckCommand(files: string[]): Promise<number> {
  let bad = 0;
  for (const file of files) {
    try {
      const rules = await loadRules([file]);
      for (const summary of rules.summary()) process.stdout.write(`${summary.file}: ${summary.count} rules OK\n`);
    } catch (err) {
      bad++;
      const errors = err instanceof AggregateError ? err.errors : [err];
      for (const e of errors) process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
  return bad === 0 ? ExitCode.Ok : ExitCode.BadInput;
}

/**
 * `onramp rules test FILE --input LOG`: replays a log through the rules and
 * prints, under each line that set something off, which action lists fired
 * and what they would do. Nothing is run, written or pushed (`write -` output
 * is shown as it would appear).
 */
export async function rulesTestCommand(file: string, input: string): Promise<number> {
  let rules;
  try {
    rules = await loadRules([file]);
  } catch (err) {
    const errors = err instanceof AggregateError ? err.errors : [err];
    for (const e of errors) process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    return ExitCode.BadInput;
  }
  let pending: string[] = [];
  const engine = new Engine(rules, {
    logger: silentLogger(),
    output: (text) => {
      for (const line of text.split('\n').slice(0, -1)) pending.push(`    write -: ${line}`);
    },
    rehearse: (what, detail) => {
      pending.push(what === 'fired' ? `  fired: ${detail}` : `    ${what}: ${detail}`);
    },
  });
  engine.start();
  let lineNo = 0;
  let matched = 0;
  const report = (where: string): void => {
    if (pending.length === 0) return;
    matched++;
    process.stdout.write(`${where}\n${pending.join('\n')}\n`);
    pending = [];
  };
  try {
    forEachLine(input, (line) => {
      lineNo++;
      engine.processLine(line, input);
      engine.flushOutput();
      report(`${input}:${lineNo}: ${line}`);
    });
  } catch (err) {
    process.stderr.write(`${input}: ${err instanceof Error ? err.message : String(err)}\n`);
    return ExitCode.BadInput;
  }
  await engine.close(false);
  report('at the end of the input');
  process.stdout.write(`${lineNo} lines, ${matched} set off an action\n`);
  return ExitCode.Ok;
}
