/**
 * Seeded edits of a running config, the kind an engineer makes to a baseline: a changed
 * description, VLAN, neighbour or police rate, a line added or deleted two or three levels deep,
 * a new nested section, a deleted logical section. Each edit keeps the config valid for its family
 * (the rules in config-mutation-rules.ts say what fits where), never touches a physical port's
 * existence, the management address, the hostname or the accounts, and is the same for the same
 * seed, so a failing case can be replayed by its name.
 */
import type { ConfigNode } from '../../src/config/index.js';
import { random } from './random.js';
import {
  ADD_LINE_RULES,
  DELETABLE_SECTIONS,
  dropEmptyVlanBlock,
  keepVlanList,
  NEW_SECTIONS,
  PROTECTED_LEAF,
  VALUE_RULES,
  type ConfigFamily,
  type EditContext,
} from './config-mutation-rules.js';

export type { ConfigFamily } from './config-mutation-rules.js';

export type MutationKind =
  | 'change-value'
  | 'add-line-depth-2'
  | 'delete-line-depth-2'
  | 'add-line-depth-3'
  | 'delete-line-depth-3'
  | 'add-section'
  | 'delete-section';

export const MUTATION_KINDS: readonly MutationKind[] = [
  'change-value',
  'add-line-depth-2',
  'delete-line-depth-2',
  'add-line-depth-3',
  'delete-line-depth-3',
  'add-section',
  'delete-section',
];

export interface Mutation {
  kind: MutationKind | 'combined';
  seed: number;
  /** What changed, path and line, for the case's name. */
  description: string;
  /** The edited config: the intended one of a plan whose running config is the original. */
  tree: ConfigNode[];
}

/** A node with where it sits: the openers above it, and the list that holds it. */
interface Located {
  node: ConfigNode;
  path: string[];
  siblings: ConfigNode[];
}

type Edit = (tree: ConfigNode[], context: EditContext) => string | undefined;

function cloneTree(nodes: readonly ConfigNode[]): ConfigNode[] {
  return nodes.map((node) => ({ text: node.text, children: cloneTree(node.children) }));
}

/** Every node at `depth` (1 = top level). */
function nodesAt(tree: ConfigNode[], depth: number, path: string[] = []): Located[] {
  if (depth === 1) return tree.map((node) => ({ node, path, siblings: tree }));
  return tree.flatMap((node) => nodesAt(node.children, depth - 1, [...path, node.text]));
}

function allNodes(tree: ConfigNode[], path: string[] = []): Located[] {
  return tree.flatMap((node) => [{ node, path, siblings: tree }, ...allNodes(node.children, [...path, node.text])]);
}

function pick<T>(items: readonly T[], rng: () => number): T | undefined {
  return items[Math.floor(rng() * items.length)];
}

