import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigTree, sameConfig } from '../src/config/index.js';
import { getProfile } from '../src/device/index.js';
import { DEFAULT_MAX_CHANGE_RATIO } from '../src/inventory/index.js';
import { applyConfigCommands } from '../src/lab/index.js';
import { checkGuardRails, planRemediation } from '../src/provision/index.js';
import { CORPUS_DIR, treeDifference } from './support/config-corpus.js';

// EVC service instances on a real IOS-XE running config (corpus file cisco-ios/csr1000v-15.4-evc-xconnect.cfg):
// interface > service instance > xconnect > mtu, four levels. Each edit an engineer makes there is planned,
// typed into the lab's model of the router, and rolled back; the lines typed are the ones a person would type.
const PROFILE = getProfile('cisco-ios');
const RUNNING = readFileSync(join(CORPUS_DIR, 'cisco-ios', 'csr1000v-15.4-evc-xconnect.cfg'), 'utf8');
const SI_101 = ' service instance 101 ethernet\n  encapsulation dot1q 101\n  xconnect 192.0.2.3 3001 encapsulation mpls\n   mtu 1508\n !\n';

function edited(from: string, to: string): string {
  assert.ok(RUNNING.includes(from), from);
  return RUNNING.replace(from, to);
}

const CASES: { name: string; intended: string; lines?: string[] }[] = [
  {
    name: 'a service instance\'s VLAN changes: its encapsulation is replaced in place',
    intended: edited('  encapsulation dot1q 100\n', '  encapsulation dot1q 200\n'),
    lines: ['interface GigabitEthernet4', 'service instance 100 ethernet', 'encapsulation dot1q 200', 'exit', 'exit'],
  },
  {
    name: 'the pseudowire MTU four levels down changes: typed inside its xconnect mode',
    intended: edited('  xconnect 192.0.2.3 3000 encapsulation mpls\n   mtu 1508\n', '  xconnect 192.0.2.3 3000 encapsulation mpls\n   mtu 1500\n'),
    lines: ['interface GigabitEthernet4', 'service instance 100 ethernet', 'xconnect 192.0.2.3 3000 encapsulation mpls', 'mtu 1500', 'exit', 'exit', 'exit'],
  },
  {
    name: 'a new service instance with its VLAN and pseudowire: created whole, its sections entered and left',
    intended: edited(SI_101, `${SI_101} service instance 102 ethernet\n  encapsulation dot1q 102\n  xconnect 192.0.2.3 3002 encapsulation mpls\n   mtu 1508\n !\n`),
    lines: [
      'interface GigabitEthernet4', 'service instance 102 ethernet', 'encapsulation dot1q 102', 'xconnect 192.0.2.3 3002 encapsulation mpls', 'mtu 1508',
      'exit', 'exit', 'exit',
    ],
  },
  {
    name: 'a service instance taken out: one `no service instance`, and its rollback types it back whole',
    intended: edited(SI_101, ''),
    lines: ['interface GigabitEthernet4', 'no service instance 101 ethernet', 'exit'],
  },
  {
    name: 'the empty service instance 1 gets a VLAN and a description',
    intended: edited(' service instance 1 ethernet\n !\n', ' service instance 1 ethernet\n  description untagged hosts\n  encapsulation untagged\n !\n'),
  },
];

for (const { name, intended, lines } of CASES) {
  void test(`EVC on IOS-XE: ${name}`, () => {
    const running = parseConfigTree(RUNNING, PROFILE.tree);
    const plan = planRemediation(intended, RUNNING, PROFILE);
    if (lines !== undefined) assert.deepEqual(plan.lines, lines);
    assert.deepEqual(checkGuardRails(plan, running, { loginUser: 'user1', allow: [], maxChangeRatio: DEFAULT_MAX_CHANGE_RATIO }), []);
    const applied = applyConfigCommands(RUNNING, plan.lines, 'cisco-ios');
    assert.equal(applied.rejected, undefined, plan.lines.join('\n'));
    const reached = parseConfigTree(applied.config, PROFILE.tree);
    const want = parseConfigTree(intended, PROFILE.tree);
    assert.ok(sameConfig(reached, want, PROFILE.tree), treeDifference(reached, want));
    const restored = applyConfigCommands(applied.config, plan.rollback, 'cisco-ios');
    assert.equal(restored.rejected, undefined, plan.rollback.join('\n'));
    const back = parseConfigTree(restored.config, PROFILE.tree);
    assert.ok(sameConfig(back, running, PROFILE.tree), treeDifference(back, running));
  });
}
