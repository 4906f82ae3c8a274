/** A rule file problem, located as `file:line: message` like a compiler error. */
export class RuleLoadError extends Error {
  readonly file: string;
  readonly line: number;

  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = 'RuleLoadError';
    this.file = file;
    this.line = line;
  }
}

/** Raised while compiling one field; the rule compiler adds the file and line. */
export class FieldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldError';
  }
}
