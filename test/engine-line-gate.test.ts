import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileRuleText, Engine, readInputsInTurn, RuleSet, runEngineOnFiles } from '../src/engine/index.js';
import { lineGateOf, type LineGate } from '../src/engine/line-gate.js';
import { silentLogger } from '../src/log/index.js';
import { random } from './support/random.js';

function rules(text: string): RuleSet {
  const { ruleFile, errors } = compileRuleText(text, 'test.rules');
  assert.deepEqual(errors, []);
  return new RuleSet([ruleFile]);
}


const SEED = `type=Single
ptype=RegExp
pattern=DHCPACK.*Switch
continue=TakeNext
desc=new switch
action=write - new $0

type=Single
ptype=RegExp
pattern=DHCPACK.*FS-S5850
desc=s5850
action=write - s5850 $0

type=Calendar
time=* * * * *
desc=every minute
action=none
`;

void test('the gate of the seed rules: each rule its literals, a Calendar none', () => {
  assert.deepEqual(lineGateOf(rules(SEED)), [
    ['DHCPACK', 'Switch'],
    ['FS-S5850', 'DHCPACK'],
  ]);
});

void test('a Pair gates on both patterns: a SubStr second pattern on its text before the first $', () => {
  const gate = lineGateOf(
    rules(`type=Pair
ptype=RegExp
pattern=DHCPOFFER on (\\S+) to (\\S+)
desc=offer $2
action=none
ptype2=SubStr
pattern2=DHCPACK on $1 to $2
desc2=acked
action2=write - acked
window=20
`),
  );
  assert.deepEqual(gate, [['DHCPOFFER on ', ' to '], ['DHCPACK on ']]);
});

void test('no gate when some pattern can match a line without a literal', () => {
  const cases: [string, string][] = [
    ['negated', 'ptype=NRegExp\npattern=DHCPACK'],
    ['negated substr', 'ptype=NSubStr\npattern=DHCPACK'],
    ['truth value', 'ptype=TValue\npattern=TRUE'],
    ['cached', 'ptype=Cached\npattern=LEASE'],
    ['multi-line', 'ptype=RegExp2\npattern=DHCPACK.*\\n.*Switch'],
    ['DHCP lease', 'ptype=DHCP\npattern=^Switch$'],
    ['case-insensitive', 'ptype=RegExp\npattern=(?i)switch'],
    ['alternation', 'ptype=RegExp\npattern=ACK|NAK'],
    ['only classes', 'ptype=RegExp\npattern=^\\S+$'],
  ];
  for (const [what, pattern] of cases) {
    const set = rules(`${SEED}\ntype=Single\n${pattern}\ndesc=d\naction=none\n`);
    assert.equal(lineGateOf(set), undefined, what);
  }
  const pairRegex = `type=Pair
ptype=RegExp
pattern=link (\\S+) down
desc=down $1
action=none
ptype2=RegExp
pattern2=link $1 up
desc2=up
action2=none
`;
  assert.equal(lineGateOf(rules(pairRegex)), undefined, 'a RegExp second pattern with a match variable');
  assert.deepEqual(lineGateOf(rules(pairRegex.replace('link $1 up', 'link \\S+ up$'))), [['link ', ' down'], ['link ', ' up']]);
});


void test('read through a gate, a file yields every line that holds an alternative (random lines, reads of every size)', () => {
  const rnd = random(7);
  // Mostly filler, now and then a piece of a literal: few lines pass, as in a real log.
  const filler = ['x', 'yy', ' ', 'z', '-', 'q'];
  const pieces = ['ab', 'abc', 'ca', 'b', 'xa', 'bca', 'a', 'c', '.*', 'bb'];
  const word = (): string => (rnd() < 0.06 ? pieces[Math.floor(rnd() * pieces.length)] : filler[Math.floor(rnd() * filler.length)]) ?? '';
  const gate: LineGate = [['abc', 'ca'], ['bb'], ['xab', 'abc'], ['.*']];
  const dir = mkdtempSync(join(tmpdir(), 'onramp-gate-'));
  for (let round = 0; round < 40; round++) {
    // From a few lines to several 256 KiB reads, so that lines straddle refills; some end without a newline.
    const count = round < 20 ? 1 + Math.floor(rnd() * 30) : 60_000 + Math.floor(rnd() * 40_000);
    const lines = Array.from({ length: count }, () =>
      Array.from({ length: Math.floor(rnd() * 12) }, word).join(''),
    );
    const path = join(dir, `in${String(round)}`);
    writeFileSync(path, lines.join('\n') + (round % 2 === 0 ? '\n' : ''), 'latin1');
    const passed: string[] = [];
    let reads = 0;
    readInputsInTurn([path], (line) => passed.push(line), { gate, skipped: () => { reads++; } });
    // Lines passed on are lines of the file, in order, once each, and among them every line with an alternative.
    let next = 0;
    const wanted = new Set<number>();
    lines.forEach((line, i) => {
      if (gate.some((alt) => alt.every((l) => line.includes(l)))) wanted.add(i);
    });
    for (const line of passed) {
      while (next < lines.length && lines[next] !== line) {
        assert.ok(!wanted.has(next), `round ${String(round)}: line ${String(next)} ${JSON.stringify(lines[next])} was passed over`);
        next++;
      }
      assert.ok(next < lines.length, `round ${String(round)}: ${JSON.stringify(line)} passed on out of order`);
      next++;
    }
    for (; next < lines.length; next++) assert.ok(!wanted.has(next), `round ${String(round)}: line ${String(next)} was passed over`);
    if (round >= 20) {
      assert.ok(passed.length < lines.length / 4, `round ${String(round)}: lines were passed over`);
      assert.ok(reads > 0, 'timers are told of reads that passed lines over');
    }
  }
});

