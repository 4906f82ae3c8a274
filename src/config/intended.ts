import { configProblems } from './check.js';
import { managementProblems } from './management.js';
import { parseConfigTree, type TreeSyntax } from './tree.js';

/** What onramp needs to find in a golden config before it may push it to a device. */
export interface IntendedExpectations {
  /** The device's name: the config must set it. */
  hostname: string;
  /** The account onramp logs in with; absent when the site lets a plan change it (`policy.allow: [login-user]`). */
  loginUser?: string;
  /** The address onramp reaches the device at (the site's `ip:`); absent when unknown or the site lets a plan change it. */
  mgmtAddress?: string;
}

export interface IntendedProblem {
  /** 1-based line in the config text, when the problem is on one line. */
  line?: number;
  message: string;
}

const TEMPLATE_MARKER = /\{\{|\}\}/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** 1-based number of the first unindented line that is `text`. */
function lineOf(lines: readonly string[], text: string): number | undefined {
  const index = lines.findIndex((line) => line.trimEnd() === text);
  return index < 0 ? undefined : index + 1;
}

/**
 * Why a baseline or rendered template cannot be a device's golden config:
 * what makes any config unusable (configProblems), template markers left
 * in it, nothing to configure, a
 * hostname other than the device's (or none), no line for the user onramp
 * logs in with (pushing it would delete the account), or an address onramp
 * reaches the device at that it would take away (managementProblems).
 * Empty: it may be used.
 */
export function intendedProblems(text: string, syntax: TreeSyntax, expect: IntendedExpectations): IntendedProblem[] {
  const problems: IntendedProblem[] = configProblems(text);
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  lines.forEach((line, index) => {
    if (TEMPLATE_MARKER.test(line)) problems.push({ line: index + 1, message: 'unrendered template marker ({{ or }}); a baseline is plain config' });
  });
  const tree = parseConfigTree(text, syntax);
  if (tree.length === 0) {
    problems.push({ message: 'no configuration lines' });
    return problems;
  }
  const names = tree.filter((node) => /^hostname\s+\S/.test(node.text));
  const own = names.find((node) => node.text.slice('hostname'.length).trim().toLowerCase() === expect.hostname.toLowerCase());
  if (names.length === 0) {
    problems.push({ message: `no hostname line (expected hostname ${expect.hostname})` });
  } else if (own === undefined) {
    for (const node of names) {
      const problem: IntendedProblem = { message: `${node.text}, but the device is ${expect.hostname}` };
      const line = lineOf(lines, node.text);
      if (line !== undefined) problem.line = line;
      problems.push(problem);
    }
  }
  if (expect.loginUser !== undefined) {
    const user = new RegExp(`^username\\s+${escapeRegExp(expect.loginUser)}(?:\\s|$)`);
    if (!tree.some((node) => user.test(node.text))) {
      problems.push({ message: `no username ${expect.loginUser} line: onramp logs in as ${expect.loginUser}, and pushing this would remove the account` });
    }
  }
  if (expect.mgmtAddress !== undefined) {
    for (const { message, text } of managementProblems(tree, expect.mgmtAddress)) {
      const problem: IntendedProblem = { message };
      const line = lines.findIndex((raw) => raw.trim().replace(/\s+/g, ' ') === text);
      if (line >= 0) problem.line = line + 1;
      problems.push(problem);
    }
  }
  return problems;
}
