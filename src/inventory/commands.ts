import { ExitCode } from '../exit-codes.js';
import { checkSites } from './check.js';

/** `onramp sites check [DIR]`: prints every problem; exit 0 when usable, 2 otherwise. */
export async function sitesCheckCommand(dir: string, templatesDir: string): Promise<number> {
  const report = await checkSites(dir, templatesDir);
  for (const warning of report.warnings) process.stderr.write(`warning: ${warning}\n`);
  for (const error of report.errors) process.stderr.write(`${error}\n`);
  if (report.errors.length > 0) return ExitCode.BadInput;
  process.stdout.write(`${report.sites} site(s), ${report.devices} device(s), ${report.portmap} port map entr${report.portmap === 1 ? 'y' : 'ies'}: OK\n`);
  return ExitCode.Ok;
}
