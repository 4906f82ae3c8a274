/**
 * Command matching as IOS-like CLIs do it: every keyword may be shortened to
 * a unique prefix (`sh run`, `conf t`), an unknown word is reported at its
 * column, a missing word is "incomplete", a prefix of two keywords is
 * "ambiguous".
 */
export interface Word {
  text: string;
  /** Column of the word in the typed line. */
  start: number;
}

export function splitWords(line: string): Word[] {
  const words: Word[] = [];
  const re = /\S+/g;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) words.push({ text: m[0], start: m.index });
  return words;
}

type Token = { keyword: string[] } | { arg: 'word' | 'number' | 'rest'; name: string };

export interface Command<H> {
  tokens: Token[];
  handler: H;
}

export type MatchResult<H> =
  | { kind: 'ok'; handler: H; args: Record<string, string> }
  | { kind: 'invalid'; column: number }
  | { kind: 'incomplete' }
  | { kind: 'ambiguous' };

/**
 * Builds commands from a pattern: `show lldp neighbor|neighbors [brief|detail]`,
 * `terminal length <number:n>`, `do <rest:command>`. An optional group
 * expands into two commands.
 */
export function command<H>(pattern: string, handler: H): Command<H>[] {
  let variants: Token[][] = [[]];
  for (const part of pattern.split(' ')) {
    const optional = part.startsWith('[') && part.endsWith(']');
    const body = optional ? part.slice(1, -1) : part;
    const arg = /^<(word|number|rest):(\w+)>$/.exec(body);
    const token: Token = arg
      ? { arg: arg[1] as 'word' | 'number' | 'rest', name: arg[2] ?? '' }
      : { keyword: body.split('|') };
    variants = optional ? [...variants, ...variants.map((v) => [...v, token])] : variants.map((v) => [...v, token]);
  }
  return variants.map((tokens) => ({ tokens, handler }));
}

interface Candidate<H> {
  command: Command<H>;
  args: Record<string, string>;
  done: boolean;
}

export function matchCommand<H>(line: string, commands: Command<H>[]): MatchResult<H> {
  const words = splitWords(line);
  let candidates: Candidate<H>[] = commands.map((c) => ({ command: c, args: {}, done: false }));
  for (const [i, word] of words.entries()) {
    const open = candidates.filter((c) => !c.done);
    const finished = candidates.filter((c) => c.done);
    const lower = word.text.toLowerCase();
    const exact: Candidate<H>[] = [];
    const prefixed = new Map<string, Candidate<H>[]>();
    const args: Candidate<H>[] = [];
    for (const candidate of open) {
      const token = candidate.command.tokens[i];
      if (token === undefined) continue;
      if ('keyword' in token) {
        if (token.keyword.includes(lower)) exact.push(candidate);
        else if (token.keyword.some((k) => k.startsWith(lower))) {
          const key = token.keyword.join('|');
          prefixed.set(key, [...(prefixed.get(key) ?? []), candidate]);
        }
      } else if (token.arg === 'rest') {
        args.push({ ...candidate, args: { ...candidate.args, [token.name]: line.slice(word.start).trim() }, done: true });
      } else if (token.arg === 'word' || /^\d+$/.test(word.text)) {
        args.push({ ...candidate, args: { ...candidate.args, [token.name]: word.text } });
      }
    }
    if (exact.length > 0) candidates = [...finished, ...exact];
    else if (prefixed.size > 1) return { kind: 'ambiguous' };
    else if (prefixed.size === 1) candidates = [...finished, ...[...prefixed.values()].flat()];
    else if (args.length > 0) candidates = [...finished, ...args];
    else if (finished.length > 0) candidates = finished;
    else return { kind: 'invalid', column: word.start };
  }
  const complete = candidates.find((c) => c.done || c.command.tokens.length === words.length);
  if (complete) return { kind: 'ok', handler: complete.command.handler, args: complete.args };
  return { kind: 'incomplete' };
}

/** Resolves one keyword against a list, allowing unique prefixes; `'ambiguous'` when several fit. */
export function resolveKeyword(word: string, keywords: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  if (keywords.includes(lower)) return lower;
  const hits = keywords.filter((k) => k.startsWith(lower));
  if (hits.length === 1) return hits[0];
  return hits.length > 1 ? 'ambiguous' : undefined;
}
