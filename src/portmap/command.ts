import { writeFile } from 'node:fs/promises';
import { ExitCode } from '../exit-codes.js';
import { formatProblem, SiteFileError } from '../inventory/index.js';
import { exportPortmap } from './export.js';
import { importPortmap } from './import.js';
import { PortmapError } from './site-file.js';

export interface PortmapCommandOptions {
  sites: string;
  templates: string;
  dryRun?: boolean;
}

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

const STD_IO: Io = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };

/** Bad input (a missing site, an unreadable or invalid file) is reported, exit 2; anything else is a bug and thrown. */
async function reporting(io: Io, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof SiteFileError) io.err(`${err.problems.map(formatProblem).join('\n')}\n`);
    else if (err instanceof PortmapError) io.err(`${err.message}\n`);
    else throw err;
    return ExitCode.BadInput;
  }
}

/** `onramp portmap import SITE FILE`: exit 0 imported (or valid, with --dry-run), 2 with every problem listed and nothing written. */
export async function portmapImportCommand(site: string, file: string, options: PortmapCommandOptions, io: Io = STD_IO): Promise<number> {
  return reporting(io, async () => {
    const result = await importPortmap({ sitesDir: options.sites, templatesDir: options.templates, site, csvFile: file, dryRun: options.dryRun === true });
    for (const warning of result.warnings) io.err(`warning: ${warning}\n`);
    if (result.problems.length > 0) {
      io.err(`${result.problems.join('\n')}\n${file}: ${String(result.problems.length)} problem(s); ${result.siteFile} not changed\n`);
      return ExitCode.BadInput;
    }
    const entries = `${String(result.entries)} port map entr${result.entries === 1 ? 'y' : 'ies'}`;
    io.out(result.written ? `${result.siteFile}: ${entries} imported from ${file}\n` : `${file}: ${entries}, valid for ${result.siteFile} (dry run, not written)\n`);
    return ExitCode.Ok;
  });
}

/** `onramp portmap export SITE [FILE]`: the CSV to FILE, or to stdout. */
export async function portmapExportCommand(site: string, file: string | undefined, options: { sites: string }, io: Io = STD_IO): Promise<number> {
  return reporting(io, async () => {
    const csv = await exportPortmap(options.sites, site);
    if (file === undefined || file === '-') io.out(csv);
    else await writeFile(file, csv, 'utf8');
    return ExitCode.Ok;
  });
}
