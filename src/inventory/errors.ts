/** One problem in a site file, located as precisely as the YAML allows. */
export interface SiteProblem {
  file: string;
  line?: number;
  /** Dotted path inside the document, e.g. `devices[2].model`. */
  path: string;
  message: string;
}

export function formatProblem(problem: SiteProblem): string {
  const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`;
  return problem.path === '' ? `${where}: ${problem.message}` : `${where}: ${problem.path}: ${problem.message}`;
}

/**
 * A site file that cannot be used. `problems` lists everything found; the
 * message has one `file:line: path: message` line per problem.
 */
export class SiteFileError extends Error {
  readonly file: string;
  readonly line?: number;
  readonly problems: SiteProblem[];

  constructor(problems: SiteProblem[]) {
    const first = problems[0];
    if (first === undefined) throw new TypeError('SiteFileError needs at least one problem');
    super(problems.map(formatProblem).join('\n'));
    this.name = 'SiteFileError';
    this.file = first.file;
    if (first.line !== undefined) this.line = first.line;
    this.problems = problems;
  }
}
