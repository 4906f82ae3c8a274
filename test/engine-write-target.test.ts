import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedDirectoryOf, staysInside } from '../src/engine/actions/write-target.js';

void test('a write target is checked from its first event-bearing variable on; fixed names and clock variables are not', () => {
  const cases: [string, string | undefined][] = [
    ['/var/log/onramp.log', undefined],
    ['/var/log/sec-%.year%.mon.log', undefined],
    ['/var/log/cost$$5-%%u.log', undefined],
    ['/var/log/%u.log', undefined],
    ['/var/log/hosts/$1.log', '/var/log/hosts/'],
    ['/var/log/hosts/${1}/x', '/var/log/hosts/'],
    ['/var/log/$+{host}.log', '/var/log/'],
    ['/var/log/pairs/%1.log', '/var/log/pairs/'],
    ['/var/log/%s.log', '/var/log/'],
    ['/var/$$x/%{name}.log', '/var/$$x/'],
    ['$1.log', ''],
  ];
  for (const [target, want] of cases) assert.equal(fixedDirectoryOf(target), want, target);
});

void test('a checked file name must resolve strictly inside its directory', () => {
  assert.equal(staysInside('/var/log/hosts/sw1.log', '/var/log/hosts/'), true);
  assert.equal(staysInside('/var/log/hosts/../../etc/x.log', '/var/log/hosts/'), false);
  assert.equal(staysInside('/var/log/hosts/', '/var/log/hosts/'), false);
  assert.equal(staysInside('/var/log/hostsX/a', '/var/log/hosts'), false);
  assert.equal(staysInside('sw1.log', ''), true);
  assert.equal(staysInside('/etc/passwd', '/srv'), false);
  assert.equal(staysInside('/srv/a', '/'), true);
});
