import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSite, SiteFileError, type SiteDevice } from '../src/inventory/index.js';
import { judgeLease, type VerifiedIdentity } from '../src/onboard/index.js';

const UNADDRESSED: SiteDevice = { hostname: 'CORE1', model: 'fs-s5850', profile: 'fs-s5850', intended: 'template', vars: {}, source: { file: 'site.yaml' } };
const DEVICE: SiteDevice = { ...UNADDRESSED, ip: '10.0.0.2' };
const verified = (ip: string, mac?: string, source: VerifiedIdentity['source'] = 'verified'): VerifiedIdentity =>
  ({ hostname: 'CORE1', ip, source, time: '2026-12-02T00:00:00.000Z', ...(mac === undefined ? {} : { mac }) });
const ok = { kind: 'ok' };
const reasonsOf = (judgement: ReturnType<typeof judgeLease>): string[] => (judgement.kind === 'mismatch' ? judgement.reasons : []);

void test('a lease is the device\'s only from the site\'s or the verified address, and from the verified or the site\'s MAC', () => {
  const lease = { ip: '10.0.0.2', mac: 'aa:aa:aa:00:00:02' };
  assert.deepEqual(judgeLease(DEVICE, undefined, lease), ok, 'never seen, at the site\'s address');
  assert.deepEqual(reasonsOf(judgeLease(DEVICE, undefined, { ...lease, ip: '10.0.0.50' })), ["address 10.0.0.50 is not CORE1's: 10.0.0.2 (site)"]);
  assert.deepEqual(judgeLease(DEVICE, verified('10.0.0.2', lease.mac), lease), ok);
  assert.deepEqual(reasonsOf(judgeLease(DEVICE, verified('10.0.0.2', lease.mac), { ...lease, mac: '11:22:33:44:55:69' })),
    ['MAC 11:22:33:44:55:69 is not the one CORE1 was last verified with (aa:aa:aa:00:00:02)']);
  // Moved by an operator: the new address, from any MAC, and the site's address still.
  assert.deepEqual(judgeLease(DEVICE, verified('10.0.0.50', undefined, 'moved'), { ip: '10.0.0.50', mac: '11:22:33:44:55:69' }), ok);
  assert.deepEqual(judgeLease(DEVICE, verified('10.0.0.50', undefined, 'moved'), lease), ok);
  assert.deepEqual(reasonsOf(judgeLease(DEVICE, verified('10.0.0.50', undefined, 'moved'), { ...lease, ip: '10.0.0.51' })),
    ["address 10.0.0.51 is not CORE1's: 10.0.0.2 (site), 10.0.0.50 (moved there by an operator)"]);
  // No address in the site: the first verified one is its address.
  assert.deepEqual(judgeLease(UNADDRESSED, undefined, { ...lease, ip: '10.0.0.9' }), ok);
  assert.equal(judgeLease(UNADDRESSED, verified('10.0.0.9'), lease).kind, 'mismatch');
});

void test('ip: dhcp: any address and MAC, except a site mac: which still binds', () => {
  const dhcp: SiteDevice = { ...UNADDRESSED, ipFromDhcp: true };
  assert.deepEqual(judgeLease(dhcp, verified('10.0.0.2', 'aa:aa:aa:00:00:02'), { ip: '10.0.0.50', mac: '11:22:33:44:55:69' }), ok);
  assert.deepEqual(reasonsOf(judgeLease({ ...dhcp, mac: 'aa:aa:aa:00:00:02' }, undefined, { ip: '10.0.0.50', mac: '11:22:33:44:55:69' })),
    ["MAC 11:22:33:44:55:69 is not the site's aa:aa:aa:00:00:02"]);
});

void test('a MAC names one switch in a site: two devices, or a device and a port map entry, cannot share it', () => {
  const site = `name: hq
subnets: [10.0.0.0/24]
credentials: { username: admin, passwordEnv: X }
factoryCredentials: { username: admin, passwordEnv: X }
devices:
  - { hostname: A, model: fs-s5850, mac: "aa:aa:aa:00:00:01" }
  - { hostname: B, model: fs-s5850, mac: "AA-AA-AA-00-00-01" }
portmap:
  - { mac: "aa:aa:aa:00:00:01", hostname: C, model: fs-s3900 }
`;
  assert.throws(() => parseSite('/s/hq/site.yaml', site), (err: unknown) => {
    assert.ok(err instanceof SiteFileError);
    assert.match(err.message, /site\.yaml:7: devices\[1\]\.mac: MAC aa:aa:aa:00:00:01 is already the MAC of devices\[0\]/);
    assert.match(err.message, /site\.yaml:9: portmap\[0\]\.mac: MAC aa:aa:aa:00:00:01 is already the MAC of devices\[0\]/);
    return true;
  });
});
