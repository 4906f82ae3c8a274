import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileRuleText, Engine, RuleSet, runEngineOnFiles } from '../src/engine/index.js';
import { GateScanner, lineGateOf, type LineGate } from '../src/engine/line-gate.js';
import { silentLogger } from '../src/log/index.js';

function rules(text: string): RuleSet {
  const { ruleFile, errors } = compileRuleText(text, 'test.rules');
  assert.deepEqual(errors, []);
  return new RuleSet([ruleFile]);
}

/** The gate as literal sets, for comparing. */
function alternatives(gate: LineGate | undefined): string[][] | undefined {
  return gate?.alternatives.map((alt) => alt.map((k) => gate.literals[k] ?? '?'));
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
  assert.deepEqual(alternatives(lineGateOf(rules(SEED))), [
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
  assert.deepEqual(alternatives(gate), [['DHCPOFFER on ', ' to '], ['DHCPACK on ']]);
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
  assert.deepEqual(alternatives(lineGateOf(rules(pairRegex.replace('link $1 up', 'link \\S+ up$')))), [['link ', ' down'], ['link ', ' up']]);
});

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

void test('the scanner passes exactly the lines that hold every literal of some alternative (random lines)', () => {
  const rnd = random(7);
  const words = ['ab', 'abc', 'ca', 'b', 'xa', 'bca', ' ', 'a', 'c'];
  const gate: LineGate = { literals: ['abc', 'ca', 'bb', 'xab'], alternatives: [[0, 1], [2], [3, 0]] };
  for (let round = 0; round < 200; round++) {
    const lines = Array.from({ length: 1 + Math.floor(rnd() * 30) }, () =>
      Array.from({ length: Math.floor(rnd() * 8) }, () => words[Math.floor(rnd() * words.length)] ?? '').join(''),
    );
    const text = lines.join('\n');
    // Bytes after the end are left over from an earlier read: a literal there must not count.
    const buffer = Buffer.from(`${text}abcca xab bb`, 'latin1');
    const scanner = new GateScanner(gate);
    scanner.reset(buffer, text.length);
    let start = 0;
    for (const line of lines) {
      const expected = gate.alternatives.some((alt) => alt.every((k) => line.includes(gate.literals[k] ?? '')));
      assert.equal(scanner.passes(start, start + line.length), expected, `round ${String(round)}: ${JSON.stringify(line)}`);
      start += line.length + 1;
    }
  }
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
  // Enough lines for several 64 KiB reads, so lines also straddle the buffer's refills.
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
  const result = await runEngineOnFiles({ conf: [conf], inputs: [input], now: clock, output: (t) => gated.push(t) });
  assert.equal(result.lines, lines.length, 'every line is counted, passed over or not');

  const all: string[] = [];
  const engine = new Engine(rules(readFileSync(conf, 'latin1')), { logger: silentLogger(), now: clock, output: (t) => all.push(t) });
  assert.notEqual(engine.lineFilter(), undefined, 'these rules have a gate');
  for (const line of lines) engine.processLine(line, input);
  await engine.close(true);
  assert.ok(all.join('').split('\n').length > 1000, 'the rules matched something');
  assert.equal(gated.join(''), all.join(''));
});
