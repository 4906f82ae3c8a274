import { readFile } from 'node:fs/promises';
import Handlebars from 'handlebars';
import { templatePath } from '../inventory/models.js';
import type { TemplateVars } from '../inventory/types.js';

/** A template that cannot be rendered: `file:line: reason`, the line when the problem has one. */
export class TemplateError extends Error {
  readonly file: string;
  readonly line?: number;
  readonly missing: string[];

  constructor(file: string, message: string, missing: string[] = [], line?: number) {
    super(`${file}${line === undefined ? '' : `:${String(line)}`}: ${message}`);
    this.name = 'TemplateError';
    this.file = file;
    if (line !== undefined) this.line = line;
    this.missing = missing;
  }
}

type Node = hbs.AST.Node;
type Expression = hbs.AST.Expression;

/** Stands for an item of an empty list: paths relative to it cannot be checked. */
const UNKNOWN = Symbol('unknown');
type Scope = unknown;

const BUILTIN_HELPERS = new Set(['if', 'unless', 'each', 'with', 'lookup', 'log']);

/** The types say a hash is always there; the parser omits it when a call has none. */
function hashPairs(hash: hbs.AST.Hash | undefined): hbs.AST.HashPair[] {
  return hash?.pairs ?? [];
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function child(value: unknown, key: string): unknown {
  if (value === UNKNOWN) return UNKNOWN;
  if (typeof value !== 'object' || value === null) return undefined;
  if (!Object.prototype.hasOwnProperty.call(value, key)) return undefined;
  return (value as Record<string, unknown>)[key];
}

function dig(value: unknown, parts: string[]): unknown {
  return parts.reduce<unknown>((current, part) => child(current, part), value);
}

/**
 * Walks a template's syntax tree against the data it will be rendered with
 * and lists every path that has no value: plain mustaches, helper arguments
 * and hash values, sub-expressions, block params, `../` and `@root` paths,
 * and every branch of an `if` (a value missing on a branch not taken today is
 * still a template that breaks tomorrow).
 */
class VariableChecker {
  /** Each missing path, with the line it is first used on. */
  readonly missing = new Map<string, number>();
  readonly problems: { line: number; message: string }[] = [];
  private readonly contexts: Scope[];
  private readonly params: Map<string, Scope>[] = [];
  /** Conditions of the `if` branches being walked whose value is false or absent: what lies under them is optional. */
  private readonly optional: string[] = [];

  constructor(private readonly root: TemplateVars) {
    this.contexts = [root];
  }

  private problem(node: Node, message: string): void {
    this.problems.push({ line: node.loc.start.line, message });
  }

  private isOptional(path: hbs.AST.PathExpression): boolean {
    return this.optional.some((guard) => path.original === guard || path.original.startsWith(`${guard}.`) || path.original.startsWith(`${guard}/`));
  }

  /** Walks `program` with what lies under `guard` optional, when the guard's value is false or absent. */
  private guarded(guard: string | undefined, program: hbs.AST.Program | undefined): void {
    if (program === undefined) return;
    if (guard === undefined) {
      this.program(program);
      return;
    }
    this.optional.push(guard);
    try {
      this.program(program);
    } finally {
      this.optional.pop();
    }
  }

  private resolve(path: hbs.AST.PathExpression): Scope {
    if (path.data) {
      if (path.parts[0] === 'root') return dig(this.root, path.parts.slice(1));
      return UNKNOWN; // @index, @key, @first, @last
    }
    const [head, ...rest] = path.parts;
    if (path.depth === 0 && head !== undefined) {
      for (let index = this.params.length - 1; index >= 0; index--) {
        const scope = this.params[index];
        if (scope?.has(head) === true) return dig(scope.get(head), rest);
      }
    }
    const context = this.contexts[this.contexts.length - 1 - path.depth];
    if (context === undefined) return undefined;
    return dig(context, path.parts);
  }

  private requirePath(path: hbs.AST.PathExpression): Scope {
    const value = this.resolve(path);
    if (!present(value) && !this.isOptional(path) && !this.missing.has(path.original)) this.missing.set(path.original, path.loc.start.line);
    return value;
  }

  private expression(expression: Expression): void {
    switch (expression.type) {
      case 'PathExpression':
        this.requirePath(expression as hbs.AST.PathExpression);
        break;
      case 'SubExpression': {
        const sub = expression as hbs.AST.SubExpression;
        this.helperCall(sub.path, sub.params, sub.hash, sub);
        break;
      }
      default:
        break; // literals
    }
  }

  private helperCall(path: hbs.AST.PathExpression, params: Expression[], hash: hbs.AST.Hash | undefined, node: Node): void {
    if (!BUILTIN_HELPERS.has(path.original)) {
      this.problem(node, `unknown helper ${path.original}`);
    }
    for (const param of params) this.expression(param);
    for (const pair of hashPairs(hash)) this.expression(pair.value);
  }

  private withScope(context: Scope, names: string[], values: Scope[], walk: () => void): void {
    this.contexts.push(context);
    this.params.push(new Map(names.map((name, index) => [name, values[index]])));
    try {
      walk();
    } finally {
      this.contexts.pop();
      this.params.pop();
    }
  }

  private block(block: hbs.AST.BlockStatement): void {
    const name = block.path.original;
    const [first] = block.params;
    if ((name === 'if' || name === 'unless') && first?.type === 'PathExpression') {
      this.conditional(block, first as hbs.AST.PathExpression);
      return;
    }
    // Absent, not empty, when the block declares no `as |…|`.
    const names = (block.program.blockParams as string[] | undefined) ?? [];
    const value = first === undefined ? undefined : (this.expression(first), first.type === 'PathExpression' ? this.resolve(first as hbs.AST.PathExpression) : UNKNOWN);
    for (const param of block.params.slice(1)) this.expression(param);
    for (const pair of hashPairs(block.hash)) this.expression(pair.value);
    if (name === 'each') {
      this.iterate(value, names, block.program);
    } else if (name === 'with') {
      this.withScope(present(value) ? value : UNKNOWN, names, [present(value) ? value : UNKNOWN], () => { this.program(block.program); });
    } else if (name === 'if' || name === 'unless') {
      this.program(block.program);
    } else if (BUILTIN_HELPERS.has(name)) {
      this.program(block.program);
    } else if (block.params.length > 0) {
      this.problem(block, `unknown helper ${name}`);
    } else {
      // A section on a plain value, `{{#vlans}}…{{/vlans}}`: iterates lists, enters objects.
      const section = this.requirePath(block.path);
      if (Array.isArray(section)) this.iterate(section, names, block.program);
      else if (typeof section === 'object' && section !== null) this.withScope(section, names, [section], () => { this.program(block.program); });
      else this.program(block.program);
    }
    // The type says always present; the parser leaves it out when there is no {{else}}.
    const inverse = block.inverse as hbs.AST.Program | undefined;
    if (inverse !== undefined) this.program(inverse);
  }

  /**
   * `{{#if snmp}}…{{/if}}`: an optional section. Its condition may be absent,
   * and what lies under it (`snmp.community`) is required only when it holds;
   * every other value used in either branch is still required.
   */
  private conditional(block: hbs.AST.BlockStatement, condition: hbs.AST.PathExpression): void {
    for (const pair of hashPairs(block.hash)) this.expression(pair.value);
    const value = this.resolve(condition);
    const holds = present(value) && value !== UNKNOWN && value !== false && value !== '' && value !== 0 && !(Array.isArray(value) && value.length === 0);
    const guard = holds || value === UNKNOWN ? undefined : condition.original;
    // The type says always present; the parser leaves it out when there is no {{else}}.
    const inverse = block.inverse as hbs.AST.Program | undefined;
    if (block.path.original === 'if') {
      this.guarded(guard, block.program);
      this.guarded(undefined, inverse);
    } else {
      this.guarded(undefined, block.program);
      this.guarded(guard, inverse);
    }
  }

  private iterate(value: Scope, names: string[], program: hbs.AST.Program): void {
    const items: [Scope, Scope][] = Array.isArray(value)
      ? value.map((item, index) => [item, index])
      : typeof value === 'object' && value !== null
        ? Object.entries(value as Record<string, unknown>).map(([key, item]) => [item, key])
        : [];
    if (items.length === 0) {
      this.withScope(UNKNOWN, names, [UNKNOWN, UNKNOWN], () => { this.program(program); });
      return;
    }
    for (const [item, key] of items) {
      this.withScope(item, names, [item, key], () => { this.program(program); });
    }
  }

  program(program: hbs.AST.Program): void {
    for (const statement of program.body) {
      switch (statement.type) {
        case 'MustacheStatement': {
          const mustache = statement as hbs.AST.MustacheStatement;
          if (mustache.path.type !== 'PathExpression') break;
          const path = mustache.path as hbs.AST.PathExpression;
          if (mustache.params.length > 0 || hashPairs(mustache.hash).length > 0) this.helperCall(path, mustache.params, mustache.hash, mustache);
          else this.requirePath(path);
          break;
        }
        case 'BlockStatement':
          this.block(statement as hbs.AST.BlockStatement);
          break;
        case 'PartialStatement':
        case 'PartialBlockStatement':
          this.problem(statement, 'partials are not supported');
          break;
        case 'DecoratorBlock':
        case 'Decorator':
          this.problem(statement, 'decorators are not supported');
          break;
        default:
          break; // content and comments
      }
    }
  }
}

function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Values are placed verbatim into switch config lines: a newline would start a new command. */
function controlCharacterPaths(value: unknown, path: string, found: string[]): string[] {
  if (typeof value === 'string') {
    if (hasControlCharacter(value)) found.push(path);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => controlCharacterPaths(item, `${path}[${index}]`, found));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      controlCharacterPaths(item, path === '' ? key : `${path}.${key}`, found);
    }
  }
  return found;
}

