import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Lab } from '../src/lab/index.js';
import { LabShell, lines } from './lab-shell.js';

const keyDir = mkdtempSync(join(tmpdir(), 'onramp-lab-'));
const login = { username: 'admin', password: 'lab-pw' };
let lab: Lab;

before(async () => {
  lab = await Lab.start({
    keyDir,
    switches: [
      { hostname: 'CORE1', personality: 'fs-s5850', mac: '64:9d:99:00:00:01', ...login },
      {
        hostname: 'ACC1',
        personality: 'fs-s3900',
        mac: '64:9d:99:00:00:02',
        ...login,
        uplink: { device: 'CORE1', port: 'eth-0-12', localPort: 'ethernet 1/25' },
      },
      {
        hostname: 'ACC2',
        personality: 'fs-s3900-r',
        mac: '64:9d:99:00:00:03',
        ...login,
        uplink: { device: 'CORE1', port: 'eth-0-13', localPort: 'g0/1' },
      },
      {
        hostname: 'EDGE1',
        personality: 'cisco-ios',
        mac: '00:aa:bb:00:00:04',
        ...login,
        enableSecret: 'en-secret',
        uplink: { device: 'CORE1', port: 'eth-0-14', localPort: 'Gi1/0/1' },
      },
    ],
  });
});

after(async () => {
  await lab.stop();
  rmSync(keyDir, { recursive: true, force: true });
});

async function open(name: string, rows = 24): Promise<LabShell> {
  const sw = lab.get(name);
  return LabShell.open(sw.address, sw.port, { ...login, rows });
}

