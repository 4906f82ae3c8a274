import { parseConfigTree } from '../config/index.js';
import type { Profile } from '../device/index.js';

/** A port's section: an interface the family keeps when a config does not mention it (it cannot be deleted). */
function isPortSection(text: string, profile: Profile): boolean {
  return /^interface\s/i.test(text) && profile.remediation.keepWhenAbsent.some((pattern) => pattern.test(text));
}

/**
 * `intended` with an empty section for every port that is configured in
 * `running` and that `intended` does not mention. A plan leaves such ports
 * as they are (emptying one could bring a retired port up); this says they
 * are to be emptied, for a switch whose ports onramp itself configured, as
 * a parked switch's are: what parking shut is opened again when the switch
 * becomes what it was assigned to be.
 */
export function withPortsReset(intended: string, running: string, profile: Profile): string {
  const wanted = new Set(parseConfigTree(intended, profile.tree).map((node) => node.text));
  const reset = parseConfigTree(running, profile.tree)
    .filter((node) => node.children.length > 0 && isPortSection(node.text, profile) && !wanted.has(node.text))
    .map((node) => `${node.text}\n!`);
  if (reset.length === 0) return intended;
  const body = intended.replace(/\n(?:end\n!?\n?|end)?\s*$/, '\n');
  return `${body}${reset.join('\n')}\nend\n`;
}
