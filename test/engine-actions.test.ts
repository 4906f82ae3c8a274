import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/log/index.js';
import { compileRuleText, Engine, RuleSet, type NativeActionSink } from '../src/engine/index.js';

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
