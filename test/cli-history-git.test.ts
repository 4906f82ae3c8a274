import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { GitBackupStore, openBackupsForWriting, parseChangeAuthor } from '../src/backups/index.js';
import { silentLogger } from '../src/log/index.js';
import { StateStore } from '../src/state/index.js';
import { onramp, scratch } from './agent-cli.js';

// onramp history and --diff read a git backup store: named with --backups, or the one the state directory's writer recorded.

void test('history lists a git store\'s versions with trigger and who changed it, and diffs two of them', async (t) => {
  const dir = scratch(t);
  const stateDir = join(dir, 'state');
  const repo = join(dir, 'configs');
  const store = await openBackupsForWriting(new StateStore(stateDir), { location: { store: 'git', dir: repo }, logger: silentLogger() });
  await store.save('CORE1', 'hostname CORE1\nvlan 10\n', Date.parse('2026-11-23T11:00:00Z'), { kind: 'manual' });
  const change = parseChangeAuthor('%SYS-5-CONFIG_I: Configured from console by admin on vty0 (10.1.0.5)');
  await store.save('CORE1', 'hostname CORE1\nvlan 20\n', Date.parse('2026-11-23T12:00:00Z'), { kind: 'config-change', change });
  const [first, second] = await new GitBackupStore(repo).list('CORE1');

  for (const flags of [['--backups', `git:${repo}`], []]) {
    const history = onramp(['history', 'CORE1', '--state', stateDir, ...flags]);
    assert.equal(history.code, 0, history.stderr);
    assert.equal(history.stdout, [
      `${first?.id ?? ''}  2026-11-23T11:00:00.000Z  manual (+2 -0)`,
      `${second?.id ?? ''}  2026-11-23T12:00:00.000Z  config-change by admin on vty0 from 10.1.0.5 (+1 -1)`,
      '',
    ].join('\n'));
  }
  const diff = onramp(['history', 'CORE1', '--state', stateDir, '--diff', first?.id ?? '', second?.id ?? '']);
  assert.equal(diff.code, 0, diff.stderr);
  assert.match(diff.stdout, /^-vlan 10$/m);
  assert.match(diff.stdout, /^\+vlan 20$/m);
  const missing = onramp(['history', 'CORE1', '--state', stateDir, '--diff', first?.id ?? '', 'deadbeef0000']);
  assert.equal(missing.code, 2);
  const bad = onramp(['history', 'CORE1', '--state', stateDir, '--backups', 'svn:x']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /expected "file" or "git:DIR"/);
});
