import { test } from 'node:test';
import assert from 'node:assert/strict';
import { translatePerlRegex } from '../src/engine/index.js';

function compile(perl: string): RegExp {
  const t = translatePerlRegex(perl);
  return new RegExp(t.source, t.flags);
}

function groups(perl: string, text: string): (string | undefined)[] {
  const t = translatePerlRegex(perl);
  const m = new RegExp(t.source, t.flags).exec(text);
  assert.ok(m !== null, `${perl} should match ${JSON.stringify(text)}`);
  return t.groupIndex.slice(1).map((i) => m[i]);
}

void test('\\s and \\S keep Perl byte semantics: \\xa0 is not whitespace', () => {
  assert.equal(compile('a\\sb').test('a\xa0b'), false);
  assert.equal(compile('a\\Sb').test('a\xa0b'), true);
  assert.equal(compile('[\\s]').test('\xa0'), false);
  assert.equal(compile('a\\sb').test('a\tb'), true);
});

void test('leading inline modifiers become flags; scoped (?i:…) is expanded case by case', () => {
  assert.equal(translatePerlRegex('(?i)dhcpack').flags, 'i');
  assert.equal(compile('(?i)dhcpack').test('DHCPACK'), true);
  assert.equal(compile('x(?i:ab[c-d])y').test('xABDy'), true);
  assert.equal(compile('x(?i:ab)y').test('XABy'), false);
  assert.equal(compile('(?s)a.b').test('a\nb'), true);
  assert.equal(compile('a(?s:.)b').test('a\nb'), true);
  assert.equal(compile('a.b').test('a\nb'), false);
  assert.throws(() => translatePerlRegex('(?i)a(?-i)b'), /case-insensitivity off/);
});

void test('\\A \\z \\Z anchors', () => {
  assert.equal(compile('\\Aab\\z').test('ab'), true);
  assert.equal(compile('\\Aab\\z').test('ab\n'), false);
  assert.equal(compile('ab\\Z').test('ab\n'), true);
  assert.equal(compile('x\\Aab').test('xab'), false);
});

void test('\\Q and \\E are literal letters, as in a pattern SEC compiles from a variable', () => {
  assert.equal(compile('\\Qa.b\\E').test('QaxbE'), true);
  assert.equal(compile('\\Qa.b\\E').test('a.b'), false);
});

void test('POSIX classes, a leading ] in a class, octal and hex escapes', () => {
  assert.equal(compile('^[[:alpha:]]+[[:digit:]]$').test('abc1'), true);
  assert.equal(compile('[]x]').test(']'), true);
  assert.equal(compile('\\x41\\x{42}\\101\\o{103}').test('ABAC'), true);
  assert.equal(compile('\\e').test('\x1b'), true);
  assert.throws(() => translatePerlRegex('[[:nope:]]'), /POSIX class/);
});

void test('named groups in all three spellings, and numbering with them', () => {
  assert.deepEqual(groups("(?<a>x)(?'b'y)(?P<c>z)(w)", 'xyzw'), ['x', 'y', 'z', 'w']);
  assert.throws(() => translatePerlRegex('(?<a>x)|(?<a>y)'), /defined twice/);
});

void test('possessive quantifiers and atomic groups keep Perl group numbers', () => {
  assert.equal(compile('a++b').test('aaab'), true);
  assert.equal(compile('"[^"]*+"').test('"abc"'), true);
  assert.equal(compile('(?>a+)a').test('aaa'), false, 'an atomic group does not give back');
  assert.equal(compile('a*+a').test('aaa'), false);
  assert.deepEqual(groups('(x)(?>(y+))(z)', 'xyyz'), ['x', 'yy', 'z']);
  assert.deepEqual(groups('(a)\\1(?>b)(c)\\2', 'aabcc'), ['a', 'c']);
});

void test('/x mode drops whitespace and comments', () => {
  assert.equal(compile('(?x) a b # comment\n c').test('abc'), true);
});

void test('untranslatable constructs are errors that say so', () => {
  for (const bad of ['(?{ 1 })', '(??{ "a" })', '(?R)', '(?1)', '(?&name)', '(?|a|b)', '\\G', '\\K', '\\p{L}', '(*PRUNE)', '(?(1)a|b)']) {
    assert.throws(() => translatePerlRegex(bad), /cannot be translated|no JavaScript equivalent/, bad);
  }
  assert.throws(() => translatePerlRegex('a(b'), /unbalanced/);
  assert.throws(() => translatePerlRegex('*a'), /quantifier/);
});
