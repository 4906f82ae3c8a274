/**
 * Planning speed: a 5,000-line running config (ports, vlans, vlan
 * interfaces, BGP with address families, ACLs) against an intended one
 * with 500 changes (values changed, lines added and removed at depths 2
 * and 3, sections added and removed). Prints the median of several runs,
 * in CPU time and wall time, and PASS when the CPU time is under the budget.
 *
 *   node --import tsx bench/plan.ts
 */
import { performance } from 'node:perf_hooks';
import { getProfile } from '../src/device/index.js';
import { planRemediation } from '../src/provision/index.js';

const BUDGET_MS = 100;
const RUNS = 15;
const PORTS = 400;

function runningConfig(): string[] {
  const lines = ['hostname BENCH-CORE', '!'];
  for (let vlan = 2; vlan < 202; vlan++) lines.push(`vlan ${vlan}`, ` name users-${vlan}`, '!');
  for (let port = 1; port <= PORTS; port++) {
    lines.push(
      `interface eth-0-${port}`, ` description access port ${port}`, ' switchport mode access', ` switchport access vlan ${2 + (port % 200)}`,
      ' spanning-tree portfast', ' storm-control broadcast level 5', ' lldp enable', '!',
    );
  }
  for (let vlan = 2; vlan < 102; vlan++) lines.push(`interface vlan ${vlan}`, ` ip address 10.${vlan}.0.1 255.255.255.0`, ' ip helper-address 10.0.0.5', '!');
  lines.push('router bgp 65000', ' bgp router-id 10.0.0.1');
  for (let n = 0; n < 60; n++) lines.push(` neighbor 10.255.${n}.2 remote-as ${65100 + n}`);
  lines.push(' address-family ipv4 unicast');
  for (let n = 0; n < 60; n++) lines.push(`  neighbor 10.255.${n}.2 activate`, `  network 172.${16 + (n % 16)}.${n}.0/24`);
  lines.push(' exit-address-family', '!');
  for (let acl = 0; acl < 10; acl++) {
    lines.push(`ip access-list extended ACL-${acl}`);
    for (let entry = 1; entry <= 20; entry++) lines.push(` ${entry * 10} permit tcp any host 10.1.${acl}.${entry} eq 443`);
    lines.push('!');
  }
  while (lines.length < 5000) lines.push(`snmp-server host 10.9.${Math.floor(lines.length / 250)}.${lines.length % 250} traps version 2c public`);
  return lines;
}

/** 500 edits spread over the config, each a kind of change a plan has to find. */
function intendedConfig(running: readonly string[]): string[] {
  const lines = [...running];
  let changes = 0;
  for (let index = 0; index < lines.length && changes < 500; index += 3) {
    const line = lines[index] as string;
    if (line.startsWith(' description ')) lines[index] = `${line} (moved)`;
    else if (line.startsWith(' switchport access vlan ')) lines[index] = ' switchport access vlan 2';
    else if (line.startsWith('  network ')) lines[index] = line.replace('/24', '/25');
    else if (line.startsWith(' storm-control')) lines[index] = '';
    else if (line.startsWith(' lldp enable')) lines[index] = ' lldp enable\n ip dhcp snooping trust';
    else if (line.startsWith('snmp-server host')) lines[index] = '';
    else continue;
    changes++;
  }
  lines.push('interface vlan 300', ' ip address 10.200.0.1 255.255.255.0', '!');
  return lines;
}

const running = runningConfig().join('\n') + '\n';
const intended = intendedConfig(runningConfig()).join('\n') + '\n';
const profile = getProfile('fs-s5850');
const wall: number[] = [];
const cpu: number[] = [];
let plan = planRemediation(intended, running, profile);
for (let run = 0; run < RUNS; run++) {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  plan = planRemediation(intended, running, profile);
  const used = process.cpuUsage(cpuStarted);
  wall.push(performance.now() - started);
  cpu.push((used.user + used.system) / 1000);
}
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
console.log(`config: ${running.split('\n').length - 1} running lines; plan: ${plan.changes.length} changes, ${plan.lines.length} typed lines, ${plan.rollback.length} rollback lines`);
console.log(`planning: median ${median(wall).toFixed(1)} ms wall, ${median(cpu).toFixed(1)} ms CPU; fastest ${Math.min(...wall).toFixed(1)} ms wall, over ${RUNS} runs`);
// CPU time is the work planning takes; on a shared machine the wall clock also counts the wait for a core.
const verdict = median(cpu) < BUDGET_MS ? 'PASS' : 'FAIL';
console.log(`${verdict} plan: median ${median(cpu).toFixed(1)} ms CPU (${median(wall).toFixed(1)} ms wall) for 5,000 lines and 500 changes (budget ${BUDGET_MS} ms)`);
process.exitCode = verdict === 'PASS' ? 0 : 1;
