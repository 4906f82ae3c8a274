import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/log/index.js';
import { compileRuleText, Engine, RuleSet, runEngineOnFiles } from '../src/engine/index.js';
import { engineOnClock } from './support/clocked-engine.js';

/** An engine on a clock the test moves by hand. */
function clocked(text: string, extra: { intevents?: boolean } = {}): ReturnType<typeof engineOnClock> {
  return engineOnClock([text], extra);
}

void test('a context expires after its lifetime and runs its action list with %s of its creation', async () => {
  const c = clocked(['type=Single', 'ptype=RegExp', 'pattern=down (\\S+)', 'desc=link $1', 'action=create L_$1 10 (write - expired %s); add L_$1 $0'].join('\n'));
  c.engine.processLine('down eth1', 'log');
  c.advance(10);
  c.advance(1);
  assert.equal(await c.output(), 'expired link eth1\n');
});

void test('PairWithWindow runs action when the window passes without the second event, action2 when it comes', async () => {
  const c = clocked(
    ['type=PairWithWindow', 'ptype=RegExp', 'pattern=down (\\S+)', 'desc=down $1', 'action=write - timeout %s', 'ptype2=RegExp', 'pattern2=up $1',
      'desc2=up %1', 'action2=write - %s', 'window=30'].join('\n'),
  );
  c.engine.processLine('down eth1', 'log');
  c.engine.processLine('down eth2', 'log');
  c.advance(20);
  c.engine.processLine('up eth2', 'log');
  c.advance(11);
  assert.equal(await c.output(), 'up eth2\ntimeout down eth1\n');
});

void test('SingleWithThreshold counts within a sliding window and runs action2 when the window closes', async () => {
  const c = clocked(
    ['type=SingleWithThreshold', 'ptype=RegExp', 'pattern=fail (\\S+)', 'desc=fails $1', 'action=write - alarm %s', 'action2=write - quiet %s', 'window=10', 'thresh=3'].join('\n'),
  );
  c.engine.processLine('fail a', 'log');
  c.advance(6);
  c.engine.processLine('fail a', 'log');
  c.advance(6);
  c.engine.processLine('fail a', 'log'); // the first one slid out: only two in the window
  c.advance(1);
  c.engine.processLine('fail a', 'log');
  c.advance(11);
  assert.equal(await c.output(), 'alarm fails a\nquiet fails a\n');
});

void test('SingleWithSuppress suppresses within the window and reports again after it', async () => {
  const c = clocked(['type=SingleWithSuppress', 'ptype=RegExp', 'pattern=x (\\d)', 'desc=x', 'action=write - seen $1', 'window=5'].join('\n'));
  c.engine.processLine('x 1', 'log');
  c.advance(3);
  c.engine.processLine('x 2', 'log');
  c.advance(3);
  c.engine.processLine('x 3', 'log');
  assert.equal(await c.output(), 'seen 1\nseen 3\n');
});

void test('event with a delay is delivered by the clock; Calendar fires once in its minute', async () => {
  const c = clocked(
    ['type=Single', 'ptype=SubStr', 'pattern=start', 'desc=d', 'action=event 5 later', '', 'type=Single', 'ptype=SubStr', 'pattern=later', 'desc=l',
      'action=write - got later', '', 'type=Calendar', 'time=1 12 * * *', 'desc=cal', 'action=write - calendar %s'].join('\n'),
  );
  c.engine.processLine('start', 'log');
  c.advance(4);
  assert.equal(c.engine.dump().includes('Contexts: 0'), true);
  c.advance(1);
  c.advance(55);
  c.advance(1);
  c.advance(1);
  const out = await c.output();
  assert.equal(out.split('\n').filter((l) => l === 'got later').length, 1);
  // The test clock starts at 12:00 UTC; Calendar works in local time like SEC.
  if (new Date(Date.UTC(2026, 0, 15, 12, 1, 0)).getHours() === 12) assert.equal(out.split('\n').filter((l) => l === 'calendar cal').length, 1);
});

