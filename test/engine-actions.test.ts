import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/log/index.js';
import { compileRuleText, Engine, RuleSet, type NativeActionSink } from '../src/engine/index.js';
import { engineOnClock } from './support/clocked-engine.js';

function engineFor(text: string, extra: { sink?: NativeActionSink; secShellCompat?: boolean; now?: () => number } = {}) {
  const { ruleFile, errors } = compileRuleText(text, 'test.rules');
  assert.deepEqual(errors.map((e) => e.message), []);
  const out: string[] = [];
  const engine = new Engine(new RuleSet([ruleFile]), { logger: silentLogger(), output: (t) => out.push(t), ...extra });
  return { engine, out: () => out.join('') };
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'onramp-engine-'));

void test('write - prints match variables; TakeNext continues and DontCont stops', async () => {
  const { engine, out } = engineFor(
    [
      'type=Single', 'ptype=RegExp', 'pattern=DHCPACK on (\\S+) to (?<mac>\\S+)', 'continue=TakeNext', 'desc=ack $1', 'action=write - first $1 $+{mac} (%s)', '',
      'type=Single', 'ptype=SubStr', 'pattern=DHCPACK', 'desc=second', 'action=write - second', '',
      'type=Single', 'ptype=SubStr', 'pattern=DHCPACK', 'desc=third', 'action=write - never',
    ].join('\n'),
  );
  engine.processLine('dhcpd: DHCPACK on 10.0.0.9 to aa:bb:cc:00:00:01 via eth0', 'log');
  engine.processLine('unrelated line', 'log');
  await engine.close();
  assert.equal(out(), 'first 10.0.0.9 aa:bb:cc:00:00:01 (ack 10.0.0.9)\nsecond\n');
});

void test('shellcmd quotes event values: a hostile hostname stays data', async () => {
  const dir = tmp();
  const marker = join(dir, 'pwned');
  const log = join(dir, 'seen');
  const { engine } = engineFor(
    ['type=Single', 'ptype=RegExp', 'pattern=host (\\S+)', 'desc=d', `action=shellcmd echo $1 >> ${log}; shellcmd echo "in quotes: $1" >> ${log}`].join('\n'),
  );
  engine.processLine(`host Switch;touch\${IFS}${marker}`, 'log');
  await engine.close();
  assert.equal(existsSync(marker), false);
  const seen = readFileSync(log, 'utf8').split('\n').filter((l) => l !== '').sort();
  assert.deepEqual(seen, [`Switch;touch\${IFS}${marker}`, `in quotes: Switch;touch\${IFS}${marker}`].sort());
});

void test('--sec-shell-compat substitutes raw, as SEC does', async () => {
  const dir = tmp();
  const log = join(dir, 'seen');
  const { engine } = engineFor(['type=Single', 'ptype=RegExp', 'pattern=v=(.*)', 'desc=d', `action=shellcmd echo $1 >> ${log}`].join('\n'), {
    secShellCompat: true,
  });
  engine.processLine('v=a   b', 'log');
  await engine.close();
  assert.equal(readFileSync(log, 'utf8'), 'a b\n');
});

void test('ptype=DHCP hands the lease to the native onboard action, no shell involved', async () => {
  const calls: string[][] = [];
  const sink: NativeActionSink = {
    onboard: (ip, mac, host) => calls.push(['onboard', ip, mac, host]),
    check: (host) => calls.push(['check', host]),
    provision: (ip, name) => calls.push(['provision', ip, name]),
    backup: (host) => calls.push(['backup', host]),
  };
  const { engine } = engineFor(
    ['type=Single', 'ptype=DHCP', 'pattern=^(switch|fs-s\\d+)', 'desc=lease $+{host}', 'action=onboard $+{ip} $+{mac} $+{host}; check $+{host}'].join('\n'),
    { sink },
  );
  engine.processLine('Nov 23 09:00:01 gw dhcpd[12]: DHCPACK on 10.77.0.21 to BE:B5:DE:01:12:A1 (FS-S3900-ACC1) via eth0', 'log');
  engine.processLine('Nov 23 09:00:02 gw dhcpd[12]: DHCPACK on 10.77.0.22 to be:b5:de:01:12:a2 (laptop) via eth0', 'log');
  engine.processLine('Nov 23 09:00:03 gw dhcpd[12]: DHCPOFFER on 10.77.0.23 to be:b5:de:01:12:a3 (Switch) via eth0', 'log');
  await engine.close();
  assert.deepEqual(calls, [
    ['onboard', '10.77.0.21', 'be:b5:de:01:12:a1', 'FS-S3900-ACC1'],
    ['check', 'FS-S3900-ACC1'],
  ]);
  assert.equal(new RuleSet([compileRuleText('type=Single\nptype=DHCP\npattern=x\ndesc=d\naction=check $+{host}\n', 'f').ruleFile]).usesNativeActions(), true);
});

