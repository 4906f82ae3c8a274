import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RenewingMap } from '../src/engine/renewing-map.js';

void test('a RenewingMap keeps the contents and insertion order of a Map through many renewals', () => {
  const renewing = new RenewingMap<string, number>();
  const plain = new Map<string, number>();
  // A deterministic churn: keys come, are overwritten, and go, far past the renewal threshold.
  let seed = 7;
  for (let i = 0; i < 20_000; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const key = `k${seed % 300}`;
    if (seed % 3 === 0) {
      assert.equal(renewing.delete(key), plain.delete(key));
    } else {
      renewing.set(key, i);
      plain.set(key, i);
    }
    assert.equal(renewing.size, plain.size);
  }
  assert.deepEqual([...renewing], [...plain]);
  assert.deepEqual([...renewing.keys()], [...plain.keys()]);
  for (const [key, value] of plain) {
    assert.equal(renewing.get(key), value);
    assert.equal(renewing.has(key), true);
  }
  assert.equal(renewing.get('absent'), undefined);
});

void test('a loop over values() that deletes as it goes sees what a Map loop sees', () => {
  const renewing = new RenewingMap<number, number>();
  const plain = new Map<number, number>();
  for (let i = 0; i < 500; i++) {
    renewing.set(i, i);
    plain.set(i, i);
  }
  const walk = (map: RenewingMap<number, number> | Map<number, number>): number[] => {
    const seen: number[] = [];
    for (const value of map.values()) {
      seen.push(value);
      // Ends this entry and one ahead of it, as a Pair's action may end another operation of its rule.
      map.delete(value);
      map.delete(value + 1 + (value % 3));
    }
    return seen;
  };
  const seen = walk(renewing);
  assert.deepEqual(seen, walk(plain));
  assert.ok(seen.length > 100 && seen.length < 500);
  assert.equal(renewing.size, 0);
});

void test('clear empties it and it fills again', () => {
  const renewing = new RenewingMap<string, string>();
  renewing.set('a', '1');
  renewing.clear();
  assert.equal(renewing.size, 0);
  assert.equal(renewing.get('a'), undefined);
  renewing.set('b', '2');
  assert.deepEqual([...renewing.entries()], [['b', '2']]);
});
