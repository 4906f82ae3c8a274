import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { pino } from 'pino';
import { listenSyslog, type SyslogSource } from '../src/input/index.js';
import { parseDhcpLine } from '../src/dhcp/index.js';

interface Logged { event?: string; bytes?: number }

async function waitFor(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function listen(t: TestContext, url: string, maxLineBytes?: number): Promise<{ source: SyslogSource; lines: string[]; events: Logged[]; port: number }> {
  const lines: string[] = [];
  const events: Logged[] = [];
  const logger = pino({ level: 'debug' }, { write: (msg: string) => { events.push(JSON.parse(msg) as Logged); } });
  const source = listenSyslog({ url, onLine: (l) => lines.push(l), logger, ...(maxLineBytes === undefined ? {} : { maxLineBytes }) });
  await source.start();
  t.after(() => source.stop());
  const port = source.address()?.port ?? 0;
  assert.ok(port > 0);
  return { source, lines, events, port };
}

async function sendTcp(port: number, ...chunks: (string | Buffer)[]): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  for (const chunk of chunks) socket.write(chunk);
  await new Promise<void>((resolve) => { socket.end(resolve); });
}

const RFC3164 = '<30>Nov 22 20:09:01 dhcp1 dhcpd[812]: DHCPACK on 10.77.0.100 to be:b5:de:01:12:a1 (FS-S5850-SRV) via eth1';
const RFC5424 = '<30>1 2026-11-22T20:09:01.123Z dhcp1 dnsmasq-dhcp 3772 - - DHCPACK(eth1) 10.77.0.162 be:b5:de:01:12:a1 Switch';

void test('UDP: one datagram, one line, header kept; DHCP leases parse from it', async (t) => {
  const { lines, port, source } = await listen(t, 'udp://127.0.0.1:0');
  const client = createSocket('udp4');
  t.after(() => { client.close(); });
  for (const message of [RFC3164, `${RFC5424}\n`, '<13>Nov 22 20:09:02 sw1 evil: a\nDHCPACK on 10.77.0.9 to aa:bb:cc:dd:ee:ff (X) via eth1']) {
    client.send(message, port, '127.0.0.1');
  }
  await waitFor('three messages', () => lines.length === 3);
  const byContent = [...lines].sort();
  assert.ok(byContent.includes(RFC3164));
  assert.ok(byContent.includes(RFC5424));
  assert.ok(byContent.some((l) => l.includes('a#012DHCPACK on 10.77.0.9')), 'an embedded newline is escaped, not a second line');
  assert.equal(parseDhcpLine(lines.find((l) => l === RFC3164) ?? '')?.host, 'FS-S5850-SRV');
  assert.equal(parseDhcpLine(lines.find((l) => l === RFC5424) ?? '')?.server, 'dnsmasq');
  assert.equal(source.name, 'udp://127.0.0.1:0');
});

void test('UDP and TCP: a message without a hostname (the IOS default) names its sender', async (t) => {
  const udp = await listen(t, 'udp://127.0.0.1:0');
  const tcp = await listen(t, 'tcp://127.0.0.1:0');
  const message = '<189>45: *Nov 23 11:00:00.123: %SYS-5-CONFIG_I: Configured from console by admin on vty0 (10.0.0.5)';
  const client = createSocket('udp4');
  t.after(() => { client.close(); });
  // Sent from a lab switch's address, as a switch would send it.
  await new Promise<void>((resolve) => { client.bind(0, '127.77.0.9', resolve); });
  client.send(message, udp.port, '127.0.0.1');
  await sendTcp(tcp.port, `${message}\n`);
  await waitFor('both messages', () => udp.lines.length === 1 && tcp.lines.length === 1);
  assert.match(udp.lines[0] ?? '', /^<189>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d 127\.77\.0\.9 45: \*Nov 23 11:00:00\.123: %SYS-5-CONFIG_I: /);
  assert.match(tcp.lines[0] ?? '', /^<189>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d 127\.0\.0\.1 45: /);
});

void test('TCP with newline framing, split across writes', async (t) => {
  const { lines, port } = await listen(t, 'tcp://127.0.0.1:0');
  await sendTcp(port, `${RFC3164}\n<30>Nov 22 20:0`, '9:03 dhcp1 dhcpd[812]: second\r\n', 'unterminated last');
  await waitFor('three messages', () => lines.length === 3);
  assert.deepEqual(lines, [RFC3164, '<30>Nov 22 20:09:03 dhcp1 dhcpd[812]: second', 'unterminated last']);
});

void test('TCP with octet counting, frames split and joined arbitrarily', async (t) => {
  const { lines, port } = await listen(t, 'tcp://127.0.0.1:0');
  const frame = (m: string): string => `${String(Buffer.byteLength(m))} ${m}`;
  const multi = '<30>1 2026-11-22T20:09:01Z h app - - line one\nline two';
  const stream = frame(RFC5424) + frame(multi) + frame(RFC3164);
  await sendTcp(port, stream.slice(0, 3), stream.slice(3, 100), stream.slice(100));
  await waitFor('three messages', () => lines.length === 3);
  assert.deepEqual(lines, [RFC5424, multi.replace('\n', '#012'), RFC3164]);
});

void test('over-long messages are rejected and the stream goes on', async (t) => {
  const { lines, port, events } = await listen(t, 'tcp://127.0.0.1:0', 200);
  const big = 'x'.repeat(1000);
  await sendTcp(port, `${String(big.length)} ${big}`, `${String(RFC3164.length)} ${RFC3164}`);
  await waitFor('the message after the long one', () => lines.length === 1);
  assert.deepEqual(lines, [RFC3164]);
  assert.equal(events.filter((e) => e.event === 'input.line.rejected')[0]?.bytes, 1000);
});

void test('a bad URL and a busy port are clear errors', async (t) => {
  assert.throws(() => listenSyslog({ url: 'http://127.0.0.1:514', onLine: () => undefined, logger: pino({ level: 'silent' }) }), /expected udp:\/\/HOST:PORT/);
  const { port } = await listen(t, 'tcp://127.0.0.1:0');
  const clash = listenSyslog({ url: `tcp://127.0.0.1:${String(port)}`, onLine: () => undefined, logger: pino({ level: 'silent' }) });
  await assert.rejects(clash.start(), /cannot listen on tcp:\/\/127\.0\.0\.1:\d+: .*EADDRINUSE/);
});
