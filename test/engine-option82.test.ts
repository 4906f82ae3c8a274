import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Engine, loadRules, type NativeActionSink } from '../src/engine/index.js';
import { silentLogger } from '../src/log/index.js';

void test('the option-82 circuit id dhcpd logs reaches the onboard action of the shipped rules', async () => {
  const calls: { ip: string; mac: string; hostname: string; relay: unknown }[] = [];
  const sink: NativeActionSink = {
    onboard: (ip, mac, hostname, relay) => calls.push({ ip, mac, hostname, relay }),
    check: () => undefined,
    provision: () => undefined,
    backup: () => undefined,
  };
  const engine = new Engine(await loadRules([join(import.meta.dirname, '..', 'rules', 'dhcp.rules')]), { logger: silentLogger(), sink });
  // What the dhcpd.conf `log()` statement in the README writes: every client-supplied value as hex.
  engine.processLine('Nov 23 10:00:00 dhcp1 dhcpd[812]: DHCPACK-OPT82 ip=10.77.0.100 mac=be:b5:de:1:12:a1 circuit-id=65:74:68:2d:30:2d:31:33 remote-id=none host=53:77:69:74:63:68', 'dhcpd.log');
  engine.processLine('Nov 23 10:00:00 dhcp1 dhcpd[812]: DHCPACK on 10.77.0.100 to be:b5:de:01:12:a1 (Switch) via 10.77.0.1', 'dhcpd.log');
  await engine.close();
  assert.deepEqual(calls, [
    { ip: '10.77.0.100', mac: 'be:b5:de:01:12:a1', hostname: 'Switch', relay: { circuitId: 'eth-0-13' } },
    { ip: '10.77.0.100', mac: 'be:b5:de:01:12:a1', hostname: 'Switch', relay: {} },
  ]);
});
