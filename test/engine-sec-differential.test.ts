import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEngineOnFiles } from '../src/engine/index.js';
import { hasCommand, requireSystem } from './support/system.js';

/**
 * Each directory under fixtures/sec is one case: `rules*` (rule files),
 * `input*` (the logs; `inputN.context` names an input's context, as SEC's
 * --input=FILE=CONTEXT), optional `flags`. The expected output is whatever
 * Debian's sec prints for it in this run; nothing is hard-coded. `@DIR@` in a
 * rule file is a scratch directory where shell commands leave side effects,
 * compared line by line, in order.
 */
const CORPUS = new URL('./fixtures/sec/', import.meta.url).pathname;
const FIXED_CLOCK = Date.UTC(2026, 0, 15, 12, 0, 30);

interface Prepared {
  dir: string;
  conf: string[];
  /** --input values: FILE or FILE=CONTEXT. */
  inputs: string[];
}

function prepare(caseDir: string): Prepared {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-diff-'));
  const conf = readdirSync(caseDir)
    .filter((f) => f.startsWith('rules'))
    .sort()
    .map((f) => {
      const target = join(dir, f);
      writeFileSync(target, readFileSync(join(caseDir, f), 'latin1').replaceAll('@DIR@', dir), 'latin1');
      return target;
    });
  const inputs = readdirSync(caseDir)
    .filter((f) => /^input\d*$/.test(f))
    .sort()
    .map((f) => {
      const context = join(caseDir, `${f}.context`);
      return existsSync(context) ? `${join(caseDir, f)}=${readFileSync(context, 'utf8').trim()}` : join(caseDir, f);
    });
  return { dir, conf, inputs };
}

/** SEC does not wait for its children at --notail end: wait until their side-effect file stops changing. */
async function settledSideEffects(dir: string): Promise<string> {
  const file = join(dir, 'side');
  let last = '';
  let stableSince = Date.now();
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const now = existsSync(file) ? `${statSync(file).size}:${readFileSync(file, 'latin1')}` : '';
    if (now !== last) {
      last = now;
      stableSince = Date.now();
    } else if (Date.now() - stableSince > 300) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return existsSync(file) ? readFileSync(file, 'latin1') : '';
}

const cases = existsSync(CORPUS) ? readdirSync(CORPUS).filter((d) => statSync(join(CORPUS, d)).isDirectory()).sort() : [];

void test('the differential corpus has at least 40 cases', () => {
  assert.ok(cases.length >= 40, `only ${cases.length} cases`);
});

for (const name of cases) {
  void test(`sec differential: ${name}`, async (t) => {
    if (!requireSystem(t, 'sec', hasCommand('sec'), 'apt-get install sec')) return;
    const caseDir = join(CORPUS, name);
    const flagsFile = join(caseDir, 'flags');
    const flags = existsSync(flagsFile) ? readFileSync(flagsFile, 'utf8').split(/\s+/).filter((f) => f !== '') : [];

    const secRun = prepare(caseDir);
    const sec = spawnSync('sec', [...secRun.conf.map((c) => `--conf=${c}`), ...secRun.inputs.map((i) => `--input=${i}`), '--notail', '--fromstart', '--nochildterm', ...flags], {
      encoding: 'latin1',
      timeout: 20_000,
    });
    assert.equal(sec.status, 0, `sec failed: ${sec.stderr}`);
    const secSide = await settledSideEffects(secRun.dir);

    const ours = prepare(caseDir);
    const out: string[] = [];
    await runEngineOnFiles({
      conf: ours.conf,
      inputs: ours.inputs,
      intevents: flags.includes('--intevents'),
      intcontexts: flags.includes('--intcontexts'),
      jointBuffer: flags.includes('--jointbuf'),
      bufferSize: Number(/^--bufsize=(\d+)$/.exec(flags.find((f) => f.startsWith('--bufsize=')) ?? '')?.[1] ?? 0),
      now: () => FIXED_CLOCK,
      output: (text) => out.push(text),
    });
    const oursSide = await settledSideEffects(ours.dir);

    assert.equal(out.join(''), sec.stdout, 'write - output differs from sec');
    const normalise = (text: string, dir: string): string => {
      const lines = text.replaceAll(dir, '@DIR@').split('\n');
      // Commands run concurrently in sec as in onramp: their relative order is only
      // fixed when the case's effects come from the engine itself (`ordered`).
      return (existsSync(join(caseDir, 'ordered')) ? lines : lines.sort()).join('\n');
    };
    assert.equal(normalise(oursSide, ours.dir), normalise(secSide, secRun.dir), 'side effects differ from sec');
  });
}
