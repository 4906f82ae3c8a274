import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Screen } from '../src/device/screen.js';

function feed(chunks: string[]): Screen {
  const screen = new Screen();
  for (const c of chunks) screen.push(c);
  return screen;
}

void test('CRLF split across chunks gives one line break', () => {
  const screen = feed(['line one\r', '\nline two\r', '\n', 'HOST#']);
  assert.deepEqual(screen.take(), ['line one', 'line two']);
});

void test('ANSI escapes are removed, also when a sequence is split between chunks', () => {
  const screen = feed(['\x1b[0mhello\x1b', '[K\x1b[1', ';32mworld\x1b[0m\r\n', '\x1b]0;title\x07HOST#']);
  assert.equal(screen.currentLine(), 'HOST#');
  assert.deepEqual(screen.take(), ['helloworld']);
});

void test('backspaces erase within the current line only', () => {
  const screen = feed(['abc\r\n', 'xy\b\bz\b\b\b\bq']);
  assert.equal(screen.currentLine(), 'q');
  assert.deepEqual(screen.take(), ['abc']);
});

void test('an Edgecore pager erase (10 backspaces, 10 blanks, 10 backspaces) leaves nothing behind', () => {
  const screen = feed(['line 1\r\n---More---', '\b'.repeat(10) + ' '.repeat(10) + '\b'.repeat(10), 'line 2\r\n']);
  assert.deepEqual(screen.take(), ['line 1', 'line 2']);
});

void test('a bare carriage return starts the line again', () => {
  const screen = feed([' --More-- \r          \rnext line\r\n']);
  assert.deepEqual(screen.take(), ['next line']);
});

void test('NUL and BEL bytes are dropped', () => {
  const screen = feed(['a\0b\x07c\r\n']);
  assert.deepEqual(screen.take(), ['abc']);
});

void test('commitCurrentLine keeps an answered question in the output; clearCurrentLine drops it', () => {
  const screen = new Screen();
  screen.push('out\r\nfile name [startup1.cfg]: ');
  screen.commitCurrentLine();
  screen.push(' --More-- ');
  screen.clearCurrentLine();
  assert.deepEqual(screen.take(), ['out', 'file name [startup1.cfg]: ']);
});
