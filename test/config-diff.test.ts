import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffConfigs, maskSecrets } from '../src/config/index.js';
import { getProfile } from '../src/device/index.js';

const labels = { expected: 'baseline/SW1.cfg', actual: 'SW1 running-config' };

void test('equal configs: equal, no diff text, zero counts', () => {
  assert.deepEqual(diffConfigs('a\nb\n', 'a\nb\n', labels), { equal: true, unified: '', added: 0, removed: 0 });
});

void test('drift: unified diff with labels and counts of added and removed lines', () => {
  const d = diffConfigs('hostname SW1\nvlan 10\nvlan 20\n', 'hostname SW1\nvlan 10\nvlan 30\nvlan 40\n', labels);
  assert.equal(d.equal, false);
  assert.equal(d.added, 2);
  assert.equal(d.removed, 1);
  assert.match(d.unified, /^--- baseline\/SW1\.cfg\n\+\+\+ SW1 running-config\n/m);
  assert.match(d.unified, /\n-vlan 20\n\+vlan 30\n\+vlan 40\n/);
});

void test('a changed secret is drift, but the diff only shows masked lines', () => {
  const profile = getProfile('fs-s5850');
  const expected = 'hostname SW1\nusername admin privilege 4 password OldPass\nsnmp-server community oldcomm ro\nend\n';
  const actual = 'hostname SW1\nusername admin privilege 4 password NewPass\nsnmp-server community oldcomm ro\nend\n';
  const d = diffConfigs(expected, actual, labels, { mask: (t) => maskSecrets(t, profile) });
  assert.equal(d.equal, false);
  assert.equal(d.added, 1);
  assert.equal(d.removed, 1);
  assert.ok(!/OldPass|NewPass|oldcomm/.test(d.unified), d.unified);
  assert.match(d.unified, /\n-username admin privilege 4 password <secret hidden>\n\+username admin privilege 4 password <secret hidden>\n/);
  assert.match(d.unified, /\n snmp-server community <secret hidden> ro\n/);
});

void test('diff from an empty config counts every line as added', () => {
  const d = diffConfigs('', 'a\nb\n', labels);
  assert.equal(d.added, 2);
  assert.equal(d.removed, 0);
});
