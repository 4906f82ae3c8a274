import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { loadBaselines } from './baselines.js';
import { SiteFileError, type SiteProblem } from './errors.js';
import { firmwareImageProblems } from './firmware-images.js';
import { Inventory } from './inventory.js';
import type { Site } from './types.js';
import { SiteValidator, type Origins } from './validate.js';

export const SITE_FILE = 'site.yaml';

/**
 * A site file's text to validate in place of what is on disk (a port map
 * import checks its result before writing it), and where its parts came from.
 */
export interface SiteOverlay {
  file: string;
  text: string;
  origins?: Origins;
}

/** Parses and validates one site file; throws SiteFileError listing every problem. */
export async function loadSite(file: string): Promise<Site> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new SiteFileError([{ file: path, path: '', message: `cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})` }]);
  }
  return parseSite(path, text);
}

export function parseSite(file: string, text: string, origins?: Origins): Site {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new SiteFileError(doc.errors.map((error) => {
      const problem: SiteProblem = { file, path: '', message: `YAML: ${error.message.split('\n')[0] ?? error.code}` };
      problem.line = lines.linePos(error.pos[0]).line;
      return problem;
    }));
  }
  const dir = resolve(file, '..');
  const validator = new SiteValidator(file, dir, doc, lines, existsSync, origins);
  const site = validator.validate();
  if (site === undefined) throw new SiteFileError(validator.problems);
  return site;
}

/** Folders of `baselinesDir` that hold a site.yaml, in name order. */
export async function siteFiles(baselinesDir: string): Promise<string[]> {
  const root = resolve(baselinesDir);
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (err) {
    throw new SiteFileError([{ file: root, path: '', message: `cannot read the sites folder (${(err as NodeJS.ErrnoException).code ?? 'error'})` }]);
  }
  return entries
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, SITE_FILE)))
    .map((entry) => join(root, entry.name, SITE_FILE))
    .sort();
}

/**
 * Every site below `baselinesDir`, with its devices' baselines read and
 * validated. All files are validated before anything is thrown, so one run
 * reports every problem of every file.
 */
export async function loadInventory(baselinesDir: string, templatesDir: string, overlay?: SiteOverlay): Promise<Inventory> {
  const files = await siteFiles(baselinesDir);
  const problems: SiteProblem[] = [];
  const sites: Site[] = [];
  for (const file of files) {
    try {
      sites.push(overlay !== undefined && resolve(overlay.file) === file
        ? parseSite(file, overlay.text, overlay.origins)
        : await loadSite(file));
    } catch (err) {
      if (!(err instanceof SiteFileError)) throw err;
      problems.push(...err.problems);
    }
  }
  problems.push(...crossSiteProblems(sites));
  const baselines = await loadBaselines(sites);
  problems.push(...baselines.problems);
  problems.push(...await firmwareImageProblems(sites));
  if (problems.length > 0) throw new SiteFileError(problems);
  return new Inventory(sites, resolve(baselinesDir), resolve(templatesDir), baselines.texts);
}

function crossSiteProblems(sites: Site[]): SiteProblem[] {
  const problems: SiteProblem[] = [];
  const names = new Map<string, Site>();
  const hosts = new Map<string, Site>();
  for (const site of sites) {
    const other = names.get(site.name);
    if (other !== undefined) problems.push({ file: site.file, path: 'name', message: `site ${site.name} is also defined in ${other.file}` });
    names.set(site.name, site);
    for (const entry of [...site.devices, ...site.portmap]) {
      const key = entry.hostname.toLowerCase();
      const owner = hosts.get(key);
      if (owner !== undefined && owner !== site) {
        const problem: SiteProblem = { file: entry.source.file, path: 'hostname', message: `${entry.hostname} is also defined in ${owner.file}` };
        if (entry.source.line !== undefined) problem.line = entry.source.line;
        problems.push(problem);
      }
      hosts.set(key, site);
    }
  }
  return problems;
}
