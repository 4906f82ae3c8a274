import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { intendedProblems } from '../config/index.js';
import { getProfile } from '../device/index.js';
import { renderTemplateText, TemplateError } from '../provision/render.js';
import { intendedExpectations } from './baselines.js';
import { templateVars } from './inventory.js';
import { templatePath } from './models.js';
import { parkedHostname, parkingTemplate } from './parking.js';
import type { Credentials, Site } from './types.js';

/** A MAC no switch has, for the parked hostname a template is checked with. */
const SAMPLE_MAC = '00:00:00:00:00:00';

/**
 * What `sites check` says about parking, for a site that parks (the default)
 * and has a port map: the parking template of every family its port map
 * names must render, and be a config the push would accept (its hostname,
 * the site login). A family without one is a warning: an unknown switch of
 * it would be reported, not parked.
 */
export async function parkingProblems(site: Site, templatesDir: string, credentials: Credentials): Promise<{ errors: string[]; warnings: string[] }> {
  const found = { errors: [] as string[], warnings: [] as string[] };
  if (site.policy.unknown !== 'park' || site.portmap.length === 0) return found;
  const families = [...new Set(site.portmap.map((entry) => entry.profile).filter((profile) => profile !== 'generic'))];
  const wanted = site.parking.template === undefined
    ? families.map((family) => ({ family, template: parkingTemplate(site, family) ?? '' }))
    : [{ family: families[0] ?? 'generic', template: parkingTemplate(site, undefined) ?? '' }];
  for (const { family, template } of wanted) {
    const file = templatePath(templatesDir, template);
    if (!existsSync(file)) {
      const hint = site.parking.template === undefined ? ' (or name one with parking.template)' : '';
      (site.parking.template === undefined ? found.warnings : found.errors).push(`${site.file}: no parking template ${file}: an unknown ${family} switch would be reported, not parked${hint}`);
      continue;
    }
    const hostname = parkedHostname(SAMPLE_MAC);
    try {
      const vars = templateVars(site, { hostname, model: family, vars: { parked: { mac: SAMPLE_MAC, serial: 'SERIAL', model: 'MODEL' } } }, credentials);
      const rendered = renderTemplateText(await readFile(file, 'utf8'), vars, file);
      for (const problem of intendedProblems(rendered, getProfile(family).tree, intendedExpectations(site, { hostname }))) {
        found.errors.push(`${site.file}: parking: ${file} renders a config with ${problem.message}`);
      }
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      found.errors.push(`${site.file}: parking: ${err.message}`);
    }
  }
  return found;
}
