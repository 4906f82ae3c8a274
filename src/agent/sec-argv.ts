/**
 * SEC parses its options with Perl's Getopt::Long, which takes `-conf=FILE`
 * as readily as `--conf=FILE`. Start-up lines written for SEC may use either,
 * so single-dash long options after `run` are rewritten to the double-dash
 * form commander expects. Short options (`-n`), a lone `-` (stdin) and
 * option values are left alone.
 */
export function normaliseSecArgv(argv: readonly string[]): string[] {
  const out = [...argv];
  const runAt = out.indexOf('run', 2);
  if (runAt === -1 || out.slice(2, runAt).some((arg) => !arg.startsWith('-'))) return out;
  for (let i = runAt + 1; i < out.length; i++) {
    const arg = out[i];
    if (arg === undefined || arg === '--') break;
    if (/^-[a-z][a-z-]+(=|$)/.test(arg)) out[i] = `-${arg}`;
  }
  return out;
}
