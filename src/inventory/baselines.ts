import { readFile } from 'node:fs/promises';
import { intendedProblems, type IntendedExpectations } from '../config/index.js';
import { getProfile } from '../device/index.js';
import type { SiteProblem } from './errors.js';
import type { Site, SiteDevice } from './types.js';

export interface LoadedBaselines {
  /** Baseline text by absolute file path; only files that passed validation. */
  texts: Map<string, string>;
  problems: SiteProblem[];
}

/**
 * Reads and validates the golden config of every device whose intended
 * config is its baseline, so that a baseline that would rename the device
 * or lock onramp out stops start-up (or a reload) with its file:line,
 * instead of surfacing as a harmful plan at check time.
 */
/**
 * What the golden config of `entry` at `site` must hold. A site that lets
 * plans change the login user may leave it out; one that lets them change
 * the management address or interface, or gives the device no fixed `ip:`,
 * is not held to keeping that address.
 */
export function intendedExpectations(site: Site, entry: Pick<SiteDevice, 'hostname'> & Partial<Pick<SiteDevice, 'ip' | 'ipFromDhcp'>>): IntendedExpectations {
  const expect: IntendedExpectations = { hostname: entry.hostname };
  if (!site.policy.allow.includes('login-user')) expect.loginUser = site.credentials.username;
  const mayMove = site.policy.allow.includes('mgmt-address') || site.policy.allow.includes('mgmt-interface');
  if (!mayMove && entry.ipFromDhcp !== true && entry.ip !== undefined) expect.mgmtAddress = entry.ip;
  return expect;
}

export async function loadBaselines(sites: readonly Site[]): Promise<LoadedBaselines> {
  const loaded: LoadedBaselines = { texts: new Map(), problems: [] };
  for (const site of sites) {
    for (const device of site.devices) {
      const file = device.baselineFile;
      if (device.intended !== 'baseline' || file === undefined) continue;
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        loaded.problems.push({ file, path: '', message: `cannot read the baseline of ${device.hostname} (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
        continue;
      }
      const found = intendedProblems(text, getProfile(device.profile).tree, intendedExpectations(site, device));
      for (const problem of found) {
        const located: SiteProblem = { file, path: '', message: `baseline of ${device.hostname}: ${problem.message}` };
        if (problem.line !== undefined) located.line = problem.line;
        loaded.problems.push(located);
      }
      if (found.length === 0) loaded.texts.set(file, text);
    }
  }
  return loaded;
}
