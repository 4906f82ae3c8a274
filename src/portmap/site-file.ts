import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { parseDocument } from 'yaml';
import { siteFiles } from '../inventory/index.js';

export class PortmapError extends Error {}

/** The site.yaml of the site named `site` (its `name:`, or the name of its folder) below `sitesDir`. */
export async function findSiteFile(sitesDir: string, site: string): Promise<string> {
  const files = await siteFiles(sitesDir);
  const names: string[] = [];
  for (const file of files) {
    if (basename(dirname(file)) === site) return file;
    const name: unknown = parseDocument(await readFile(file, 'utf8')).get('name');
    if (name === site) return file;
    names.push(typeof name === 'string' ? name : basename(dirname(file)));
  }
  throw new PortmapError(`no site ${JSON.stringify(site)} in ${sitesDir} (sites: ${names.length > 0 ? names.join(', ') : 'none'})`);
}
