import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigModel, setChild } from '../src/lab/config-model.js';
import { applyConfigLine, isBlockOpener } from '../src/lab/config-mode.js';
import type { Mode } from '../src/lab/personality.js';
import { personality } from '../src/lab/personalities/index.js';

const centec = personality('fs-s5850');

function apply(model: ConfigModel, lines: string[], rejects: (l: string) => boolean = () => false): Mode {
  let mode: Mode = { level: 'config' };
  for (const line of lines) {
    if (mode.level !== 'config' && mode.level !== 'sub') throw new Error(`left config mode before ${line}`);
    const outcome = applyConfigLine(line, mode, model, centec, rejects);
    if (outcome.kind !== 'ok') throw new Error(`${line}: ${outcome.kind}`);
    mode = outcome.mode;
  }
  return mode;
}

function factory(): ConfigModel {
  return ConfigModel.parse(centec.factoryBody('SW', 'admin', 'pw'), isBlockOpener);
}

void test('a setting replaces its earlier value in place; new lines and blocks go to their section', () => {
  const model = factory();
  apply(model, [
    'hostname CORE',
    'username admin privilege 4 password 8 HASH',
    'snmp-server community labro read-only',
    'interface eth-0-10',
    ' description ten',
    'interface eth-0-2',
    ' description two',
    ' description second',
    'exit',
  ]);
  assert.deepEqual(model.render(), [
    'version 7.2.2',
    '!',
    'hostname CORE',
    '!',
    'username admin privilege 4 password 8 HASH',
    '!',
    'snmp-server community labro read-only',
    '!',
    'interface eth-0-2',
    ' description second',
    '!',
    'interface eth-0-10',
    ' description ten',
    '!',
    'line vty 0 7',
    ' privilege level 4',
  ]);
});

void test('no removes a line in its block context; a global command leaves the sub-mode', () => {
  const model = factory();
  const mode = apply(model, [
    'interface eth-0-1',
    ' description gone',
    ' switchport mode trunk',
    ' no description',
    'snmp-server location rack-1',
  ]);
  assert.deepEqual(mode, { level: 'config' });
  assert.ok(model.render().includes('interface eth-0-1'));
  assert.ok(!model.render().some((l) => l.includes('description')));
  assert.ok(model.render().includes(' switchport mode trunk'));
  apply(model, ['no snmp-server location', 'no interface eth-0-1']);
  assert.ok(!model.render().some((l) => l.includes('snmp-server') || l.includes('eth-0-1')));
});

void test('unknown keywords, bad interface names and rejected lines change nothing', () => {
  const model = factory();
  const before = model.render();
  const config: Mode = { level: 'config' };
  assert.deepEqual(applyConfigLine('frobnicate now', config, model, centec, () => false), { kind: 'invalid', column: 0 });
  assert.deepEqual(applyConfigLine('interface eth-9-1', config, model, centec, () => false), { kind: 'invalid', column: 10 });
  assert.deepEqual(applyConfigLine('hostname', config, model, centec, () => false), { kind: 'incomplete' });
  assert.deepEqual(applyConfigLine('e', config, model, centec, () => false), { kind: 'ambiguous' });
  assert.deepEqual(
    applyConfigLine('snmp-server community x read-only', config, model, centec, (l) => l.includes('snmp-server')),
    { kind: 'invalid', column: 0 },
  );
  assert.deepEqual(model.render(), before);
});

void test('a config given as text renders back in the vendor layout', () => {
  const text = ['Building configuration...', 'version 7.2.2', '!', 'hostname GIVEN', '!', 'interface eth-0-1', ' description x', '!', 'end'];
  const model = ConfigModel.parse(centec.stripFrame(text), isBlockOpener);
  const rendered = centec.render(model.render(), {
    hostname: 'GIVEN',
    mac: '64:9d:99:00:00:01',
    username: 'admin',
    lastChange: new Date(0),
    now: new Date(0),
  });
  assert.deepEqual(rendered, text);
});

void test('VLANs in a vlan database are listed by number, whatever order they were added in', () => {
  const block = { line: 'vlan database', children: [' VLAN 1 name DefaultVlan', ' VLAN 30 name cams'], block: true };
  setChild(block, ' vlan 20 name voice', 2);
  setChild(block, ' vlan 10 name users', 2);
  setChild(block, ' vlan 40 name spare', 2);
  assert.deepEqual(block.children, [' VLAN 1 name DefaultVlan', ' vlan 10 name users', ' vlan 20 name voice', ' VLAN 30 name cams', ' vlan 40 name spare']);
});
