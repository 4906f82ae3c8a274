import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { getProfile } from '../src/device/index.js';
import { checkSites } from '../src/inventory/index.js';
import { compareConfigs } from '../src/provision/index.js';

const ROOT = join(import.meta.dirname, '..');

void test('the shipped example site validates and every template renders with its vars', async () => {
  const report = await checkSites(join(ROOT, 'baselines'), join(ROOT, 'templates'));
  assert.deepEqual(report.errors, []);
  assert.equal(report.sites, 1);
  assert.equal(report.devices, 2);
  assert.equal(report.portmap, 3);
});

void test('comparisons ignore ! comment lines and ports the intended config leaves out, not the ports it lists', () => {
  const profile = getProfile('fs-s3900');
  const intended = 'hostname A\n!\ninterface ethernet 1/1\n description x\n!\nend\n!\n';
  const running = 'Building running configuration. Please wait...\n!<stackingMac>01_be-b5-de-00-00-02_05</stackingMac>\n!\nhostname A\n!\ninterface ethernet 1/1\n description x\n!\ninterface ethernet 1/2\n!\nend\n!\n';
  assert.equal(compareConfigs(intended, running, profile, 'A').equal, true);
  // The plan leaves a port the intended config does not list alone, so the comparison does too.
  assert.equal(compareConfigs(intended, running.replace('interface ethernet 1/2\n', 'interface ethernet 1/2\n shutdown\n'), profile, 'A').equal, true);
  const drifted = running.replace(' description x\n', ' description y\n shutdown\n');
  const diff = compareConfigs(intended, drifted, profile, 'A');
  assert.equal(diff.equal, false);
  assert.equal(diff.added, 2);
  assert.equal(diff.removed, 1);
});
