import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { parse as parseYaml } from 'yaml';
import { createMetrics } from '../src/metrics/index.js';
import { DEVICE_STATES } from '../src/onboard/index.js';
import { parseExposition, type Exposition } from './support/prometheus-text.js';

// The README's metrics table and alert rules, held to what the registry exports.

const README = await readFile(join(import.meta.dirname, '..', 'README.md'), 'utf8');
const SECTION = README.slice(README.indexOf('\n## Metrics\n'), README.indexOf('\n## ', README.indexOf('\n## Metrics\n') + 1));
const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

/** Every family a running appliance exports, each sample filled in once so that the labels show. */
async function exported(): Promise<Exposition> {
  const metrics = createMetrics({
    devices: () => [{ site: 'hq', device: 'CORE1', profile: 'fs-s5850', state: 'ok', lastCheckSuccess: 1000 }],
    jobQueue: () => ({ queued: 0 }),
    inputLines: () => [{ input: 'dhcpd.log', lines: 1 }],
    ruleMatches: () => [{ file: 'dhcp.rules', line: 12, matches: 1 }],
  });
  metrics.jobs.started('check', 'hq', 'CORE1');
  metrics.jobs.ended({ kind: 'check', site: 'hq', device: 'CORE1', result: 'ok', seconds: 1 });
  metrics.jobs.started('provision', 'hq', 'ACC1');
  metrics.jobs.ended({ kind: 'provision', site: 'hq', device: 'ACC1', result: 'provisioned', seconds: 1 });
  metrics.observeLogLine('{"level":40,"event":"input.line.rejected","path":"dhcpd.log","reason":"too-long"}\n');
  metrics.observeLogLine('{"level":50,"event":"hostkey.changed","site":"hq","device":"CORE1"}\n');
  return parseExposition((await metrics.render()).body);
}

/** The label names each family's samples carry (a histogram's `le` left out). */
function labelsOf(text: Exposition, family: string): string[] {
  const names = new Set<string>();
  for (const sample of text.samples) {
    if (sample.name !== family && sample.name.replace(/_(bucket|sum|count)$/, '') !== family) continue;
    for (const name of Object.keys(sample.labels)) if (name !== 'le') names.add(name);
  }
  return [...names].sort();
}

void test('the README lists every metric the registry exports, with its type and labels, and no other', async () => {
  const text = await exported();
  const rows = [...SECTION.matchAll(/^\| `(onramp_[a-z_]+)` \| (\w+) \|([^|]*)\|/gm)].map(([, name, type, labels]) => ({
    name: name ?? '', type: type ?? '', labels: [...(labels ?? '').matchAll(/`(\w+)`/g)].map((m) => m[1] ?? '').sort(),
  }));
  assert.deepEqual(rows.map((row) => row.name).sort(), [...text.types.keys()].sort());
  for (const row of rows) {
    assert.equal(row.type, text.types.get(row.name), row.name);
    assert.deepEqual(row.labels, labelsOf(text, row.name), row.name);
  }
  for (const state of DEVICE_STATES) assert.ok(SECTION.includes(`\`${state}\``), `state ${state} is described`);
});

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

void test('the README\'s alert rules are a valid rule file whose expressions parse and name only exported metrics and labels', async () => {
  const text = await exported();
  const block = /```yaml\n(groups:\n[\s\S]*?)```/.exec(SECTION)?.[1];
  assert.ok(block !== undefined, 'a rule file in the Metrics section');
  const file = parseYaml(block) as { groups: { name: string; rules: AlertRule[] }[] };
  assert.deepEqual(Object.keys(file), ['groups']);
  const rules = file.groups.flatMap((group) => {
    assert.equal(typeof group.name, 'string');
    assert.deepEqual(Object.keys(group).sort(), ['name', 'rules']);
    return group.rules;
  });
  assert.deepEqual(rules.map((rule) => rule.alert), ['OnrampDriftUnremediated', 'OnrampDeviceNotChecked']);
  const samples = new Set(text.samples.map((sample) => sample.name));
  for (const rule of rules) {
    assert.deepEqual(Object.keys(rule).filter((key) => !['alert', 'expr', 'for', 'labels', 'annotations'].includes(key)), [], rule.alert);
    assert.match(rule.alert, /^[a-zA-Z_][a-zA-Z0-9_]*$/);
    if (rule.for !== undefined) assert.match(rule.for, DURATION, rule.alert);
    for (const value of [...Object.values(rule.labels ?? {}), ...Object.values(rule.annotations ?? {})]) assert.equal(typeof value, 'string');
    const tree = parser.parse(rule.expr);
    const cursor = tree.cursor();
    const names: string[] = [];
    let selector = '';
    do {
      assert.notEqual(cursor.name, '⚠', `${rule.alert}: PromQL syntax error at ${String(cursor.from)} in ${rule.expr}`);
      const node = rule.expr.slice(cursor.from, cursor.to);
      if (cursor.name === 'VectorSelector') selector = '';
      if (cursor.name === 'Identifier') {
        selector = node;
        names.push(node);
        assert.ok(samples.has(node), `${rule.alert}: ${node} is not exported`);
      }
      if (cursor.name === 'LabelName') assert.ok(labelsOf(text, selector).includes(node), `${rule.alert}: ${selector} has no label ${node}`);
      if (cursor.name === 'StringLiteral' && selector === 'onramp_device_state') assert.ok((DEVICE_STATES as readonly string[]).includes(JSON.parse(node) as string), node);
    } while (cursor.next());
    assert.ok(names.length > 0, `${rule.alert} reads a metric`);
  }
  assert.equal(rules[0]?.for, '1h');
  assert.match(rules[1]?.expr ?? '', /onramp_device_last_check_success_timestamp_seconds > 2 \* 24 \* 3600$/);
});
