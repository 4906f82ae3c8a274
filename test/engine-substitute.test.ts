import { test } from 'node:test';
import assert from 'node:assert/strict';
import { substMatch, type MatchCache, type MatchVars } from '../src/engine/substitute.js';

const vars: MatchVars = new Map<string, string | undefined>([
  ['0', 'DHCPACK on 10.0.0.7 to 02:00:00:00:00:01'],
  ['1', '10.0.0.7'],
  ['2', '02:00:00:00:00:01'],
  ['12', 'twelfth'],
  ['host', 'Switch'],
  ['3', undefined],
]);
const cache: MatchCache = new Map([['LEASE', new Map<string, string | undefined>([['ip', '10.0.0.9']])]]);

void test('match variables as SEC substitutes them: numbers, braces, names, cache entries and escapes', () => {
  const cases: [string, string][] = [
    ['$1 $2', '10.0.0.7 02:00:00:00:00:01'],
    ['$0', 'DHCPACK on 10.0.0.7 to 02:00:00:00:00:01'],
    // Digits run as far as they go: $12 is the twelfth group, not $1 then "2".
    ['$12', 'twelfth'],
    ['${1}2', '10.0.0.72'],
    ['$123', ''],
    ['$3 and $9', ' and '],
    ['$+{host}-$+{none}', 'Switch-'],
    ['$:{LEASE:ip}', '10.0.0.9'],
    ['$$1 costs $$', '$1 costs $'],
    ['$x $', '$x $'],
    ['no variables', 'no variables'],
    ['SWITCH_$2', 'SWITCH_02:00:00:00:00:01'],
  ];
  for (const [text, want] of cases) assert.equal(substMatch(text, vars, cache), want, text);
});

void test("a Pair's first match goes into desc2 and action2 with the % token", () => {
  assert.equal(substMatch('acked %2 after %1, %%1 and $1', vars, cache, '%'), 'acked 02:00:00:00:00:01 after 10.0.0.7, %1 and $1');
});
