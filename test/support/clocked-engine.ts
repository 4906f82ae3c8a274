import assert from 'node:assert/strict';
import { compileRuleText, Engine, RuleSet, type EngineOptions } from '../../src/engine/index.js';
import { silentLogger } from '../../src/log/index.js';

/** An engine over one or more rule texts (files f1.rules, f2.rules, …), on a clock the test moves by hand. */
export function engineOnClock(texts: string[], extra: Partial<EngineOptions> = {}) {
  const files = texts.map((text, i) => {
    const { ruleFile, errors } = compileRuleText(text, `f${String(i + 1)}.rules`);
    assert.deepEqual(errors.map((e) => e.message), []);
    return ruleFile;
  });
  let now = Date.UTC(2026, 0, 15, 12, 0, 0);
  const out: string[] = [];
  const engine = new Engine(new RuleSet(files), { logger: silentLogger(), now: () => now, output: (t) => out.push(t), ...extra });
  return {
    engine,
    nowSeconds: (): number => Math.floor(now / 1000),
    advance(seconds: number): void {
      now += seconds * 1000;
      engine.tick();
    },
    async output(): Promise<string> {
      await engine.close();
      return out.join('');
    },
  };
}
