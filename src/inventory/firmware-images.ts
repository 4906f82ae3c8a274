import { digestFile } from '../firmware/digest.js';
import type { SiteProblem } from './errors.js';
import type { Site } from './types.js';

/**
 * Every image a site has onramp serve is read and hashed at load: one whose
 * SHA-256 is not the site's stops start-up (or a reload) with its file:line,
 * so a switch is never handed an image its site does not vouch for.
 */
export async function firmwareImageProblems(sites: readonly Site[]): Promise<SiteProblem[]> {
  const problems: SiteProblem[] = [];
  for (const site of sites) {
    for (const target of site.firmware) {
      if (target.image.kind !== 'file') continue;
      const problem = (message: string): SiteProblem => ({
        file: site.file, path: `firmware.${target.model}.image`, message,
        ...(target.source.line === undefined ? {} : { line: target.source.line }),
      });
      try {
        const digest = await digestFile(target.image.path);
        if (digest.sha256 !== target.sha256) {
          problems.push(problem(`${target.image.path} has SHA-256 ${digest.sha256}, not the ${target.sha256} the site names`));
        }
      } catch (err) {
        problems.push(problem(`${target.image.path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`));
      }
    }
  }
  return problems;
}
