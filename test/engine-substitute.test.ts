import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MapVars } from '../src/engine/match-vars.js';
import { hasMatchVars, substAction, substMatch, substMatchInAction, type MatchCache } from '../src/engine/substitute.js';

const vars = new MapVars(
  new Map([
    ['0', 'DHCPACK on 10.0.0.7 to 02:00:00:00:00:01'],
    ['1', '10.0.0.7'],
    ['2', '02:00:00:00:00:01'],
    ['12', 'twelfth'],
    ['host', 'Switch'],
    ['3', undefined],
  ]),
);
const cache: MatchCache = new Map([['LEASE', new MapVars(new Map([['ip', '10.0.0.9']]))]]);

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

void test('in action text a value keeps its %: the action-variable pass after it gives the value back, not %s or %SYS', () => {
  const line = new MapVars(new Map([['1', 'hello %SYS-5 %s world'], ['2', '100%%']]));
  const text = substMatchInAction('A:$1 B:%FOO C:%s D:$2', line);
  assert.equal(text, 'A:hello %%SYS-5 %%s world B:%FOO C:%s D:100%%%%');
  assert.equal(substAction(text, (name) => (name === 's' ? 'x' : undefined)), 'A:hello %SYS-5 %s world B: C:x D:100%%');
});

void test('a doubled token alone makes a text volatile, as a match variable does', () => {
  assert.equal(hasMatchVars('cost $$5'), true);
  assert.equal(hasMatchVars('cost $5 and 5%'), true);
  assert.equal(hasMatchVars('cost 5 and $x'), false);
  assert.equal(hasMatchVars('50%% off', '%'), true);
  assert.equal(hasMatchVars('%s off', '%'), false);
});
