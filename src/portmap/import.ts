import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Document, isMap, isNode, isScalar, isSeq, parseDocument } from 'yaml';
import { checkSites, parseSite, SiteFileError, SITE_FILE, type Origins, type SiteProblem } from '../inventory/index.js';
import { StateStore } from '../state/index.js';
import { columnOfKey } from './columns.js';
import { parseCsv, type CsvProblem } from './csv.js';
import { portmapRows, type PortmapRow } from './rows.js';
import { findSiteFile, PortmapError } from './site-file.js';

export interface ImportOptions {
  sitesDir: string;
  templatesDir: string;
  site: string;
  csvFile: string;
  /** Validate only: the site file is left as it is. */
  dryRun?: boolean;
}

export interface ImportResult {
  siteFile: string;
  entries: number;
  written: boolean;
  /** `file:line: column: what was expected`, one per problem; nothing is written when there is any. */
  problems: string[];
  warnings: string[];
}

/** A problem as the user reads it; one in an imported row is named by its CSV line and column. */
function formatted(csvFile: string, problem: SiteProblem): string {
  const where = problem.line === undefined ? problem.file : `${problem.file}:${String(problem.line)}`;
  const inRow = problem.file === csvFile ? /^portmap\[\d+\](?:\.(.*))?$/.exec(problem.path) : null;
  if (inRow === null) return problem.path === '' ? `${where}: ${problem.message}` : `${where}: ${problem.path}: ${problem.message}`;
  const column = inRow[1] === undefined ? undefined : columnOfKey(inRow[1].split('.'));
  return column === undefined ? `${where}: ${problem.message}` : `${where}: ${column}: ${problem.message}`;
}

/** The rows as a `portmap:` block, written as the example site writes entries. */
function portmapBlock(rows: readonly PortmapRow[]): string {
  const block = new Document({ portmap: rows.map((row) => row.entry) });
  const seq = block.get('portmap', true);
  // One block per entry, its uplink and vars on one line; a MAC quoted (a YAML 1.1 reader would take 00:11:22:33:44:55 for a number).
  if (isSeq(seq)) {
    for (const item of seq.items) {
      if (!isMap(item)) continue;
      for (const key of ['uplink', 'vars']) {
        const inner = item.get(key, true);
        if (isMap(inner)) inner.flow = true;
      }
      const mac = item.get('mac', true);
      if (isScalar(mac)) mac.type = 'QUOTE_DOUBLE';
    }
  }
  return block.toString({ lineWidth: 0 });
}

/**
 * The site file with its port map replaced by the rows. Only the old
 * `portmap:` entry's text is replaced; every other byte of the file, comments
 * and layout included, stays as it was.
 */
function withPortmap(original: string, doc: Document, rows: readonly PortmapRow[]): string {
  const block = portmapBlock(rows);
  const root = doc.contents;
  const pair = isMap(root) && !root.flow ? root.items.find((item) => isScalar(item.key) && item.key.value === 'portmap') : undefined;
  if (pair === undefined) return `${original}${original === '' || original.endsWith('\n') ? '' : '\n'}${block}`;
  const start = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
  const valueEnd = isNode(pair.value) ? pair.value.range?.[1] : (isScalar(pair.key) ? pair.key.range?.[1] : undefined);
  if (start === undefined || valueEnd === undefined) throw new Error('the site file\'s portmap has no source range');
  // The rest of the value's last line, then comment lines still indented under the old entries, went with them.
  let end = original.indexOf('\n', valueEnd);
  end = end < 0 ? original.length : end + 1;
  const leftover = /[ \t]+#[^\n]*(?:\n|$)/y;
  leftover.lastIndex = end;
  while (end < original.length && leftover.test(original)) end = leftover.lastIndex;
  return original.slice(0, start) + block + original.slice(end);
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new PortmapError(`${file}: cannot read ${what} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/**
 * `onramp portmap import SITE FILE.csv`: the site's port map becomes the
 * CSV's rows. The result is validated as `onramp sites check` validates a
 * hand-written site file, every problem is reported with the CSV line it
 * comes from, and the site file is written (atomically, the rest of it
 * untouched) only when there is none.
 */
export async function importPortmap(options: ImportOptions): Promise<ImportResult> {
  const siteFile = await findSiteFile(options.sitesDir, options.site);
  const csv = parseCsv(await readText(options.csvFile, 'the port map CSV'));
  const { rows, problems: rowProblems } = portmapRows(csv.records);
  const result: ImportResult = { siteFile, entries: rows.length, written: false, problems: [], warnings: [] };
  const problems: SiteProblem[] = [...csv.problems, ...rowProblems]
    .map((problem: CsvProblem) => ({ file: options.csvFile, line: problem.line, path: '', message: problem.message }));
  const report = (): ImportResult => {
    // The CSV's problems in line order, then the site file's.
    const rank = (problem: SiteProblem): number => (problem.file === options.csvFile ? problem.line ?? 0 : Number.MAX_SAFE_INTEGER);
    result.problems.push(...problems.sort((a, b) => rank(a) - rank(b)).map((problem) => formatted(options.csvFile, problem)));
    return result;
  };

  const original = await readText(siteFile, 'the site file');
  const doc = parseDocument(original);
  const origins: Origins = (path) => {
    const [key, index] = path;
    const row = key === 'portmap' && typeof index === 'number' ? rows[index] : undefined;
    return row === undefined ? undefined : { file: options.csvFile, line: row.line };
  };
  // Not a document to edit when it does not parse: its own check says where.
  const candidate = doc.errors.length > 0 ? original : withPortmap(original, doc, rows);
  try {
    parseSite(siteFile, candidate, doc.errors.length > 0 ? undefined : origins);
  } catch (err) {
    if (!(err instanceof SiteFileError)) throw err;
    problems.push(...err.problems);
  }
  if (problems.length > 0 || doc.errors.length > 0) return report();
  // What a site file must pass beyond itself: other sites, baselines, every entry's template rendering.
  const check = await checkSites(options.sitesDir, options.templatesDir, { file: siteFile, text: candidate, origins });
  result.problems.push(...check.errors);
  result.warnings.push(...check.warnings);
  if (result.problems.length > 0 || options.dryRun === true) return result;

  if (await readText(siteFile, 'the site file') !== original) {
    throw new PortmapError(`${siteFile} changed while the port map was imported; nothing written, run the import again`);
  }
  const { mode } = await stat(siteFile);
  await new StateStore(dirname(siteFile)).writeText([SITE_FILE], candidate, mode & 0o777);
  result.written = true;
  return result;
}
