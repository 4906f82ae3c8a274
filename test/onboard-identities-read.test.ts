import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { VerifiedIdentities } from '../src/onboard/index.js';
import { StateStore } from '../src/state/index.js';
import { tempDir } from './onboard-fakes.js';

/** A state directory that counts the files it reads. */
class CountingStore extends StateStore {
  reads = 0;

  override readText(segments: string[]): Promise<string | undefined> {
    this.reads++;
    return super.readText(segments);
  }
}

// The lease gate asks where a device was last verified on every lease that names it: that must not
// read and parse state/identities.json each time, and must still see an operator's `devices move`
// (another process) at the next lease.
void test('verified identities: read once per version of the file, however many leases ask; a change by another process is seen at once', async (t) => {
  const { dir, remove } = await tempDir('onramp-identities-');
  t.after(remove);
  const root = join(dir, 'state');
  const daemon = new CountingStore(root);
  const identities = new VerifiedIdentities(daemon);
  const operator = new VerifiedIdentities(new StateStore(root));
  await operator.verified('CORE1', '10.77.0.10', '00:aa:bb:00:00:10', Date.now());

  for (let lease = 0; lease < 1000; lease++) assert.equal((await identities.get('CORE1'))?.ip, '10.77.0.10');
  assert.equal(daemon.reads, 1, 'one read for a thousand leases');

  await operator.moved('CORE1', '10.77.0.99', Date.now());
  assert.deepEqual({ ip: (await identities.get('core1'))?.ip, source: (await identities.get('CORE1'))?.source }, { ip: '10.77.0.99', source: 'moved' });
  assert.equal(daemon.reads, 2, 'read again once, after the file changed');
  assert.equal(await identities.get('CORE2'), undefined);
  assert.equal(daemon.reads, 2);
});
