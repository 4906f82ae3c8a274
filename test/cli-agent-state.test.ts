import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { AgentRegistry } from '../src/agent/registry.js';
import { HostKeyStore } from '../src/device/index.js';
import { BackupStore, StatusBook } from '../src/onboard/index.js';
import { StateStore } from '../src/state/index.js';
import { onramp, scratch } from './agent-cli.js';

// status, history and hostkeys read an agent's own state with --agent NAME; a --state that is not there is an error.

async function stateWithAgent(dir: string): Promise<string> {
  const root = join(dir, 'state');
  const registry = new AgentRegistry(new StateStore(root));
  await registry.put({ name: 'dhcp', input: join(dir, 'dhcpd.log'), rules: join(dir, 'r.rules'), sites: dir, templates: dir, createdAt: new Date().toISOString() });
  const agentState = new StateStore(registry.stateDir('dhcp'));
  await new StatusBook(agentState).record({ device: 'FS-S5850-AGENT', ip: '10.77.0.9', lastEvent: 'device.check.ok', action: 'check', result: 'ok', time: new Date().toISOString() });
  await new BackupStore(agentState).save('FS-S5850-AGENT', 'hostname FS-S5850-AGENT\n', Date.parse('2026-01-02T03:04:05Z'));
  await new HostKeyStore(agentState).verify({ owner: { kind: 'device', name: 'FS-S5850-AGENT' }, host: '10.77.0.9', port: 22, key: Buffer.from('agent key'), tofuOnMove: false });
  return root;
}

void test('--agent NAME reads that agent\'s status, backups and host keys, not the top-level state', async (t) => {
  const dir = scratch(t);
  const state = await stateWithAgent(dir);

  const status = onramp(['status', '--state', state, '--agent', 'dhcp']);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /^FS-S5850-AGENT\s+10\.77\.0\.9\s+check\s+ok\s/);
  assert.equal(onramp(['status', '--state', state]).stdout, 'no device seen yet\n');

  const history = onramp(['history', 'FS-S5850-AGENT', '--state', state, '--agent', 'dhcp']);
  assert.equal(history.code, 0, history.stderr);
  assert.match(history.stdout, /^20260102T030405Z {2}2026-01-02T03:04:05/);

  const keys = onramp(['hostkeys', 'list', '--state', state, '--agent', 'dhcp']);
  assert.equal(keys.code, 0, keys.stderr);
  assert.match(keys.stdout, /^FS-S5850-AGENT {2}SHA256:\S+ {2}first-use \S+ {2}at 10\.77\.0\.9:22\n$/);
  assert.equal(onramp(['hostkeys', 'list', '--state', state]).stdout, 'no pinned host keys\n');
});

void test('an unknown --agent, or a --state that does not exist, is bad input (exit 2) for status, history and hostkeys', async (t) => {
  const dir = scratch(t);
  const state = await stateWithAgent(dir);
  const missing = join(dir, 'no-such-state');
  for (const command of [['status'], ['history', 'FS-S5850-AGENT'], ['hostkeys', 'list']]) {
    const unknown = onramp([...command, '--state', state, '--agent', 'nope']);
    assert.equal(unknown.code, 2, `${command[0] ?? ''}: ${unknown.stderr}`);
    assert.match(unknown.stderr, new RegExp(`^${command[0] ?? ''}: --agent nope: no agent of that name in ${state}\n$`));
    const absent = onramp([...command, '--state', missing]);
    assert.equal(absent.code, 2, `${command[0] ?? ''}: ${absent.stderr}`);
    assert.equal(absent.stderr, `${command[0] ?? ''}: --state ${missing}: no such directory\n`);
  }
  const hostile = onramp(['status', '--state', state, '--agent', '../../etc']);
  assert.equal(hostile.code, 2);
  assert.match(hostile.stderr, /is not an agent name/);
});
