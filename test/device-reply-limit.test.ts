import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DeviceError, DeviceSession, getProfile } from '../src/device/index.js';
import { MAX_REPLY_CHARS, type Channel } from '../src/device/shell.js';
import { silentLogger } from '../src/log/index.js';

// A collection of the heap that can be asked for from inside a test, so that what is measured is what is kept.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

function retainedBytes(): number {
  collect();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

const MB = 1024 * 1024;
const LINE = ' description a-rather-long-port-description-for-a-rather-large-switch\r\n';
const CHUNK = LINE.repeat(Math.floor(32_768 / LINE.length));

/**
 * An fs-s5850 CLI whose `show running-config` is `replyBytes` long, sent in
 * SSH-sized chunks, and which goes on sending after it is told to close (a
 * close takes a round trip to reach the switch). Samples the retained heap
 * every few MB it sends.
 */
class TalkativeSwitch implements Channel {
  closed = false;
  sent = 0;
  peakRetained = 0;
  private listener: (chunk: string) => void = () => undefined;

  constructor(private readonly replyBytes: number, private readonly baseline: number) {
    setImmediate(() => { this.listener('\r\nLAB#'); });
  }

  onData(listener: (chunk: string) => void): void {
    this.listener = listener;
  }

  onClose(): void {
    // Only this side closes here.
  }

  close(): void {
    this.closed = true;
  }

  write(data: string): void {
    const command = data.replace(/\n$/, '');
    if (command === 'show running-config') {
      this.listener(`${command}\r\n`);
      this.stream();
    } else {
      this.listener(`${command}\r\nLAB#`);
    }
  }

  private stream(): void {
    if (this.sent >= this.replyBytes) {
      this.listener('end\r\nLAB#');
      return;
    }
    this.listener(CHUNK);
    this.sent += CHUNK.length;
    if (this.sent % (4 * MB) < CHUNK.length) this.peakRetained = Math.max(this.peakRetained, retainedBytes() - this.baseline);
    setImmediate(() => { this.stream(); });
  }
}

void test('a 50 MB running config is refused past the limit without being held: the heap stays under 64 MB', async () => {
  const baseline = retainedBytes();
  const device = new TalkativeSwitch(50 * MB, baseline);
  const session = await DeviceSession.attach(device, {
    host: '127.0.0.1', port: 22, username: 'admin', password: 'x', profile: getProfile('fs-s5850'), timeoutMs: 10_000, retries: 0, hostKeyPolicy: 'off',
  }, silentLogger());
  const fetched = session.runningConfig();
  await assert.rejects(fetched, (err: unknown) => err instanceof DeviceError && err.kind === 'protocol' && /more than \d+ characters without the reply to "show running-config"/.test(err.message));
  assert.ok(device.closed, 'the session closed the channel at the limit');
  // Let the switch finish talking into the closed session.
  await new Promise<void>((resolve) => {
    const done = (): void => { if (device.sent >= 50 * MB) resolve(); else setImmediate(done); };
    done();
  });
  await session.close();
  assert.ok(device.sent >= 50 * MB);
  assert.ok(device.peakRetained < 64 * MB, `retained ${(device.peakRetained / MB).toFixed(1)} MB while 50 MB were sent`);
  assert.ok(retainedBytes() - baseline < 8 * MB, 'nothing of the reply is kept once it is refused');
  assert.ok(MAX_REPLY_CHARS < 50 * MB);

});
