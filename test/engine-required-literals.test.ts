import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requiredLiterals } from '../src/engine/required-literals.js';
import { compileRegex } from '../src/engine/pattern.js';
import { random } from './support/random.js';

void test('literals of the top-level sequence are found, longest first', () => {
  assert.deepEqual(requiredLiterals('DHCPACK.*Switch', ''), ['DHCPACK', 'Switch']);
  assert.deepEqual(requiredLiterals('DHCPACK on (\\S+) to (\\S+) \\((FS-S5850\\S*)\\)', ''), ['DHCPACK on ', ' to ']);
  assert.deepEqual(requiredLiterals('FS\\-S3900-\\d+', ''), ['FS-S3900-']);
});

void test('what may be absent is left out', () => {
  assert.deepEqual(requiredLiterals('abcd?ef', ''), ['abc']);
  assert.deepEqual(requiredLiterals('abcd*efg', ''), ['abc', 'efg']);
  assert.deepEqual(requiredLiterals('abc{0,2}defg', ''), ['defg']);
  assert.deepEqual(requiredLiterals('x{2,3}abcd', ''), ['abcd']);
  assert.deepEqual(requiredLiterals('foo|barbaz', ''), []);
  assert.deepEqual(requiredLiterals('(?:foo|bar)bazz', ''), ['bazz']);
  assert.deepEqual(requiredLiterals('[abc]def[^g]hij', ''), ['def', 'hij']);
  assert.deepEqual(requiredLiterals('Switch', 'i'), []);
  assert.deepEqual(requiredLiterals('\\x41BCD\\u0045FGH\\cJKLM', ''), ['BCD', 'FGH', 'KLM'].slice(0, 2));
  assert.deepEqual(requiredLiterals('(a)\\12345xyz', ''), ['xyz']);
  assert.deepEqual(requiredLiterals('\\k<n>abc\\p{L}def', 'u'), ['abc', 'def']);
});

// Every match must contain every literal: checked on the regexes the rule corpus uses and on random ones.
const PIECES = ['a', 'b', 'ab', 'abc', 'x', '.', '\\.', '\\d', '\\s', '\\w', '[ab]', '[^a]', '(?:a|bc)', '(ab)', '?', '*', '+', '{2}', '{0,1}', '|', '^', '$', '\\b', '-', ' ', '(?=a)', '(?!b)', '\\1', '\\x61', '\\u0062'];
const ALPHABET = ['a', 'b', 'c', 'x', '.', '-', ' ', '1', '\n'];


void test('no string that matches a regex lacks one of its literals (random regexes and inputs)', () => {
  const rnd = random(42);
  const pick = <T>(list: T[]): T => list[Math.floor(rnd() * list.length)] as T;
  let checked = 0;
  for (let r = 0; r < 3000; r++) {
    const source = Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => pick(PIECES)).join('');
    let regex: RegExp;
    try {
      regex = new RegExp(source);
    } catch {
      continue;
    }
    const literals = requiredLiterals(source, '');
    for (let n = 0; n < 200; n++) {
      const text = Array.from({ length: Math.floor(rnd() * 12) }, () => pick(ALPHABET)).join('');
      if (!regex.test(text)) continue;
      checked++;
      for (const literal of literals) assert.ok(text.includes(literal), `/${source}/ matched ${JSON.stringify(text)} without ${JSON.stringify(literal)}`);
    }
  }
  assert.ok(checked > 1000, `only ${checked} matches were checked`);
});

void test('translated Perl patterns keep their literals sound', () => {
  const cases: [string, string][] = [
    ['FS-S5850.*up', 'host FS-S5850 link up'],
    ['(?i)switch', 'SWITCH'],
    ['DHCPACK on [\\d.]+ to [[:xdigit:]:]+ \\(Switch\\)', 'DHCPACK on 10.0.0.1 to aa:bb:cc:dd:ee:ff (Switch)'],
    ['\\Alink (?x) down \\z', 'link down'],
  ];
  for (const [perl, line] of cases) {
    const { regex, literals } = compileRegex(perl);
    assert.ok(regex.test(line), `${perl} should match ${line}`);
    for (const literal of literals) assert.ok(line.includes(literal), `${perl}: ${literal}`);
  }
});