void test('--intevents: SEC_STARTUP and SEC_SHUTDOWN reach the rules with SEC_INTERNAL_EVENT set', async () => {
  const c = clocked(['type=Single', 'ptype=RegExp', 'pattern=^SEC_(\\w+)$', 'context=SEC_INTERNAL_EVENT', 'desc=d', 'action=write - $1'].join('\n'), { intevents: true });
  c.engine.processLine('SEC_FAKE', 'log');
  assert.equal(await c.output(), 'STARTUP\nSHUTDOWN\n');
});

void test('hostile input: a 10 MB line without newline, NUL bytes and invalid UTF-8 pass without harm', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-hostile-'));
  const rules = join(dir, 'r.rules');
  const input = join(dir, 'in.log');
  writeFileSync(input, Buffer.concat([Buffer.from('ok a\x00b\nok \xff\xfe\xc3\n', 'latin1'), Buffer.alloc(10 * 1024 * 1024, 0x41)]));
  // Read line by line, and through the gate of literal-only rules, which passes the long line over.
  for (const extra of ['type=Single\nptype=RegExp\npattern=^(A{5})A*$\ndesc=e\naction=write - long $1\n', '']) {
    writeFileSync(rules, `type=Single\nptype=RegExp\npattern=^ok (\\S+)\ndesc=d\naction=write - $1\n\n${extra}`);
    const out: string[] = [];
    await runEngineOnFiles({ conf: [rules], inputs: [input], output: (t) => out.push(t) });
    const expected = `a\x00b\n\xff\xfe\xc3\n${extra === '' ? '' : 'long AAAAA\n'}`;
    assert.deepEqual(Buffer.from(out.join(''), 'latin1'), Buffer.from(expected, 'latin1'));
  }
});

void test('SingleWith2Thresholds: action at thresh events, action2 once window2 holds no more than thresh2', async () => {
  const c = clocked(
    ['type=SingleWith2Thresholds', 'ptype=SubStr', 'pattern=err', 'desc=errors', 'action=write - storm', 'window=10', 'thresh=2',
      'desc2=errors over', 'action2=write - quiet %s', 'window2=10', 'thresh2=1'].join('\n'),
  );
  c.engine.processLine('err', 'log');
  c.advance(1);
  c.engine.processLine('err', 'log');
  c.advance(4);
  c.engine.processLine('err', 'log');
  c.advance(1);
  c.engine.processLine('err', 'log'); // two in window2: it slides to start here
  c.advance(6);
  assert.equal(c.engine.dump().includes('Active event correlation operations: 1'), true, 'still inside window2');
  c.advance(5);
  assert.equal(await c.output(), 'storm\nquiet errors over\n');
});

void test('the real clock is read once per burst of lines, and again after the burst or after 256 uses', async (t) => {
  let now = Date.UTC(2026, 0, 15, 12, 0, 0);
  t.mock.method(Date, 'now', () => now);
  // Suppression for 3 s: whether a "tick" fires shows which time the engine saw.
  const rules = 'type=SingleWithSuppress\nptype=RegExp\npattern=tick\ndesc=t\naction=write - %u\nwindow=3\n';
  const { ruleFile, errors } = compileRuleText(rules, 'clock.rules');
  assert.deepEqual(errors, []);
  const out: string[] = [];
  const engine = new Engine(new RuleSet([ruleFile]), { logger: silentLogger(), output: (text) => out.push(text) });
  const start = now / 1000;
  engine.processLine('tick', 'log');
  now += 5000;
  engine.processLine('tick', 'log'); // same burst: still at the start, so suppressed
  await new Promise((resolve) => setImmediate(resolve));
  engine.processLine('tick', 'log'); // a new burst reads the clock again: the window has passed
  now += 5000;
  for (let i = 0; i < 300; i++) engine.processLine('no match', 'log');
  engine.processLine('tick', 'log'); // a long burst reads it again too
  await engine.close();
  assert.deepEqual(out.join('').split('\n').filter(Boolean).map(Number), [start, start + 5, start + 10]);
});
