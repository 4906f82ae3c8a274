import { existsSync } from 'node:fs';
import { BackupKeyError, siteBackupKey } from '../backups/index.js';
import { intendedProblems } from '../config/index.js';
import { getProfile } from '../device/index.js';
import { renderTemplateText, TemplateError } from '../provision/render.js';
import { readFile } from 'node:fs/promises';
import { addressingProblems } from './addressing.js';
import { parkingProblems } from './check-parking.js';
import { CredentialError, resolveCredentials } from './credentials.js';
import { formatProblem, SiteFileError } from './errors.js';
import { intendedExpectations } from './baselines.js';
import { loadInventory, type SiteOverlay } from './load.js';
import { templateVars } from './inventory.js';
import { templatePath } from './models.js';
import type { Credentials, CredentialRef, Site } from './types.js';

export interface SitesCheckReport {
  sites: number;
  devices: number;
  portmap: number;
  /** Each stops the sites from being used: `file:line: path: message`. */
  errors: string[];
  /** Worth fixing, not fatal here (a secret not set in this shell, say). */
  warnings: string[];
}

/** Stand-in secrets: templates are checked for shape, not for the real values. */
const PLACEHOLDER: Credentials = { username: 'admin', password: 'placeholder', enableSecret: 'placeholder' };

/**
 * Credentials resolved as a job would resolve them: a secret file a job would
 * refuse (missing, not a file, unreadable, mode other than 0600/0400, empty)
 * is an error; an environment variable not set in this shell only a warning.
 */
function credentialProblems(site: Site): { errors: string[]; warnings: string[] } {
  const refs: [string, CredentialRef | undefined][] = [['credentials', site.credentials], ['factoryCredentials', site.factoryCredentials]];
  const found = { errors: [] as string[], warnings: [] as string[] };
  for (const [name, ref] of refs) {
    if (ref === undefined) continue;
    try {
      resolveCredentials(ref, site);
    } catch (err) {
      if (!(err instanceof CredentialError)) throw err;
      (err.fromEnvironment ? found.warnings : found.errors).push(`${err.message} (${name})`);
    }
  }
  return found;
}

/**
 * `onramp sites check`: the site files validate, baselines exist, and the
 * template of every device and port map entry renders with its variables.
 */
export async function checkSites(baselinesDir: string, templatesDir: string, overlay?: SiteOverlay): Promise<SitesCheckReport> {
  const report: SitesCheckReport = { sites: 0, devices: 0, portmap: 0, errors: [], warnings: [] };
  let inventory;
  try {
    inventory = await loadInventory(baselinesDir, templatesDir, overlay);
  } catch (err) {
    if (!(err instanceof SiteFileError)) throw err;
    report.errors.push(...err.problems.map(formatProblem));
    return report;
  }
  report.errors.push(...addressingProblems(inventory.sites));
  const sources = new Map<string, string | undefined>();
  const templateSource = async (model: string): Promise<string | undefined> => {
    if (!sources.has(model)) {
      const file = templatePath(templatesDir, model);
      sources.set(model, existsSync(file) ? await readFile(file, 'utf8') : undefined);
    }
    return sources.get(model);
  };
  for (const site of inventory.sites) {
    report.sites++;
    const credentials = credentialProblems(site);
    report.errors.push(...credentials.errors);
    report.warnings.push(...credentials.warnings);
    if (site.backups.restorable) {
      try {
        siteBackupKey(site);
      } catch (err) {
        if (!(err instanceof BackupKeyError)) throw err;
        // Not set here is what the service may still have; set and not a key fails wherever it runs.
        const unset = process.env[site.backups.keyEnv] === undefined || process.env[site.backups.keyEnv] === '';
        (unset ? report.warnings : report.errors).push(`${site.file}: backups.restorable: ${err.message}`);
      }
    }
    const parking = await parkingProblems(site, templatesDir, { ...PLACEHOLDER, username: site.credentials.username });
    report.errors.push(...parking.errors);
    report.warnings.push(...parking.warnings);
    const entries = [
      ...site.devices.map((device, index) => ({ entry: device, path: `devices[${index}]`, needsTemplate: device.intended === 'template' })),
      ...site.portmap.map((entry, index) => ({ entry, path: `portmap[${index}]`, needsTemplate: true })),
    ];
    report.devices += site.devices.length;
    report.portmap += site.portmap.length;
    for (const { entry, path, needsTemplate } of entries) {
      const where = `${entry.source.file}:${entry.source.line ?? '?'}: ${path}`;
      const source = await templateSource(entry.model);
      if (source === undefined) {
        if (needsTemplate) report.errors.push(`${where}: no template ${templatePath(templatesDir, entry.model)} for model ${entry.model}`);
        continue;
      }
      const file = templatePath(templatesDir, entry.model);
      try {
        const rendered = renderTemplateText(source, templateVars(site, entry, { ...PLACEHOLDER, username: site.credentials.username }), file);
        // Where the template is the golden config, it must pass what a baseline passes, or every push of it is refused.
        if (needsTemplate) {
          for (const problem of intendedProblems(rendered, getProfile(entry.profile).tree, intendedExpectations(site, entry))) {
            report.errors.push(`${where} (${entry.hostname}): ${file} renders a config with ${problem.message}`);
          }
        }
      } catch (err) {
        if (!(err instanceof TemplateError)) throw err;
        report.errors.push(`${where} (${entry.hostname}): ${err.message}`);
      }
    }
  }
  return report;
}
