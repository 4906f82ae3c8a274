import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCsv, parseCsv } from '../src/portmap/index.js';

void test('quoted fields hold commas, quotes and line breaks; CRLF and LF both end records; a BOM is skipped', () => {
  const text = '\uFEFFa,b,c\r\n"x, y","say ""hi""",plain\r\n"two\r\nlines",,last\n\n  \nend,"",z';
  const { records, problems } = parseCsv(text);
  assert.deepEqual(problems, []);
  assert.deepEqual(records, [
    { line: 1, fields: ['a', 'b', 'c'] },
    { line: 2, fields: ['x, y', 'say "hi"', 'plain'] },
    { line: 3, fields: ['two\r\nlines', '', 'last'] },
    // Lines are counted across the quoted line break: this record is on line 7 of the file.
    { line: 7, fields: ['end', '', 'z'] },
  ]);
});

void test('every malformed record is reported with its line, and the records after it are still read', () => {
  const text = [
    'a,b',
    'bad"quote,x',
    '"closed"junk,x',
    'ok,1',
    'cr\rinside,x',
    '"never closed,x',
    'swallowed,y',
  ].join('\n');
  const { records, problems } = parseCsv(text);
  assert.deepEqual(records.map((record) => record.line), [1, 4]);
  assert.deepEqual(problems.map((problem) => problem.line), [2, 3, 5, 6]);
  assert.match(problems[0]?.message ?? '', /a quote inside an unquoted field/);
  assert.match(problems[1]?.message ?? '', /"j" after a closing quote: expected a comma or the end of the line/);
  assert.match(problems[2]?.message ?? '', /carriage return not followed by a line feed/);
  assert.match(problems[3]?.message ?? '', /the quoted field opened on line 6 is never closed/);
});

void test('formatCsv quotes only what needs it, and parseCsv reads back exactly what it wrote', () => {
  const records = [['plain', 'with,comma', 'with "quote"', 'two\nlines', ' edge ', ''], ['x', 'y', 'z', 'a', 'b', 'c']];
  const text = formatCsv(records);
  assert.equal(text.split('\n')[0], 'plain,"with,comma","with ""quote""","two');
  assert.deepEqual(parseCsv(text).records.map((record) => record.fields), records);
});
