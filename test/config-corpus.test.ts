import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigTree, renderConfigTree, sameConfig } from '../src/config/index.js';
import { applyConfigCommands } from '../src/lab/index.js';
import { checkGuardRails, planRemediation } from '../src/provision/index.js';
import { DEFAULT_MAX_CHANGE_RATIO } from '../src/inventory/index.js';
import { loadCorpus, loginUserOf, treeDepth, treeDifference } from './support/config-corpus.js';
import { seededMutations, type Mutation } from './support/config-mutations.js';

// Every real config of the corpus, edited as an engineer edits a baseline (seeded, so each case
// replays by its name). The plan from the original (running) to the edit (intended) passes the
// guard rails; typed into the lab's model of the switch it gives the intended config, and its
// rollback typed after it gives the running config back. Configs are compared as trees.

const SEEDS = [1, 2, 3];

/** Seeds past the common ones, for configs where they found a bug the common ones miss. */
const EXTRA_SEEDS: Readonly<Record<string, readonly number[]>> = {
  'cisco-ios/c2900xl-12.0-access.cfg': [5],
  'cisco-ios/iol-15.4-bgp-ospf-edge.cfg': [4],
  'cisco-nxos/n9kv-9.3-evpn-leaf.cfg': [7],
  'fs-s3900/s3900-24t4s-access.cfg': [6],
  'fs-s3900-r/bdcom-2.2.0c-aggregation.cfg': [7],
  'fs-s3900-r/bdcom-2.2.0d-100g-distribution.cfg': [4, 5, 11],
};

function kindAndSeed(mutation: Mutation): string {
  return `${mutation.kind}#${String(mutation.seed)}`;
}

const corpus = loadCorpus();

void test('config corpus: every mutation of every real config is planned within the guard rails, applied, and rolled back', async (t) => {
  let cases = 0;
  let passes = 0;
  for (const config of corpus) {
    const running = parseConfigTree(config.text, config.profile.tree);
    await t.test(`${config.name}: renders and reads back as the same tree`, () => {
      const again = parseConfigTree(renderConfigTree(running), config.profile.tree);
      assert.ok(sameConfig(again, running, config.profile.tree), renderConfigTree(again));
    });
    for (const mutation of seededMutations(running, config.family, [...SEEDS, ...(EXTRA_SEEDS[config.name] ?? [])])) {
      const name = kindAndSeed(mutation);
      cases++;
      await t.test(`${config.name} ${name}: ${mutation.description}`, () => {
        const plan = planRemediation(renderConfigTree(mutation.tree), config.text, config.profile);
        assert.notEqual(plan.lines.length, 0, 'an edited baseline needs a plan');
        const refusals = checkGuardRails(plan, running, { loginUser: loginUserOf(running), allow: [], maxChangeRatio: DEFAULT_MAX_CHANGE_RATIO });
        assert.deepEqual(refusals.map((refusal) => `${refusal.class}: ${refusal.lines.join(' | ')}`), [], plan.lines.join('\n'));
        const applied = applyConfigCommands(config.text, plan.lines, config.personality);
        assert.equal(applied.rejected, undefined, plan.lines.join('\n'));
        const reached = parseConfigTree(applied.config, config.profile.tree);
        assert.ok(sameConfig(reached, mutation.tree, config.profile.tree),
          `plan:\n${plan.lines.join('\n')}\nreached, against intended:\n${treeDifference(reached, mutation.tree)}`);
        const restored = applyConfigCommands(applied.config, plan.rollback, config.personality);
        assert.equal(restored.rejected, undefined, plan.rollback.join('\n'));
        const back = parseConfigTree(restored.config, config.profile.tree);
        assert.ok(sameConfig(back, running, config.profile.tree),
          `rollback:\n${plan.rollback.join('\n')}\nrestored, against running:\n${treeDifference(back, running)}`);
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