void test('a long literal is searched for by a piece of it: every line with the literal passes, in order', () => {
  const rnd = random(11);
  const filler = ['x', 'yy', '-', 'to', 'on', 'from'];
  // Look-alikes: they share pieces with the literals but are not them.
  const alike = ['FS-S5851', 'S5850-CORE', 'FS-S5850-COR', 'DHCPACKS on', 'DHCPACK  on', 'CPACK on ', 'DISCOVER from 03', 'ISCOVER from 02:00'];
  const gate: LineGate = [['DHCPACK on ', 'FS-S5850-CORE'], ['DISCOVER from 02:00']];
  const dir = mkdtempSync(join(tmpdir(), 'onramp-gate-'));
  for (let round = 0; round < 12; round++) {
    const count = round < 6 ? 1 + Math.floor(rnd() * 40) : 30_000 + Math.floor(rnd() * 20_000);
    const lines = Array.from({ length: count }, () => {
      const r = rnd();
      if (r < 0.02) return `x DHCPACK on 10.0.0.1 FS-S5850-CORE${String(Math.floor(rnd() * 9))}`;
      if (r < 0.03) return `DISCOVER from 02:00:${String(Math.floor(rnd() * 90))}`;
      const words = Array.from({ length: Math.floor(rnd() * 10) }, () => filler[Math.floor(rnd() * filler.length)] ?? '');
      if (r < 0.1) words.splice(Math.floor(rnd() * (words.length + 1)), 0, alike[Math.floor(rnd() * alike.length)] ?? '');
      return words.join(' ');
    });
    const path = join(dir, `long${String(round)}`);
    writeFileSync(path, lines.join('\n') + (round % 2 === 0 ? '\n' : ''), 'latin1');
    const passed: string[] = [];
    readInputsInTurn([path], (line) => passed.push(line), { gate, skipped: () => undefined });
    const wanted = lines.filter((line) => gate.some((alt) => alt.every((l) => line.includes(l))));
    // What passed is in the file's order, and holds every wanted line.
    let next = 0;
    for (const line of passed) {
      while (next < lines.length && lines[next] !== line) next++;
      assert.ok(next < lines.length, `round ${String(round)}: ${JSON.stringify(line)} passed on out of order`);
      next++;
    }
    const seen = new Set(passed);
    for (const line of wanted) assert.ok(seen.has(line), `round ${String(round)}: ${JSON.stringify(line)} was passed over`);
    if (round >= 6) assert.ok(passed.length < lines.length / 4, `round ${String(round)}: the gate passed over lines`);
  }
});

void test('a gate that most lines pass is not used: every line is read in turn', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-gate-'));
  const path = join(dir, 'in');
  const lines = Array.from({ length: 5000 }, (_, i) => (i % 3 === 0 ? `other ${String(i)}` : `DHCPACK ${String(i)}`));
  writeFileSync(path, `${lines.join('\n')}\n`);
  const passed: string[] = [];
  readInputsInTurn([path], (line) => passed.push(line), { gate: [['DHCPACK']], skipped: () => undefined });
  assert.deepEqual(passed, lines);
});

void test('reading a file through the gate writes what reading every line writes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-gate-'));
  const conf = join(dir, 'gate.rules');
  writeFileSync(
    conf,
    `${SEED}
type=SingleWithThreshold
ptype=SubStr
pattern=DHCPDISCOVER from 02:
desc=discover burst
action=write - burst $0
window=60
thresh=3

type=Pair
ptype=RegExp
pattern=DHCPOFFER on (\\S+) to (\\S+)
desc=offer $2
action=none
ptype2=SubStr
pattern2=DHCPACK on $1 to $2
desc2=acked $2
action2=write - acked %s
window=20
`,
  );
  const rnd = random(3);
  const hosts = ['Switch', 'FS-S5850-CORE1', 'android-1', 'printer'];
  const lines: string[] = [];
  // Enough lines for several 256 KiB reads, so lines also straddle the buffer's refills.
  for (let i = 0; i < 20_000; i++) {
    const mac = `02:00:00:00:${String(Math.floor(rnd() * 90) + 10)}:01`;
    const ip = `10.0.0.${String(Math.floor(rnd() * 200))}`;
    const host = hosts[Math.floor(rnd() * hosts.length)] ?? '';
    const kind = Math.floor(rnd() * 4);
    const msg = ['DHCPDISCOVER from', 'DHCPOFFER on', 'DHCPREQUEST for', 'DHCPACK on'][kind] ?? '';
    lines.push(kind === 0 ? `dhcpd: ${msg} ${mac} (${host}) via eth0` : `dhcpd: ${msg} ${ip} to ${mac} (${host}) via eth0`);
  }
  const input = join(dir, 'dhcpd.log');
  writeFileSync(input, `${lines.join('\n')}\n`);
  const clock = (): number => Date.UTC(2026, 0, 1);

  const gated: string[] = [];
  await runEngineOnFiles({ conf: [conf], inputs: [input], now: clock, output: (t) => gated.push(t) });

  const all: string[] = [];
  const engine = new Engine(rules(readFileSync(conf, 'latin1')), { logger: silentLogger(), now: clock, output: (t) => all.push(t) });
  assert.notEqual(engine.lineFilter(), undefined, 'these rules have a gate');
  for (const line of lines) engine.processLine(line, input);
  await engine.close(true);
  assert.ok(all.join('').split('\n').length > 1000, 'the rules matched something');
  assert.equal(gated.join(''), all.join(''));
});
