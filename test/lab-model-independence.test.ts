import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const LAB = join(import.meta.dirname, '..', 'src', 'lab');

void test('the lab models the switch on its own: nothing under src/lab imports the planner', () => {
  const files = readdirSync(LAB, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length > 20, 'the lab sources are read');
  const importers = files.filter((f) => /from '(?:\.\.\/)+provision\//.test(readFileSync(join(LAB, f), 'utf8')));
  assert.deepEqual(importers, []);
});
