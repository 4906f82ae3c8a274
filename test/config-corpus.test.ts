import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigTree, renderConfigTree, sameConfig } from '../src/config/index.js';
import { checkGuardRails, planRemediation } from '../src/provision/index.js';
import { DEFAULT_MAX_CHANGE_RATIO } from '../src/inventory/index.js';
import { loadCorpus, loginUserOf, treeDepth, type CorpusConfig } from './support/config-corpus.js';
import { seededMutations, type Mutation } from './support/config-mutations.js';

// Every real config of the corpus, edited as an engineer edits a baseline (seeded, so each case
// replays by its name): the plan from the original (running) to the edit (intended) must pass the
// guard rails.

const SEEDS = [1, 2, 3];

/**
 * Cases main still fails, by config (all of its cases) or by case name, with why. They run as
 * `todo`: reported, not failing the suite. Remove an entry once its case passes.
 */
const KNOWN_FAILURES: Record<string, string> = {
};

function todoOf(config: CorpusConfig, caseName: string): string | undefined {
  return KNOWN_FAILURES[config.name] ?? KNOWN_FAILURES[caseName];
}

function caseName(config: CorpusConfig, mutation: Mutation): string {
  return `${config.name} ${mutation.kind}#${String(mutation.seed)}`;
}

const corpus = loadCorpus();

void test('config corpus: every mutation of every real config is planned within the guard rails', async (t) => {
  let cases = 0;
  let passes = 0;
  for (const config of corpus) {
    const running = parseConfigTree(config.text, config.profile.tree);
    await t.test(`${config.name}: renders and reads back as the same tree`, { todo: todoOf(config, config.name) }, () => {
      const again = parseConfigTree(renderConfigTree(running), config.profile.tree);
      assert.ok(sameConfig(again, running, config.profile.tree), renderConfigTree(again));
    });
    for (const mutation of seededMutations(running, config.family, SEEDS)) {
      const name = caseName(config, mutation);
      cases++;
      await t.test(`${name}: ${mutation.description}`, { todo: todoOf(config, name) }, () => {
        const plan = planRemediation(renderConfigTree(mutation.tree), config.text, config.profile);
        assert.notEqual(plan.lines.length, 0, 'an edited baseline needs a plan');
        const refusals = checkGuardRails(plan, running, { loginUser: loginUserOf(running), allow: [], maxChangeRatio: DEFAULT_MAX_CHANGE_RATIO });
        assert.deepEqual(refusals.map((refusal) => `${refusal.class}: ${refusal.lines.join(' | ')}`), [], plan.lines.join('\n'));
        passes++;
      });
    }
  }
  const nested = corpus.filter((config) => treeDepth(parseConfigTree(config.text, config.profile.tree)) >= 3);
  t.diagnostic(`configs ${String(corpus.length)} (${String(nested.length)} nested three deep), mutations ${String(cases)}, passes ${String(passes)}`);
  assert.ok(corpus.length >= 12, 'the corpus has at least twelve configs');
  assert.ok(nested.length >= 3, 'several configs nest three levels deep');
  assert.ok(cases >= corpus.length * SEEDS.length * 4, 'most kinds of mutation fit every config');
});
