import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputBuffer } from '../src/engine/input-buffer.js';
import { mapValues } from '../src/engine/match-vars.js';
import { compilePattern, matchPattern, parseVarMap } from '../src/engine/pattern.js';
import type { MatchCache } from '../src/engine/substitute.js';

function match(ptype: string, pattern: string, line: string, varmap?: string, cache: MatchCache = new Map()) {
  const p = compilePattern(ptype, pattern);
  if (varmap !== undefined) p.varmap = parseVarMap(varmap);
  const input = new InputBuffer(1, false);
  input.push(line, '/var/log/dhcpd.log');
  const vars = matchPattern(p, input, cache, 'CTX');
  assert.ok(vars !== null, `${pattern} should match ${line}`);
  return vars;
}

void test('a RegExp match answers $N, $0, named groups and the input values from the match', () => {
  const vars = match('RegExp', 'DHCPACK on (\\S+) to (?<mac>\\S+)( via (\\S+))?', 'DHCPACK on 10.0.0.7 to 02:00:00:00:00:01');
  assert.equal(vars.empty, false);
  assert.equal(vars.get('0'), 'DHCPACK on 10.0.0.7 to 02:00:00:00:00:01');
  assert.equal(vars.get('1'), '10.0.0.7');
  assert.equal(vars.get('2'), '02:00:00:00:00:01');
  assert.equal(vars.get('mac'), '02:00:00:00:00:01');
  // A group that took no part, one the pattern does not have, and a number SEC's variables never spell.
  assert.equal(vars.get('4'), undefined);
  assert.equal(vars.get('5'), undefined);
  assert.equal(vars.get('01'), undefined);
  assert.equal(vars.get('nosuch'), undefined);
  assert.equal(vars.get('_inputsrc'), '/var/log/dhcpd.log');
  assert.equal(vars.get('_intcontext'), 'CTX');
});

void test('a RegExp without groups has $1 "1", as Perl returns (1)', () => {
  const vars = match('RegExp', 'DHCPACK', 'DHCPACK on 10.0.0.7');
  assert.equal(vars.get('1'), '1');
  assert.equal(vars.get('2'), undefined);
});

void test('varmap names come before everything else; a number past the groups names nothing', () => {
  const vars = match('RegExp', '(?<_inputsrc>\\S+) on (?<ip>\\S+)', 'DHCPACK on 10.0.0.7', 'ip=1; first=1; gone=3');
  assert.equal(vars.get('ip'), 'DHCPACK');
  assert.equal(vars.get('first'), 'DHCPACK');
  assert.equal(vars.get('gone'), undefined);
  // A named group loses to the input's own name too.
  assert.equal(vars.get('_inputsrc'), '/var/log/dhcpd.log');
});

void test('varmap without a number stores the match in the cache, and a Cached pattern gives the same values back', () => {
  const cache: MatchCache = new Map();
  match('RegExp', 'DHCPACK on (\\S+)', 'DHCPACK on 10.0.0.7', 'LEASE', cache);
  const vars = match('Cached', 'LEASE', 'some other line', undefined, cache);
  assert.equal(vars.get('1'), '10.0.0.7');
  assert.equal(vars.get('0'), 'DHCPACK on 10.0.0.7');
});

void test('NRegExp has $0 and the input values; SubStr has no variables', () => {
  const negated = match('NRegExp', 'DHCPNAK', 'DHCPACK on 10.0.0.7');
  assert.equal(negated.get('0'), 'DHCPACK on 10.0.0.7');
  assert.equal(negated.get('1'), undefined);
  assert.equal(negated.get('_inputsrc'), '/var/log/dhcpd.log');
  assert.equal(match('SubStr', 'DHCPACK', 'DHCPACK on 10.0.0.7').empty, true);
});

void test('a DHCP match has the lease fields by name, over the hostname groups, and $0 the whole line', () => {
  const line = 'Nov 23 10:00:01 dhcp dhcpd[1]: DHCPACK on 10.0.0.7 to 02:00:00:00:00:01 (FS-S5850-01) via eth0';
  const vars = match('DHCP', '^(FS)-(S\\d+)', line, 'ip=1');
  assert.equal(vars.get('0'), line);
  assert.equal(vars.get('1'), 'FS');
  assert.equal(vars.get('2'), 'S5850');
  assert.equal(vars.get('host'), 'FS-S5850-01');
  assert.equal(vars.get('mac'), '02:00:00:00:00:01');
  // The lease's ip wins over a varmap name that is also a lease field.
  assert.equal(vars.get('ip'), '10.0.0.7');
});

void test('mapValues changes defined values only, as they are read', () => {
  const vars = match('RegExp', '(\\S+) (\\S+)?', 'a$b ');
  const masked = mapValues(vars, (v) => v.replaceAll('$', '[dollar]'));
  assert.equal(masked.get('1'), 'a[dollar]b');
  assert.equal(masked.get('2'), undefined);
  assert.equal(masked.empty, false);
});
