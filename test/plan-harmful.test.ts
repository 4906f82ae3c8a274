import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigTree, renderConfigTree, sameConfig, type ConfigNode } from '../src/config/index.js';
import { getProfile, type Profile } from '../src/device/index.js';
import { DEFAULT_MAX_CHANGE_RATIO } from '../src/inventory/index.js';
import { applyConfigCommands } from '../src/lab/index.js';
import { checkGuardRails, planRemediation, rollbackOfApplied, type RemediationPlan } from '../src/provision/index.js';
import { CORPUS_DIR } from './support/config-corpus.js';

// What the planner did to real configs when they were first tried, each as its own case.

const CORE1 = readFileSync(join(import.meta.dirname, '..', 'baselines', 'hq', 'FS-S5850-CORE1.cfg'), 'utf8');

function fixture(name: string): string {
  return readFileSync(join(CORPUS_DIR, name), 'utf8');
}

/** The config without the top-level nodes `drop` selects, as a baseline that lacks them. */
function without(text: string, profile: Profile, drop: (node: ConfigNode) => boolean): string {
  return renderConfigTree(parseConfigTree(text, profile.tree).filter((node) => !drop(node)));
}

/** Every plan line with the sections it is typed in, so that a nested `no login local` is told apart. */
function typed(plan: RemediationPlan): string[] {
  return plan.changes.map((change) => [...change.path, change.command].join(' > '));
}

const RETIRED_PORTS: { family: string; running: string; port: string }[] = [
  { family: 'fs-s5850', running: CORE1.replace('interface vlan77', 'interface eth-0-7\n shutdown\n!\ninterface vlan77'), port: 'interface eth-0-7' },
  { family: 'fs-s3900-r', running: fixture('fs-s3900-r/s3400-48t4sp-access.cfg'), port: 'interface TGigaEthernet0/1' },
  { family: 'fs-s3900', running: fixture('fs-s3900/s3900-24t4s-access.cfg'), port: 'interface ethernet 1/3' },
  { family: 'cisco-ios', running: fixture('cisco-ios/c2900xl-12.0-access.cfg'), port: 'interface FastEthernet0/7' },
];

for (const { family, running, port } of RETIRED_PORTS) {
  void test(`${family}: a shut physical port the baseline leaves out stays as it is (no "no shutdown")`, () => {
    const profile = getProfile(family);
    assert.ok(parseConfigTree(running, profile.tree).some((node) => node.text === port && node.children.some((c) => c.text === 'shutdown')));
    const plan = planRemediation(without(running, profile, (node) => node.text === port), running, profile);
    assert.ok(!plan.lines.includes('no shutdown'), plan.lines.join('\n'));
    assert.deepEqual(plan.changes.filter((change) => change.path[0] === port || change.command.endsWith(port)), []);
  });
}

void test('cisco-ios: running defaults printed as "no X" that the baseline lacks are not negated into features', () => {
  const profile = getProfile('cisco-ios');
  const running = fixture('cisco-ios/viosl2-15.2-lan.cfg').replace('no ip domain-lookup', 'no service pad\nno ip domain-lookup');
  const tree = parseConfigTree(running, profile.tree);
  for (const line of ['no service pad', 'no ip domain-lookup', 'no aaa new-model']) assert.ok(tree.some((node) => node.text === line), line);
  const plan = planRemediation(without(running, profile, (node) => node.text.startsWith('no ')), running, profile);
  for (const feature of ['service pad', 'ip domain-lookup', 'aaa new-model']) assert.ok(!plan.lines.includes(feature), plan.lines.join('\n'));
});

void test('fs-s5850: "login local" under line vty that the baseline lacks is not negated into "no login local" (or the plan is refused)', () => {
  const profile = getProfile('fs-s5850');
  const running = fixture('fs-s5850/s5850-48b8c-metro.cfg');
  const intended = running.replace(/^ login local\n/m, '');
  assert.notEqual(intended, running);
  const plan = planRemediation(intended, running, profile);
  const pushesNoLogin = typed(plan).some((line) => /^line vty .* > no login local$/.test(line));
  const refusals = checkGuardRails(plan, parseConfigTree(running, profile.tree), { loginUser: 'oxidized', allow: [], maxChangeRatio: DEFAULT_MAX_CHANGE_RATIO });
  assert.ok(!pushesNoLogin || refusals.some((refusal) => refusal.class === 'vty-access'), typed(plan).join('\n'));
});

void test('fs-s5850: a broken baseline that would type no hostname, no username admin and no interface vlan77 is refused', () => {
  const profile = getProfile('fs-s5850');
  const broken = without(CORE1, profile, (node) => /^(?:hostname|username admin|interface vlan77)\b/.test(node.text));
  const plan = planRemediation(broken, CORE1, profile);
  const refusals = checkGuardRails(plan, parseConfigTree(CORE1, profile.tree), {
    loginUser: 'admin', mgmtAddress: '10.77.0.10', allow: [], maxChangeRatio: DEFAULT_MAX_CHANGE_RATIO,
  });
  const classes = refusals.map((refusal) => refusal.class);
  for (const kind of ['hostname', 'login-user', 'mgmt-interface'] as const) assert.ok(classes.includes(kind), `${kind} in ${classes.join(', ')}`);
});

void test('cisco-ios: a baseline line the switch rejects mid-plan leaves nothing applied once the rollback of what went before is typed', () => {
  const profile = getProfile('cisco-ios');
  const running = fixture('cisco-ios/c9200l-24p-4g-access.cfg');
  const typo = 'swithcport nonegotiate';
  const intended = running
    .replace('ip access-list standard 5', 'ip access-list extended ACL-UPLINK\n permit tcp any any eq 22\n!\nip access-list standard 5')
    .replace(' description oxidized test one', ' description uplink-1')
    .replace(' description oxidized two', ` description oxidized two\n ${typo}`);
  const plan = planRemediation(intended, running, profile);
  const applied = applyConfigCommands(running, plan.lines, 'cisco-ios');
  assert.equal(applied.rejected?.line, typo, plan.lines.join('\n'));
  const before = parseConfigTree(running, profile.tree);
  assert.ok(!sameConfig(parseConfigTree(applied.config, profile.tree), before, profile.tree), 'the lines before the typo were applied');
  const undo = rollbackOfApplied(plan, applied.rejected.index);
  const restored = applyConfigCommands(applied.config, undo, 'cisco-ios');
  assert.equal(restored.rejected, undefined, undo.join('\n'));
  assert.ok(sameConfig(parseConfigTree(restored.config, profile.tree), before, profile.tree), `rollback:\n${undo.join('\n')}`);
});
