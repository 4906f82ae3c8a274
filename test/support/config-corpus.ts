/**
 * The running configs in test/fixtures/configs, by family (the folder), each with the profile
 * that reads it and the lab personality that plays it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigNode } from '../../src/config/index.js';
import { getProfile, type Profile } from '../../src/device/index.js';
import type { Personality } from '../../src/lab/index.js';
import type { ConfigFamily } from './config-mutations.js';

export const CORPUS_DIR = join(import.meta.dirname, '..', 'fixtures', 'configs');

/**
 * The profile and personality of each family. There is no NX-OS profile: NX-OS configs are read
 * and played as IOS, whose tree syntax (indentation, `exit`) they share.
 */
const PLAYED_AS: Record<ConfigFamily, Personality> = {
  'fs-s3900': 'fs-s3900',
  'fs-s5850': 'fs-s5850',
  'fs-s3900-r': 'fs-s3900-r',
  'cisco-ios': 'cisco-ios',
  'cisco-nxos': 'cisco-ios',
};

export interface CorpusConfig {
  /** `family/file.cfg`, as the case names show it. */
  name: string;
  family: ConfigFamily;
  profile: Profile;
  personality: Personality;
  text: string;
}

function isFamily(name: string): name is ConfigFamily {
  return Object.hasOwn(PLAYED_AS, name);
}

export function loadCorpus(): CorpusConfig[] {
  return readdirSync(CORPUS_DIR).filter(isFamily).sort().flatMap((family) =>
    readdirSync(join(CORPUS_DIR, family)).filter((file) => file.endsWith('.cfg')).sort().map((file) => ({
      name: `${family}/${file}`,
      family,
      profile: getProfile(PLAYED_AS[family]),
      personality: PLAYED_AS[family],
      text: readFileSync(join(CORPUS_DIR, family, file), 'utf8'),
    })));
}

/** How deep the tree goes: 1 for flat lines, 2 for sections, 3 for a section inside a section… */
export function treeDepth(nodes: readonly ConfigNode[]): number {
  return nodes.reduce((deepest, node) => Math.max(deepest, 1 + treeDepth(node.children)), 0);
}

/** The account onramp would log in with: the config's first user. */
export function loginUserOf(nodes: readonly ConfigNode[]): string {
  for (const node of nodes) {
    const user = /^username (\S+)/.exec(node.text)?.[1];
    if (user !== undefined) return user;
  }
  return 'admin';
}

function flatten(nodes: readonly ConfigNode[], path: readonly string[] = []): string[] {
  return nodes.flatMap((node) => [[...path, node.text].join(' > '), ...flatten(node.children, [...path, node.text])]);
}

/** What one tree has and the other lacks, line by line with its sections: the message of a failed comparison. */
export function treeDifference(actual: readonly ConfigNode[], expected: readonly ConfigNode[]): string {
  const have = new Set(flatten(actual));
  const want = new Set(flatten(expected));
  const missing = [...want].filter((line) => !have.has(line)).map((line) => `- ${line}`);
  const extra = [...have].filter((line) => !want.has(line)).map((line) => `+ ${line}`);
  return [...missing, ...extra].join('\n') || '(the same lines, in another order or grouping)';
}
