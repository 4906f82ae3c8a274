import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { loadSite } from '../inventory/index.js';
import { COLUMNS, type ColumnKey } from './columns.js';
import { formatCsv } from './csv.js';
import { findSiteFile } from './site-file.js';
import { formatVars } from './vars.js';

type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function cell(entry: Plain, key: ColumnKey): string {
  if (key === 'vars') return isPlain(entry.vars) ? formatVars(entry.vars) : '';
  const [outer, inner] = key.split('.') as [string, string | undefined];
  const value = inner === undefined ? entry[outer] : isPlain(entry[outer]) ? entry[outer][inner] : undefined;
  // A validated site file holds only scalars here.
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

/**
 * `onramp portmap export SITE`: the site's port map as CSV, every column,
 * values as written in the site file (a profile left to the model stays
 * blank), so that importing it again gives the same port map. The site file
 * must be valid: an export is not a way to carry a broken entry on.
 */
export async function exportPortmap(sitesDir: string, site: string): Promise<string> {
  const file = await findSiteFile(sitesDir, site);
  await loadSite(file);
  const root: unknown = parseDocument(await readFile(file, 'utf8')).toJS();
  const entries = isPlain(root) && Array.isArray(root.portmap) ? root.portmap.filter(isPlain) : [];
  return formatCsv([
    COLUMNS.map((column) => column.name),
    ...entries.map((entry) => COLUMNS.map((column) => cell(entry, column.key))),
  ]);
}
