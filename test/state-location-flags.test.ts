import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { locationFlags } from '../src/state/index.js';

void test('the flags a printed command needs: absolute, left out where they are the defaults, quoted for a shell', () => {
  assert.equal(locationFlags({ state: 'state', sites: 'baselines' }), '');
  assert.equal(locationFlags({ state: resolve('state') }), '');
  assert.equal(locationFlags({ state: '/var/lib/onramp', sites: '/etc/onramp/baselines' }), ' --sites /etc/onramp/baselines --state /var/lib/onramp');
  assert.equal(locationFlags({ state: 'other' }), ` --state ${resolve('other')}`);
  assert.equal(locationFlags({ state: "/srv/it's here" }), ` --state '/srv/it'\\''s here'`);
});