void test('SingleWithScript runs the script with substituted arguments, context names on stdin, then action or action2', async () => {
  const dir = tmp();
  const script = join(dir, 'probe.sh');
  const record = join(dir, 'record');
  writeFileSync(script, `#!/bin/sh\nprintf '%s|' "$@" >> ${record}\ncat >> ${record}\n[ "$1" = good ]\n`);
  chmodSync(script, 0o755);
  const { engine, out } = engineFor(
    [
      'type=Single', 'ptype=SubStr', 'pattern=setup', 'desc=d', 'action=create CTX_A', '',
      'type=SingleWithScript', 'ptype=RegExp', 'pattern=probe (\\S+) (.*)', `script=${script} $1 $2`, 'desc=probe $1',
      'action=write - ok %s', 'action2=write - failed %s',
    ].join('\n'),
  );
  engine.processLine('setup', 'log');
  engine.processLine('probe good two words', 'log');
  const deadline = Date.now() + 5000;
  while (!out().includes('ok') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  engine.processLine('probe bad x;y', 'log');
  await engine.close();
  assert.equal(out(), 'ok probe good\nfailed probe bad\n');
  assert.equal(readFileSync(record, 'utf8'), 'good|two words|CTX_A\nbad|x;y|CTX_A\n');
});

void test('logonly and native actions without a sink do not throw', async () => {
  const { engine } = engineFor(['type=Single', 'ptype=SubStr', 'pattern=x', 'desc=d', 'action=logonly hello; backup sw1'].join('\n'));
  assert.doesNotThrow(() => {
    engine.processLine('x', 'log');
  });
  await engine.close();
});


void test('getaliases, getltime and getctime leave the variable alone for a missing context; getsize unsets it', async () => {
  const { engine, out } = engineFor(
    ['type=Single', 'ptype=SubStr', 'pattern=go', 'desc=d',
      'action=assign %a kept; assign %l kept; assign %c kept; assign %n kept; getaliases %a NONE; getltime %l NONE; getctime %c NONE; getsize %n NONE; ' +
      'write - [%a] [%l] [%c] [%n]; if %n ( write - set ) else ( write - unset )'].join('\n'),
  );
  engine.processLine('go', 'log');
  await engine.close();
  assert.equal(out(), '[kept] [kept] [kept] []\nunset\n');
});

void test('setctime only moves a creation time forward and not past now', async () => {
  const c = engineOnClock([
    ['type=Single', 'ptype=RegExp', 'pattern=^create', 'desc=d', 'action=create C 100', '',
      'type=Single', 'ptype=RegExp', 'pattern=^set (\\S+)', 'desc=d', 'action=setctime $1 C; getctime %c C; write - %c', '',
      'type=Single', 'ptype=SubStr', 'pattern=alive', 'context=C', 'desc=d', 'action=write - alive'].join('\n'),
  ]);
  const created = c.nowSeconds();
  c.engine.processLine('create', 'log');
  c.advance(50);
  c.engine.processLine(`set ${created - 40}`, 'log');
  c.engine.processLine(`set ${c.nowSeconds() + 1}`, 'log');
  c.engine.processLine(`set ${created + 30}`, 'log');
  c.advance(70);
  c.engine.processLine('alive', 'log');
  c.advance(31);
  c.engine.processLine('alive', 'log');
  assert.equal(await c.output(), `${created}\n${created}\n${created + 30}\nalive\n`);
});

void test('setwpos moves a threshold window forward only: events before the new start are forgotten, an empty operation ends', async () => {
  const swt = ['type=SingleWithThreshold', 'ptype=RegExp', 'pattern=fail (\\S+)', 'desc=fails $1', 'action=write - threshold %s', 'window=100', 'thresh=3', ''];
  const c = engineOnClock([
    [...swt,
      'type=Single', 'ptype=RegExp', 'pattern=^move (\\S+) (\\S+)', 'desc=d', 'action=setwpos $2 -1 fails $1; assign %w none; getwpos %w -1 fails $1; write - $1 %w'].join('\n'),
  ]);
  const start = c.nowSeconds();
  c.engine.processLine('fail a', 'log');
  c.advance(10);
  c.engine.processLine('fail a', 'log');
  c.engine.processLine('fail b', 'log');
  c.advance(10);
  c.engine.processLine(`move a ${start - 5}`, 'log');
  c.engine.processLine(`move a ${c.nowSeconds() + 5}`, 'log');
  c.engine.processLine('move a soon', 'log');
  // a keeps its event at start+10; b's only event is before the new start, so b ends.
  c.engine.processLine(`move a ${start + 5}`, 'log');
  c.engine.processLine(`move b ${start + 15}`, 'log');
  c.engine.processLine('fail a', 'log');
  c.engine.processLine('fail a', 'log');
  assert.equal(
    await c.output(),
    [`a ${start}`, `a ${start}`, `a ${start}`, `a ${start + 5}`, 'b none', 'threshold fails a', ''].join('\n'),
  );
});

void test('setwpos on an EventGroup whose window empties ends it with its end actions', async () => {
  const c = engineOnClock([
    ['type=EventGroup2', 'ptype=RegExp', 'pattern=down (\\S+)', 'ptype2=RegExp', 'pattern2=stp (\\S+)', 'desc=flap $1', 'action=write - %s',
      'end=write - ended %s', 'window=100', '',
      'type=Single', 'ptype=RegExp', 'pattern=^move (\\S+) (\\S+)', 'desc=d', 'action=setwpos $2 -1 flap $1'].join('\n'),
  ]);
  const start = c.nowSeconds();
  c.engine.processLine('down ge1', 'log');
  c.advance(10);
  c.engine.processLine(`move ge1 ${start + 5}`, 'log');
  c.engine.processLine('stp ge1', 'log');
  assert.equal(await c.output(), 'ended flap ge1\n');
});

void test('reset, getwpos and setwpos count rules in their own file only', async () => {
  const swt = ['type=SingleWithThreshold', 'ptype=RegExp', 'pattern=fail (\\S+)', 'desc=fails $1', 'action=write - threshold in %s', 'window=100', 'thresh=2', ''];
  const c = engineOnClock([
    swt.join('\n'),
    ['type=Single', 'ptype=SubStr', 'pattern=nothing here', 'desc=fails x', 'action=none', '',
      'type=Single', 'ptype=RegExp', 'pattern=^probe (\\S+)', 'desc=d', 'action=assign %w none; getwpos %w 1 fails $1; write - wpos %w; reset 1 fails $1'].join('\n'),
  ]);
  c.engine.processLine('fail a', 'log');
  c.engine.processLine('probe a', 'log');
  c.engine.processLine('fail a', 'log');
  assert.equal(await c.output(), 'wpos none\nthreshold in fails a\n');
});

void test('varset tells whether the pattern match cache holds an entry', async () => {
  const { engine, out } = engineFor(
    ['type=Single', 'ptype=RegExp', 'pattern=login (\\S+)', 'varmap=LOGIN; user=1', 'continue=TakeNext', 'desc=d', 'action=none', '',
      'type=Single', 'ptype=TValue', 'pattern=TRUE', 'desc=d', 'action=varset %l LOGIN; varset %n NTP; write - %l %n'].join('\n'),
  );
  engine.processLine('login alice', 'log');
  engine.processLine('other', 'log');
  await engine.close();
  assert.equal(out(), '1 0\n0 0\n');
  assert.match(compileRuleText('type=Single\nptype=SubStr\npattern=x\ndesc=d\naction=varset x LOGIN\n', 'f').errors[0]?.message ?? '', /does not have the form/);
});

void test('EventGroup multact=yes keeps its events and fires on every later one while the thresholds hold', async () => {
  const c = engineOnClock([
    ['type=EventGroup2', 'ptype=RegExp', 'pattern=tcp (\\S+)', 'thresh=2', 'ptype2=RegExp', 'pattern2=udp (\\S+)', 'desc=scan $1',
      'action=write - %s', 'multact=yes', 'window=60'].join('\n'),
  ]);
  for (const line of ['tcp a', 'udp a', 'tcp a', 'udp a', 'tcp b']) c.engine.processLine(line, 'log');
  assert.equal(await c.output(), 'scan a\nscan a\n');
});

void test('EventGroup: an init or count action that ends the operation leaves the event at that', async () => {
  const c = engineOnClock([
    ['type=EventGroup', 'ptype=RegExp', 'pattern=init (\\S+)', 'desc=i $1', 'init=write - init %s; reset 0 %s', 'action=write - fired %s', 'window=60', '',
      'type=EventGroup', 'ptype=RegExp', 'pattern=count (\\S+)', 'desc=c $1', 'count=write - count %s; reset 0 %s', 'action=write - fired %s', 'window=60'].join('\n'),
  ]);
  c.engine.processLine('init a', 'log');
  c.engine.processLine('count a', 'log');
  assert.equal(await c.output(), 'init i a\ncount c a\n');
});

void test('EventGroup slide actions carry the match of the event that started the operation', async () => {
  const c = engineOnClock([
    ['type=EventGroup', 'ptype=RegExp', 'pattern=down (\\S+) (\\S+)', 'thresh=3', 'desc=flap $1', 'action=write - %s',
      'slide=write - slid $1 first seen $2', 'end=write - ended $1', 'window=10'].join('\n'),
  ]);
  c.engine.processLine('down ge1 one', 'log');
  c.advance(6);
  c.engine.processLine('down ge1 two', 'log');
  c.advance(6);
  c.advance(6);
  c.advance(6);
  assert.equal(await c.output(), 'slid ge1 first seen one\nended ge1\n');
});

void test('write keeps a file name with event values inside the directory the rule gave; fixed paths are used as written', async () => {
  const dir = tmp();
  // hosts/../../etc exists: without the check the hostile name would be written there.
  const hosts = join(dir, 'var', 'hosts');
  mkdirSync(hosts, { recursive: true });
  mkdirSync(join(dir, 'etc'));
  const fixed = join(dir, 'all.log');
  const { engine } = engineFor(
    ['type=Single', 'ptype=RegExp', 'pattern=DHCPACK on \\S+ to \\S+ \\((.*)\\)', 'desc=d', `action=write ${hosts}/$1.log lease for $1; write ${fixed} $1`].join('\n'),
  );
  engine.processLine('DHCPACK on 10.0.0.9 to aa:bb:cc:00:00:01 (FS-S5850-CORE1) via eth0', 'log');
  engine.processLine('DHCPACK on 10.0.0.10 to aa:bb:cc:00:00:02 (../../etc/x) via eth0', 'log');
  engine.processLine('DHCPACK on 10.0.0.11 to aa:bb:cc:00:00:03 (/tmp/abs) via eth0', 'log');
  await engine.close();
  assert.equal(readFileSync(join(hosts, 'FS-S5850-CORE1.log'), 'latin1'), 'lease for FS-S5850-CORE1\n');
  assert.deepEqual(readdirSync(join(dir, 'etc')), []);
  assert.deepEqual(readdirSync(hosts), ['FS-S5850-CORE1.log']);
  assert.equal(readFileSync(fixed, 'latin1'), 'FS-S5850-CORE1\n../../etc/x\n/tmp/abs\n');
});
