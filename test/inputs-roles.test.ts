import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { pino } from 'pino';
import { RoleGate } from '../src/agent/role-gate.js';
import type { Engine, NativeActionSink } from '../src/engine/index.js';
import { listenSyslog, senderFilter, type InputRole } from '../src/input/index.js';
import { engineOnClock } from './support/clocked-engine.js';
import { sendUdp } from './support/syslog-send.js';
import { waitFor } from './agent-cli.js';

interface Logged { event?: string; count?: number; action?: string; input?: string }

function capture(): { logger: pino.Logger; events: Logged[] } {
  const events: Logged[] = [];
  return { events, logger: pino({ level: 'info' }, { write: (line: string) => { events.push(JSON.parse(line) as Logged); } }) };
}

class RecordingSink implements NativeActionSink {
  readonly calls: string[] = [];
  onboard(ip: string, mac: string, hostname: string): void { this.calls.push(`onboard ${ip} ${mac} ${hostname}`); }
  check(host: string): void { this.calls.push(`check ${host}`); }
  provision(ip: string, name: string): void { this.calls.push(`provision ${ip} ${name}`); }
  backup(host: string): void { this.calls.push(`backup ${host}`); }
}

const RULES = `type=Single
ptype=RegExp
pattern=^ACK (\\S+) (\\S+) (\\S+)$
desc=lease
action=onboard $1 $2 $3

type=Single
ptype=RegExp
pattern=^CHANGED (\\S+)$
desc=change
action=backup $1; provision 10.0.0.7 $1

type=Single
ptype=RegExp
pattern=^RELAY (\\S+)$
desc=relayed lease
action=event ACK $1 00:11:22:33:44:55 Switch

type=Single
ptype=RegExp
pattern=^LATER (\\S+)$
desc=delayed lease
action=create LATER_$1 5 (onboard $1 00:11:22:33:44:66 Switch)
`;

void test('native actions by input role: onboard and provision from lease inputs only; timers and synthetic events may back up but not onboard', () => {
  const sink = new RecordingSink();
  const { logger, events } = capture();
  const roles = new Map<string, InputRole>([['dhcpd.log', 'lease'], ['switches.log', 'config-change'], ['auth.log', 'sec']]);
  // The gate asks the engine it sits behind, which is made after it.
  const behind: { engine?: Engine } = {};
  const gate = new RoleGate(sink, () => behind.engine?.inputOfCurrentEvent(), roles, logger);
  const clock = engineOnClock([RULES], { sink: gate });
  const engine = clock.engine;
  behind.engine = engine;
  engine.processLine('ACK 10.0.0.5 00:11:22:33:44:01 Switch', 'dhcpd.log');
  engine.processLine('ACK 10.0.0.6 00:11:22:33:44:02 Switch', 'switches.log');
  engine.processLine('ACK 10.0.0.6 00:11:22:33:44:03 Switch', 'auth.log');
  engine.processLine('CHANGED FS-S5850-CORE1', 'switches.log');
  engine.processLine('RELAY 10.0.0.8', 'dhcpd.log');
  engine.processLine('LATER 10.0.0.9', 'dhcpd.log');
  clock.advance(6);
  gate.close();
  assert.deepEqual(sink.calls, ['onboard 10.0.0.5 00:11:22:33:44:01 Switch', 'backup FS-S5850-CORE1']);
  const refused = events.filter((line) => line.event === 'input.action.refused');
  // The 1st refusal is logged, the rest (four more) in one line at the end.
  assert.deepEqual(refused.map(({ count, action, input }) => ({ count, action, input })), [
    { count: 1, action: 'onboard', input: 'switches.log' },
    { count: 4, action: undefined, input: undefined },
  ]);
});

void test('a listener drops what senders outside its allow list send, logs the 1st, 10th, 100th… with how many each stands for, and the rest at stop', async () => {
  const { logger, events } = capture();
  const allow = senderFilter(['127.0.0.9/32']);
  assert.ok(typeof allow !== 'string');
  const lines: string[] = [];
  const udp = listenSyslog({ url: 'udp://127.0.0.1:0', onLine: (line) => lines.push(line), logger, allow });
  const tcp = listenSyslog({ url: 'tcp://127.0.0.1:0', onLine: (line) => lines.push(line), logger, allow });
  await udp.start();
  await tcp.start();
  const message = '<30>Dec  2 20:00:00 dhcpsrv dhcpd[812]: DHCPACK on 10.0.0.5 to 00:11:22:33:44:55 (Switch) via eth1';
  for (let i = 0; i < 12; i++) await sendUdp(udp.address()?.port ?? 0, message);
  await sendUdp(udp.address()?.port ?? 0, message, '127.0.0.9');
  await waitFor('the allowed sender to be read', () => lines.length === 1);
  const socket = connect(tcp.address()?.port ?? 0, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write(`${message}\n`);
  await new Promise((resolve) => socket.once('close', resolve));
  await udp.stop();
  await tcp.stop();
  const dropped = (name: string): (number | undefined)[] =>
    events.filter((line) => line.event === 'input.sender.refused' && (line as { path?: string }).path === name).map(({ count }) => count);
  assert.deepEqual(dropped('udp://127.0.0.1:0'), [1, 9, 2]);
  assert.deepEqual(dropped('tcp://127.0.0.1:0'), [1]);
  assert.equal(lines.length, 1, 'only the allowed sender was read');
});