void describe('fs-s5850', () => {
  void it('lands in HOST#, shows the config, edits it, saves with write', async () => {
    const sh = await open('CORE1');
    try {
      await sh.waitFor('CORE1#');
      await sh.run('terminal length 0', 'CORE1#');
      const run = lines(await sh.run('show running-config', 'CORE1#'));
      assert.equal(run[1], 'Building configuration...');
      assert.ok(run.includes('hostname CORE1'));
      const banner = await sh.run('configure terminal', 'CORE1(config)#');
      assert.match(banner, /Enter configuration commands, one per line\. End with CNTL\/Z\./);
      await sh.run('interface eth-0-5', 'CORE1(config-if)#');
      await sh.run('description to-acc', 'CORE1(config-if)#');
      await sh.run('hostname CORE1-NEW', 'CORE1-NEW(config)#');
      await sh.run('end', 'CORE1-NEW#');
      assert.equal(lab.get('CORE1').hostname(), 'CORE1-NEW');
      assert.match(lab.get('CORE1').runningConfig(), /\ninterface eth-0-5\n description to-acc\n!\n/);
      const saved = await sh.run('write', 'CORE1-NEW#');
      assert.match(saved, /\[OK\]/);
      assert.equal(lab.get('CORE1').saves(), 1);
      assert.equal(lab.get('CORE1').startupConfig(), lab.get('CORE1').runningConfig());
      assert.ok(lab.get('CORE1').commandLog().includes('description to-acc'));
    } finally {
      sh.close();
    }
  });

  void it('marks an unknown command with a caret and changes nothing', async () => {
    const sh = await open('CORE1');
    try {
      const prompt = /CORE1(-NEW)?#$/;
      await sh.waitFor(prompt);
      const before = lab.get('CORE1').runningConfig();
      const out = lines(await sh.run('configure terminal', /\(config\)#$/));
      assert.ok(out.length > 0);
      const bad = lines(await sh.run('frobnicate the switch', /\(config\)#$/));
      assert.equal(bad[1], `${' '.repeat('CORE1-NEW(config)#'.length)}^`);
      assert.equal(bad[2], "% Invalid input detected at '^' marker.");
      await sh.run('end', prompt);
      assert.equal(lab.get('CORE1').runningConfig(), before);
    } finally {
      sh.close();
    }
  });

  void it('shows LLDP neighbours and MAC addresses from the topology', async () => {
    const sh = await open('CORE1');
    try {
      const prompt = /CORE1(-NEW)?#$/;
      await sh.waitFor(prompt);
      const lldp = await sh.run('show lldp neighbor brief', prompt);
      assert.match(lldp, /Local Port {2}: eth-0-12\r\nRemote Port : ethernet 1\/25\r\n[\s\S]*?System Name : ACC1/);
      assert.match(lldp, /System Name : EDGE1/);
      const mac = await sh.run('show mac address-table', prompt);
      assert.match(mac, /1 {7}649d\.9900\.0002 {4}dynamic {5}eth-0-12/);
    } finally {
      sh.close();
    }
  });
});

void describe('fs-s3900', () => {
  void it('pages with the S3900 pager until terminal length 0, saves through the file-name prompt', async () => {
    const sh = await open('ACC1', 10);
    try {
      await sh.waitFor('ACC1#');
      sh.send('show running-config\r');
      await sh.waitFor('--- [Space] Next page, [Enter] Next line, [A] All, Others to exit ---');
      sh.send(' ');
      await sh.waitFor('--- [Space] Next page, [Enter] Next line, [A] All, Others to exit ---');
      sh.send('a');
      const rest = await sh.waitFor('ACC1#');
      assert.ok(rest.includes('\b') && rest.endsWith('end\r\n!\r\nACC1#'), JSON.stringify(rest));
      await sh.run('terminal length 0', 'ACC1#');
      const whole = await sh.run('show running-config', 'ACC1#');
      assert.doesNotMatch(whole, /Next page/);
      assert.match(whole, /^show running-config\r\nBuilding running configuration\. Please wait\.\.\.\r\n!<Version>/);
      await sh.run('config', 'ACC1(config)#');
      await sh.run('interface ethernet 1/3', 'ACC1(config-if)#');
      await sh.run('switchport access vlan 10', 'ACC1(config-if)#');
      await sh.run('end', 'ACC1#');
      sh.send('copy running-config startup-config\r');
      await sh.waitFor('Startup configuration file name [startup1.cfg]: ');
      const done = await sh.run('', 'ACC1#');
      assert.match(done, /Success\./);
      assert.equal(lab.get('ACC1').saves(), 1);
      assert.match(lab.get('ACC1').startupConfig(), /interface ethernet 1\/3\n switchport access vlan 10\n/);
      const lldp = await sh.run('show lldp neighbor', 'ACC1#');
      assert.match(lldp, / Eth 1\/25 {3}64-9D-99-00-00-01 eth-0-12 {10}120 seconds CORE1/);
    } finally {
      sh.close();
    }
  });
});

void describe('fs-s3900-r', () => {
  void it('needs enable, uses _config prompts, exits one level at a time, saves with write', async () => {
    const sh = await open('ACC2');
    try {
      await sh.waitFor('ACC2>');
      const refused = lines(await sh.run('show running-config', 'ACC2>'));
      assert.deepEqual(refused.slice(1, 3), [`${' '.repeat('ACC2>show '.length)}^`, 'Unknown command']);
      await sh.run('enable', 'ACC2#');
      await sh.run('config', 'ACC2_config#');
      await sh.run('interface g0/1', 'ACC2_config_g0/1#');
      await sh.run('description uplink', 'ACC2_config_g0/1#');
      await sh.run('exit', 'ACC2_config#');
      const noEnd = await sh.run('end', 'ACC2_config#');
      assert.match(noEnd, /Unknown command/);
      await sh.run('exit', 'ACC2#');
      await sh.run('write', 'ACC2#');
      assert.equal(lab.get('ACC2').saves(), 1);
      assert.match(lab.get('ACC2').runningConfig(), /interface GigaEthernet0\/1\n description uplink\n/);
    } finally {
      sh.close();
    }
  });
});

void describe('cisco-ios', () => {
  void it('asks the enable secret, saves with write memory, reports incomplete and ambiguous commands', async () => {
    const sh = await open('EDGE1');
    try {
      await sh.waitFor('EDGE1>');
      sh.send('enable\r');
      await sh.waitFor('Password: ');
      sh.send('en-secret\r');
      await sh.waitFor('EDGE1#');
      assert.ok(!lab.get('EDGE1').commandLog().includes('en-secret'));
      await sh.run('terminal length 0', 'EDGE1#');
      const run = lines(await sh.run('show running-config', 'EDGE1#'));
      assert.match(run.find((l) => l.startsWith('Current configuration')) ?? '', /^Current configuration : \d+ bytes$/);
      assert.ok(run.some((l) => l.startsWith('! Last configuration change at ')));
      assert.ok(run.some((l) => /^ntp clock-period \d+$/.test(l)));
      assert.match(await sh.run('conf', 'EDGE1#'), /% Incomplete command\./);
      assert.match(await sh.run('co', 'EDGE1#'), /% Ambiguous command: {2}"co"/);
      await sh.run('conf t', 'EDGE1(config)#');
      await sh.run('snmp-server community labro RO', 'EDGE1(config)#');
      await sh.run('end', 'EDGE1#');
      const saved = await sh.run('write memory', 'EDGE1#');
      assert.match(saved, /Building configuration\.\.\.\r\n\[OK\]/);
      assert.equal(lab.get('EDGE1').saves(), 1);
      assert.match(lab.get('EDGE1').startupConfig(), /\nsnmp-server community labro RO\n/);
    } finally {
      sh.close();
    }
  });
});
