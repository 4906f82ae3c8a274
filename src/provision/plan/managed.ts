import type { ConfigNode } from '../../config/index.js';
import type { RemediationRules } from '../../device/index.js';
import { emptyKept, keptWhenAbsent } from './rules.js';

/**
 * Both trees without what a plan leaves alone: running lines kept when the
 * intended config lacks them, at any depth, and on both sides the kept
 * lines that configure nothing. What remains is what remediation can make
 * equal, so a drift report and the check after a push agree with the plan.
 */
export function managedTrees(intended: readonly ConfigNode[], running: readonly ConfigNode[], rules: RemediationRules): { intended: ConfigNode[]; running: ConfigNode[] } {
  const byText = new Map(intended.map((node) => [node.text, node]));
  const runningKept = running.flatMap((node): ConfigNode[] => {
    const counterpart = byText.get(node.text);
    if (counterpart === undefined) return keptWhenAbsent(node.text, rules) || emptyKept(node, rules) ? [] : [node];
    return [{ text: node.text, children: managedTrees(counterpart.children, node.children, rules).running }];
  });
  const runningByText = new Map(running.map((node) => [node.text, node]));
  const intendedKept = intended.flatMap((node): ConfigNode[] => {
    const counterpart = runningByText.get(node.text);
    if (counterpart === undefined) return emptyKept(node, rules) ? [] : [node];
    return [{ text: node.text, children: managedTrees(node.children, counterpart.children, rules).intended }];
  });
  return { intended: intendedKept, running: runningKept };
}
