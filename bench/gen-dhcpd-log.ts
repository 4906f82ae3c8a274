import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** Small deterministic PRNG (mulberry32): the same seed gives the same log. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface Client {
  mac: string;
  ip: string;
  host: string;
}

function makeClients(count: number, rnd: () => number, switchShare: number): Client[] {
  const clients: Client[] = [];
  for (let i = 0; i < count; i++) {
    const mac = Array.from({ length: 6 }, (_, k) => (k === 0 ? 0x02 : Math.floor(rnd() * 256)).toString(16).padStart(2, '0')).join(':');
    const ip = `10.${20 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
    let host: string;
    const r = rnd();
    if (r < switchShare / 3) host = 'Switch';
    else if (r < (2 * switchShare) / 3) host = `FS-S5850-${String(i % 100).padStart(2, '0')}`;
    else if (r < switchShare) host = `FS-S3900-${String(i % 100).padStart(2, '0')}`;
    else host = rnd() < 0.5 ? `laptop-${i.toString(36)}` : `android-${Math.floor(rnd() * 1e12).toString(16)}`;
    clients.push({ mac, ip, host });
  }
  return clients;
}

/**
 * Writes `lines` ISC dhcpd syslog lines (~100 bytes each): clients from a
 * fixed pool walk through DISCOVER, OFFER, REQUEST and ACK, interleaved; a
 * few percent of them are switches (Switch, FS-S5850-…, FS-S3900-…).
 */
export async function generateDhcpdLog(path: string, lines: number, options: { seed?: number; clients?: number; switchShare?: number } = {}): Promise<void> {
  const rnd = random(options.seed ?? 42);
  const clients = makeClients(options.clients ?? 4000, rnd, options.switchShare ?? 0.04);
  const out = createWriteStream(path);
  const inFlight: { client: Client; step: number }[] = [];
  let second = 0;
  let chunk: string[] = [];
  for (let n = 0; n < lines; n++) {
    if (inFlight.length < 8 || rnd() < 0.2) {
      inFlight.push({ client: clients[Math.floor(rnd() * clients.length)] as Client, step: 0 });
    }
    const slot = Math.floor(rnd() * inFlight.length);
    const flow = inFlight[slot] as { client: Client; step: number };
    const { mac, ip, host } = flow.client;
    if (n % 50 === 0) second++;
    const s = second % 86400;
    const stamp = `${MONTHS[10] ?? 'Nov'} 23 ${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
    const prefix = `${stamp} dhcp-core01 dhcpd[2417]:`;
    let message: string;
    switch (flow.step) {
      case 0:
        message = `DHCPDISCOVER from ${mac} (${host}) via eth0`;
        break;
      case 1:
        message = `DHCPOFFER on ${ip} to ${mac} (${host}) via eth0`;
        break;
      case 2:
        message = `DHCPREQUEST for ${ip} (10.20.0.1) from ${mac} (${host}) via eth0`;
        break;
      default:
        message = `DHCPACK on ${ip} to ${mac} (${host}) via eth0`;
    }
    chunk.push(`${prefix} ${message}\n`);
    flow.step++;
    if (flow.step > 3) inFlight.splice(slot, 1);
    if (chunk.length >= 4096) {
      if (!out.write(chunk.join(''))) await once(out, 'drain');
      chunk = [];
    }
  }
  out.end(chunk.join(''));
  await once(out, 'finish');
}