function shuffled<T>(items: readonly T[], rng: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function where(located: Located): string {
  return [...located.path, located.node.text].join(' / ');
}

/** In the unedited config: a combination never deletes what an earlier edit of it added. */
function original(node: ConfigNode, context: EditContext): boolean {
  return context.allText.includes(node.text);
}

const changeValue: Edit = (tree, context) => {
  const candidates = allNodes(tree).flatMap((located) =>
    VALUE_RULES.filter((rule) => rule.applies(located.node.text, located.path, context)).map((rule) => ({ located, rule })),
  );
  const chosen = pick(candidates, context.rng);
  if (chosen === undefined) return undefined;
  const before = chosen.located.node.text;
  chosen.located.node.text = chosen.rule.change(before, context);
  return `changed ${where(chosen.located)} (was ${JSON.stringify(before)})`;
};

function addLine(depth: 2 | 3): Edit {
  return (tree, context) => {
    const candidates = nodesAt(tree, depth - 1).flatMap((parent) =>
      ADD_LINE_RULES.filter((rule) => rule.depth === depth && rule.applies(parent.node, parent.path, context))
        .map((rule) => ({ parent, line: rule.line(parent.node, context) }))
        .filter(({ parent: p, line }) => line !== undefined && !p.node.children.some((child) => child.text === line)),
    );
    const chosen = pick(candidates, context.rng);
    if (chosen?.line === undefined) return undefined;
    chosen.parent.node.children.push({ text: chosen.line, children: [] });
    return `added ${JSON.stringify(chosen.line)} under ${where(chosen.parent)}`;
  };
}

function deleteLine(depth: 2 | 3): Edit {
  return (tree, context) => {
    const candidates = nodesAt(tree, depth).filter(({ node, path }) => node.children.length === 0 && original(node, context) &&
      !PROTECTED_LEAF.some((rule) => rule.test(node.text, path)));
    const chosen = pick(candidates, context.rng);
    if (chosen === undefined) return undefined;
    chosen.siblings.splice(chosen.siblings.indexOf(chosen.node), 1);
    dropEmptyVlanBlock(tree, context.family, chosen.path);
    return `deleted ${where(chosen)}`;
  };
}

const addSection: Edit = (tree, context) => {
  const candidates = NEW_SECTIONS.filter((rule) => rule.families.includes(context.family)).flatMap((rule) => {
    // A new top-level section goes into the tree itself, held here as the children of an unnamed root.
    const parents: Located[] = rule.parent === undefined ? [{ node: { text: '', children: tree }, path: [], siblings: [] }] :
      nodesAt(tree, 1).filter(({ node }) => rule.parent?.test(node.text) === true);
    return parents.map((parent) => ({ parent, section: rule.section(parent.node.children, context) }))
      .filter(({ parent, section }) => section !== undefined && !parent.node.children.some((child) => child.text === section.text));
  });
  const chosen = pick(candidates, context.rng);
  if (chosen?.section === undefined) return undefined;
  chosen.parent.node.children.push(chosen.section);
  if (chosen.parent.node.text === '') keepVlanList(tree, context.family, chosen.section.text, true);
  const under = chosen.parent.node.text === '' ? '' : ` under ${chosen.parent.node.text}`;
  return `added section ${JSON.stringify(chosen.section.text)}${under}`;
};

const deleteSection: Edit = (tree, context) => {
  const candidates = [...nodesAt(tree, 1), ...nodesAt(tree, 2)].filter((located) => original(located.node, context) &&
    DELETABLE_SECTIONS.some((rule) => rule.applies(located.node, located.path, context)));
  const chosen = pick(candidates, context.rng);
  if (chosen === undefined) return undefined;
  chosen.siblings.splice(chosen.siblings.indexOf(chosen.node), 1);
  if (chosen.path.length === 0) keepVlanList(tree, context.family, chosen.node.text, false);
  return `deleted section ${where(chosen)}`;
};

const EDITS: Record<MutationKind, Edit> = {
  'change-value': changeValue,
  'add-line-depth-2': addLine(2),
  'delete-line-depth-2': deleteLine(2),
  'add-line-depth-3': addLine(3),
  'delete-line-depth-3': deleteLine(3),
  'add-section': addSection,
  'delete-section': deleteSection,
};

function contextFor(tree: readonly ConfigNode[], family: ConfigFamily, seed: number): EditContext {
  return { family, rng: random(seed), allText: allNodes(cloneTree(tree)).map(({ node }) => node.text) };
}

/** One edit of `kind`, or undefined when the config has nothing it fits (no nested section to add to…). */
export function mutate(tree: readonly ConfigNode[], family: ConfigFamily, kind: MutationKind, seed: number): Mutation | undefined {
  const edited = cloneTree(tree);
  const description = EDITS[kind](edited, contextFor(tree, family, seed));
  return description === undefined ? undefined : { kind, seed, description, tree: edited };
}

/** Two or three edits of different kinds, one after the other, as a baseline revision often has. */
export function combine(tree: readonly ConfigNode[], family: ConfigFamily, seed: number): Mutation | undefined {
  const context = contextFor(tree, family, seed);
  const kinds = shuffled(MUTATION_KINDS, context.rng).slice(0, 2 + Math.floor(context.rng() * 2));
  const edited = cloneTree(tree);
  const descriptions = kinds.map((kind) => EDITS[kind](edited, context)).filter((d): d is string => d !== undefined);
  return descriptions.length < 2 ? undefined : { kind: 'combined', seed, description: descriptions.join('; '), tree: edited };
}

/** Every kind once per seed, and one combination per seed: the corpus test's cases for one config. */
export function seededMutations(tree: readonly ConfigNode[], family: ConfigFamily, seeds: readonly number[]): Mutation[] {
  return seeds.flatMap((seed) => [...MUTATION_KINDS.map((kind) => mutate(tree, family, kind, seed)), combine(tree, family, seed)])
    .filter((mutation): mutation is Mutation => mutation !== undefined);
}
