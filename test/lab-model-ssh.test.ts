import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { Lab } from '../src/lab/index.js';
import { LabShell, lines } from './lab-shell.js';

// Over SSH the switch runs the same device model as applyConfigCommands: the prompt follows the
// section stack, and show running-config prints what the commands did.

const keyDir = mkdtempSync(join(tmpdir(), 'onramp-lab-model-'));
const login = { username: 'admin', password: 'lab-pw' };
let lab: Lab;

before(async () => {
  lab = await Lab.start({
    keyDir,
    switches: [
      { hostname: 'DEEP', personality: 'cisco-ios', mac: '00:aa:bb:00:00:41', ...login },
      { hostname: 'BD', personality: 'fs-s3900-r', mac: '64:9d:99:00:00:42', ...login },
    ],
  });
});

after(async () => {
  await lab.stop();
  rmSync(keyDir, { recursive: true, force: true });
});

async function open(name: string): Promise<LabShell> {
  const sw = lab.get(name);
  return LabShell.open(sw.address, sw.port, login);
}

void it('cisco-ios: the prompt follows the section stack three deep, and a global command drops back to it', async () => {
  const sh = await open('DEEP');
  try {
    await sh.waitFor('DEEP>');
    await sh.run('enable', 'DEEP#');
    await sh.run('terminal length 0', 'DEEP#');
    await sh.run('configure terminal', 'DEEP(config)#');
    await sh.run('policy-map EDGE', 'DEEP(config-pmap)#');
    await sh.run('class VOICE', 'DEEP(config-pmap-c)#');
    await sh.run('police cir 8000', 'DEEP(config-pmap-c-police)#');
    await sh.run('conform-action transmit', 'DEEP(config-pmap-c-police)#');
    await sh.run('router bgp 65000', 'DEEP(config-router)#');
    await sh.run('address-family ipv4', 'DEEP(config-router-af)#');
    await sh.run('network 10.0.0.0', 'DEEP(config-router-af)#');
    await sh.run('exit-address-family', 'DEEP(config-router)#');
    const refused = lines(await sh.run('no interface Gi1/0/1', 'DEEP(config-router)#'));
    assert.ok(refused.includes("% Invalid input detected at '^' marker."), refused.join('\n'));
    await sh.run('end', 'DEEP#');
    const run = lines(await sh.run('show running-config', 'DEEP#'));
    const at = run.indexOf('router bgp 65000');
    assert.deepEqual(run.slice(at, at + 5), ['router bgp 65000', ' address-family ipv4', '  network 10.0.0.0', ' exit-address-family', '!']);
    assert.ok(run.includes('   conform-action transmit'));
  } finally {
    sh.close();
  }
});

void it('fs-s3900-r: a new VLAN joins the vlan list line, and exit leaves one level at a time', async () => {
  const sh = await open('BD');
  try {
    await sh.waitFor('BD>');
    await sh.run('enable', 'BD#');
    await sh.run('config', 'BD_config#');
    await sh.run('vlan 30', 'BD_config_vlan30#');
    await sh.run('name cams', 'BD_config_vlan30#');
    await sh.run('exit', 'BD_config#');
    await sh.run('exit', 'BD#');
    assert.match(lab.get('BD').runningConfig(), /\nvlan 30\n name cams\n!\nvlan 1,30\n/);
  } finally {
    sh.close();
  }
});