const handlebars = Handlebars.create();

/**
 * Handlebars' reason, at its line: the parser says `Parse error on line N:`,
 * then the text and a caret, then what it expected; a block closed by the
 * wrong name says `if doesn't match each - 2:3`.
 */
function parseError(file: string, err: Error & { lineNumber?: number }): TemplateError {
  const lines = err.message.split('\n');
  const parseLine = /^Parse error on line (\d+):/.exec(lines[0] ?? '')?.[1];
  if (parseLine !== undefined) return new TemplateError(file, `does not parse: ${lines.at(-1) ?? ''}`, [], Number(parseLine));
  return new TemplateError(file, `does not parse: ${(lines[0] ?? '').replace(/ - \d+:\d+$/, '')}`, [], err.lineNumber);
}

/** Renders template source with `vars`, after checking every variable it uses has a value. */
export function renderTemplateText(source: string, vars: TemplateVars, file: string): string {
  let ast: hbs.AST.Program;
  try {
    ast = handlebars.parse(source);
  } catch (err) {
    throw parseError(file, err as Error & { lineNumber?: number });
  }
  const unsafe = controlCharacterPaths(vars, '', []);
  if (unsafe.length > 0) {
    throw new TemplateError(file, `refusing values with newline or control characters: ${unsafe.join(', ')}`);
  }
  const checker = new VariableChecker(vars);
  checker.program(ast);
  const [problem] = checker.problems;
  if (problem !== undefined) {
    const others = checker.problems.slice(1).map((other) => `; line ${String(other.line)}: ${other.message}`).join('');
    throw new TemplateError(file, `${problem.message}${others}`, [], problem.line);
  }
  if (checker.missing.size > 0) {
    const missing = [...checker.missing.keys()].sort();
    const line = Math.min(...checker.missing.values());
    const where = missing.length === 1 ? '' : ` (lines ${missing.map((name) => String(checker.missing.get(name))).join(', ')})`;
    throw new TemplateError(file, `missing variables: ${missing.join(', ')}${where}`, missing, line);
  }
  return handlebars.compile(ast, { noEscape: true, strict: false, knownHelpersOnly: true })(vars);
}

/** Renders `templates/<model>.hbs`. */
export async function renderTemplate(templatesDir: string, model: string, vars: TemplateVars): Promise<string> {
  const file = templatePath(templatesDir, model);
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (err) {
    throw new TemplateError(file, `cannot read the template for model ${model} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return renderTemplateText(source, vars, file);
}
