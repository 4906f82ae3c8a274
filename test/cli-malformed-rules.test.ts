import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'bin', 'onramp.js');
const SEED = readFileSync(join(ROOT, 'test', 'fixtures', 'seed', 'dhcp.rules'), 'utf8');

/** Each case: a broken rule file and the line its first error must name. */
const CASES: [string, string, number][] = [
  ['unknown type', 'type=Singel\nptype=RegExp\npattern=x\ndesc=d\naction=none\n', 1],
  ['missing pattern', 'type=Single\nptype=RegExp\ndesc=d\naction=none\n', 1],
  ['bad regex', 'type=Single\nptype=RegExp\npattern=a(b\ndesc=d\naction=none\n', 3],
  ['bad regex quantifier', 'type=Single\nptype=RegExp\npattern=*x\ndesc=d\naction=none\n', 3],
  ['unbalanced context', 'type=Single\nptype=RegExp\npattern=x\ncontext=(A && B\ndesc=d\naction=none\n', 4],
  ['dangling operator', 'type=Single\nptype=RegExp\npattern=x\ncontext=A ||\ndesc=d\naction=none\n', 4],
  ['bad window', 'type=SingleWithSuppress\nptype=RegExp\npattern=x\ndesc=d\naction=none\nwindow=-5\n', 6],
  ['bad threshold', 'type=SingleWithThreshold\nptype=RegExp\npattern=x\ndesc=d\naction=none\nwindow=5\nthresh=many\n', 7],
  ['unknown pattern type', 'type=Single\nptype=Glob\npattern=x\ndesc=d\naction=none\n', 2],
  ['unknown action', 'type=Single\nptype=RegExp\npattern=x\ndesc=d\naction=explode now\n', 5],
  ['unbalanced action parentheses', 'type=Single\nptype=RegExp\npattern=x\ndesc=d\naction=if %a ( write - x\n', 5],
  ['no keyword', 'type=Single\nptype=RegExp\npattern=x\njust words\n', 4],
  ['Pair without pattern2', 'type=Pair\nptype=RegExp\npattern=x\ndesc=d\naction=none\nptype2=RegExp\ndesc2=e\naction2=none\nwindow=5\n', 1],
  ['bad continue', 'type=Single\nptype=RegExp\npattern=x\ncontinue=Maybe\ndesc=d\naction=none\n', 4],
];

/** Mutations of the users' own rule file: one line broken at a time. */
function mutants(): [string, string, number][] {
  const lines = SEED.split('\n');
  const out: [string, string, number][] = [];
  lines.forEach((line, i) => {
    const broken = (replacement: string, what: string): void => {
      out.push([`seed line ${String(i + 1)}: ${what}`, lines.map((l, j) => (j === i ? replacement : l)).join('\n'), i + 1]);
    };
    if (/^\s*pattern=/.test(line)) broken(`${line.trimEnd()}(`, 'unclosed group');
    if (/^\s*type=/.test(line)) broken(`${line.trimEnd()}X`, 'type typo');
    if (/^\s*ptype=/.test(line)) broken(' ptype=RegEx', 'ptype typo');
    if (/^\s*continue=/.test(line)) broken(' continue=TakeNxt', 'continue typo');
  });
  return out;
}

void test('malformed rule files stop start-up with file:line: message and exit 2, never a stack trace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-malformed-'));
  try {
    const cases = [...CASES, ...mutants()];
    assert.ok(cases.length >= 20, 'the seed file yields mutants');
    for (const [name, text, line] of cases) {
      const file = join(dir, 'bad.rules');
      writeFileSync(file, text);
      const r = spawnSync(process.execPath, [CLI, 'run', `--conf=${file}`, '--input=-', '--notail', `--state=${join(dir, 'state')}`], { input: 'x\n', encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 2, `${name}: exit code (stderr: ${r.stderr})`);
      const first = r.stderr.split('\n')[0] ?? '';
      assert.match(first, new RegExp(`^${file.replaceAll('/', '\\/')}:${String(line)}: \\S`), `${name}: first error names the file and line`);
      assert.doesNotMatch(r.stderr, /^\s+at /m, `${name}: no stack trace`);
      assert.equal(r.stdout, '', `${name}: nothing ran`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
