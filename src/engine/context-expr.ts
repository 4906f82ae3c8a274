import { FieldError } from './errors.js';

/** A parsed `context=` expression: context names combined with !, &&, || and parentheses. */
export type ContextExpr =
  | { op: 'name'; name: string }
  | { op: 'varset'; name: string }
  | { op: 'not'; arg: ContextExpr }
  | { op: 'and' | 'or'; left: ContextExpr; right: ContextExpr };

export interface ContextCondition {
  expr: ContextExpr;
  /** `context=[ … ]`: evaluated before the pattern is matched. */
  preEval: boolean;
  /** Contains match variables, so it is substituted per match (SEC's ContVolat). */
  volatile: boolean;
}

type Token = '(' | ')' | '!' | '&&' | '||' | { word: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? '';
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')' || ch === '!') {
      tokens.push(ch);
      i++;
    } else if (text.startsWith('&&', i) || text.startsWith('||', i)) {
      tokens.push(text.slice(i, i + 2) as '&&' | '||');
      i += 2;
    } else {
      let word = '';
      while (i < text.length) {
        const c = text[i] ?? '';
        if (c === '\\' && (text[i + 1] === '(' || text[i + 1] === ')')) {
          word += text[i + 1] ?? '';
          i += 2;
          continue;
        }
        if (/\s/.test(c) || c === '(' || c === ')' || text.startsWith('&&', i) || text.startsWith('||', i)) break;
        word += c;
        i++;
      }
      tokens.push({ word });
    }
  }
  return tokens;
}

class ExprParser {
  private pos = 0;
  constructor(private readonly tokens: Token[], private readonly text: string) {}

  parse(): ContextExpr {
    const expr = this.or();
    if (this.pos < this.tokens.length) throw this.error('unexpected text after the expression');
    return expr;
  }

  private error(what: string): FieldError {
    return new FieldError(`invalid context expression '${this.text}': ${what}`);
  }

  private or(): ContextExpr {
    let left = this.and();
    while (this.tokens[this.pos] === '||') {
      this.pos++;
      left = { op: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): ContextExpr {
    let left = this.unary();
    while (this.tokens[this.pos] === '&&') {
      this.pos++;
      left = { op: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): ContextExpr {
    const token = this.tokens[this.pos];
    if (token === '!') {
      this.pos++;
      return { op: 'not', arg: this.unary() };
    }
    if (token === '(') {
      this.pos++;
      const inner = this.or();
      if (this.tokens[this.pos] !== ')') throw this.error('unbalanced parentheses');
      this.pos++;
      return inner;
    }
    if (token === undefined || typeof token === 'string') throw this.error(token === undefined ? 'missing operand' : `unexpected '${token}'`);
    this.pos++;
    const word = token.word;
    if (word === '->' || word === ':>' || word.startsWith('=')) {
      throw new FieldError(`context expression '${this.text}' runs Perl code, which onramp cannot run (hint: use context names with !, && and ||)`);
    }
    if (word === 'varset') {
      const next = this.tokens[this.pos];
      if (next === undefined || typeof next === 'string') throw this.error('varset needs a name');
      this.pos++;
      return { op: 'varset', name: next.word };
    }
    const following = this.tokens[this.pos];
    if (following !== undefined && typeof following !== 'string') {
      if (following.word === '->' || following.word === ':>') {
        throw new FieldError(`context expression '${this.text}' runs Perl code, which onramp cannot run (hint: use context names with !, && and ||)`);
      }
      throw this.error(`missing operator between '${word}' and '${following.word}'`);
    }
    return { op: 'name', name: word };
  }
}

export function parseContextCondition(value: string, hasMatchVars: (s: string) => boolean): ContextCondition {
  const bracket = /^\s*\[(.*)\]\s*$/s.exec(value);
  const text = bracket?.[1] ?? value;
  const expr = new ExprParser(tokenize(text), text).parse();
  return { expr, preEval: bracket !== null, volatile: hasMatchVars(text) };
}

export function mapContextNames(expr: ContextExpr, fn: (name: string) => string): ContextExpr {
  switch (expr.op) {
    case 'name':
    case 'varset':
      return { op: expr.op, name: fn(expr.name) };
    case 'not':
      return { op: 'not', arg: mapContextNames(expr.arg, fn) };
    default:
      return { op: expr.op, left: mapContextNames(expr.left, fn), right: mapContextNames(expr.right, fn) };
  }
}

export function evalContext(expr: ContextExpr, exists: (name: string) => boolean, varset: (name: string) => boolean): boolean {
  switch (expr.op) {
    case 'name':
      return exists(expr.name);
    case 'varset':
      return varset(expr.name);
    case 'not':
      return !evalContext(expr.arg, exists, varset);
    case 'and':
      return evalContext(expr.left, exists, varset) && evalContext(expr.right, exists, varset);
    case 'or':
      return evalContext(expr.left, exists, varset) || evalContext(expr.right, exists, varset);
  }
}
