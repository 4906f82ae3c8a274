import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(import.meta.dirname, '..', 'dist', 'bin', 'onramp.js');

// Values anyone on the wire can put in a DHCP request.
const HOSTILE = ['Switch;reboot', '$(id)', '`id`', '../../etc/passwd', '{{constructor.constructor}}', 'Switch|touch${IFS}pwned', 'x'.repeat(1024), 'Sw\u00e9tch\u00ff'];

function leaseLines(host: string, n: number): string[] {
  const ip = `10.77.0.${n}`;
  const mac = `be:b5:de:01:12:${n.toString(16).padStart(2, '0')}`;
  return [
    `Nov 22 20:09:0${n % 10} dhcp1 dhcpd[812]: DHCPACK on ${ip} to ${mac} (${host}) via eth1`,
    `2026-11-22T20:09:01.123456+00:00 dhcp1 dnsmasq-dhcp[3772]: DHCPACK(eth1) ${ip} ${mac} ${host}`,
    `<30>1 2026-11-22T20:09:01.123Z dhcp1 dhcpd 812 - - DHCPACK on ${ip} to ${mac} (${host}) via 10.77.0.1`,
  ];
}

void test('hostile DHCP hostnames in every format are logged as rejected, reach no shell or path, and the watcher goes on', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-hostile-'));
  try {
    const rules = join(dir, 'r.rules');
    // Were a hostile name to reach this rule, it would name a file and run a command.
    writeFileSync(rules, `type=Single\nptype=DHCP\npattern=.\ndesc=lease $+{host}\naction=write - $+{host} at $+{ip}; write ${dir}/by-host-$+{host} x; shellcmd touch ${dir}/ran-$+{host}\n`);
    const lines = HOSTILE.flatMap((host, i) => leaseLines(host, i + 10));
    lines.push('Nov 22 20:10:00 dhcp1 dhcpd[812]: DHCPACK on 10.77.0.99 to be:b5:de:01:12:99 (FS-S5850-SRV) via eth1');
    const log = join(dir, 'dhcpd.log');
    writeFileSync(log, Buffer.concat(lines.map((l) => Buffer.from(`${l}\n`, 'latin1'))));
    const result = spawnSync(process.execPath, [CLI, 'run', `--conf=${rules}`, `--input=${log}`, '--notail', `--state=${join(dir, 'state')}`], { encoding: 'latin1', cwd: dir, timeout: 30_000 });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'FS-S5850-SRV at 10.77.0.99\n', 'only the plain hostname fired the rule, after every hostile line');
    const rejected = result.stderr.split('\n').filter((l) => l.includes('"event":"input.line.rejected"'));
    assert.equal(rejected.length, HOSTILE.length * 3, 'each hostile lease is logged as rejected');
    assert.ok(rejected.every((l) => l.length < 1024), 'a rejected value is cut for the log');
    assert.deepEqual(readdirSync(dir).filter((name) => name.startsWith('by-host-') || name.startsWith('ran-')).sort(), ['by-host-FS-S5850-SRV', 'ran-FS-S5850-SRV']);
    assert.ok(!existsSync(join(dir, 'pwned')), 'no command ran from a hostname');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
