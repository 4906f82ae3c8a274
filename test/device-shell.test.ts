import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliShell, dropEcho, type Channel } from '../src/device/shell.js';
import { getProfile } from '../src/device/index.js';
import { DeviceError } from '../src/device/errors.js';
import { silentLogger } from '../src/log/index.js';

/** Answers each written line with the next scripted reply, split into the given fragments. */
class ScriptedChannel implements Channel {
  readonly written: string[] = [];
  private data: ((chunk: string) => void)[] = [];
  private closers: ((reason?: Error) => void)[] = [];
  constructor(private readonly onWrite: (data: string, channel: ScriptedChannel) => void) {}
  write(data: string): void {
    this.written.push(data);
    this.onWrite(data, this);
  }
  onData(listener: (chunk: string) => void): void {
    this.data.push(listener);
  }
  onClose(listener: (reason?: Error) => void): void {
    this.closers.push(listener);
  }
  close(): void {
    for (const c of this.closers) c();
  }
  send(...chunks: string[]): void {
    setImmediate(() => {
      for (const chunk of chunks) for (const l of this.data) l(chunk);
    });
  }
}

const s5850 = getProfile('fs-s5850');

void test('banner and MOTD before the prompt are skipped; the prompt is confirmed with an empty line', async () => {
  const channel = new ScriptedChannel((data, ch) => {
    if (data === '\n') ch.send('\r\nLAB-S5850# ');
  });
  const shell = new CliShell(channel, s5850, 2000, silentLogger());
  channel.send('*** Authorised access only ***\r\n', 'Looks#like a prompt>\r\n', '\r\nLAB-', 'S5850#');
  const first = await shell.waitForFirstPrompt();
  assert.equal(first.host, 'LAB-S5850');
  assert.equal(shell.prompt, 'LAB-S5850#');
  assert.deepEqual(channel.written, ['\n']);
});

void test('output in one-character fragments, echo removed, prompt not included', async () => {
  const reply = 'show version\r\nFSOS Software, S5850, Version 7.2.2\r\nLAB uptime is 3 days\r\nLAB#';
  const channel = new ScriptedChannel((data, ch) => {
    if (data === '\n') ch.send('\r\nLAB#');
    else ch.send(...reply.split(''));
  });
  const shell = new CliShell(channel, s5850, 2000, silentLogger());
  channel.send('LAB#');
  await shell.waitForFirstPrompt();
  const out = await shell.send('show version');
  assert.deepEqual(out.lines, ['FSOS Software, S5850, Version 7.2.2', 'LAB uptime is 3 days']);
});

void test('a line ending in # inside the output is not taken for a prompt of another host', async () => {
  const channel = new ScriptedChannel((data, ch) => {
    if (data === '\n') ch.send('\r\nLAB#');
    else ch.send('show x\r\n', 'other-host#', '\r\nmore\r\nLAB#');
  });
  const shell = new CliShell(channel, s5850, 2000, silentLogger());
  channel.send('LAB#');
  await shell.waitForFirstPrompt();
  const out = await shell.send('show x');
  assert.deepEqual(out.lines, ['other-host#', 'more']);
});

void test('the pager is answered with a space and erased', async () => {
  const channel = new ScriptedChannel((data, ch) => {
    if (data === '\n') ch.send('\r\nLAB#');
    else if (data === ' ') ch.send('\b'.repeat(10) + ' '.repeat(10) + '\b'.repeat(10) + 'line 3\r\nLAB#');
    else ch.send('show run\r\nline 1\r\nline 2\r\n --More-- ');
  });
  const shell = new CliShell(channel, s5850, 2000, silentLogger());
  channel.send('LAB#');
  await shell.waitForFirstPrompt();
  const out = await shell.send('show run');
  assert.deepEqual(out.lines, ['line 1', 'line 2', 'line 3']);
  assert.ok(channel.written.includes(' '));
});

void test('the S3900 long pager prompt is answered too', async () => {
  const s3900 = getProfile('fs-s3900');
  const channel = new ScriptedChannel((data, ch) => {
    if (data === '\n') ch.send('\r\nLAB#');
    else if (data === ' ') ch.send('\rline 2\r\nLAB#');
    else ch.send('show run\r\nline 1\r\n--- [Space] Next page, [Enter] Next line, [A] All, Others to exit ---');
  });
  const shell = new CliShell(channel, s3900, 2000, silentLogger());
  channel.send('LAB#');
  await shell.waitForFirstPrompt();
  assert.deepEqual((await shell.send('show run')).lines, ['line 1', 'line 2']);
});

void test('the prompt follows a hostname change when the new name is announced', async () => {
  const channel = new ScriptedChannel((data, ch) => {
    if (data === '\n') ch.send('\r\nSwitch(config)#');
    else ch.send('hostname NEW-NAME\r\nNEW-NAME(config)#');
  });
  const shell = new CliShell(channel, s5850, 2000, silentLogger());
  channel.send('Switch(config)#');
  await shell.waitForFirstPrompt();
  await shell.send('hostname NEW-NAME', { newHosts: ['NEW-NAME'] });
  assert.equal(shell.hostname(), 'NEW-NAME');
  assert.equal(shell.prompt, 'NEW-NAME(config)#');
});

void test('silence longer than the timeout is a DeviceError(timeout) naming the command', async () => {
  const channel = new ScriptedChannel((data, ch) => {
    if (data === '\n') ch.send('\r\nLAB#');
  });
  const shell = new CliShell(channel, s5850, 50, silentLogger());
  channel.send('LAB#');
  await shell.waitForFirstPrompt();
  await assert.rejects(shell.send('show hang'), (err: unknown) => err instanceof DeviceError && err.kind === 'timeout' && err.message.includes('show hang'));
});

void test('a session closed while waiting is a DeviceError(closed)', async () => {
  const channel = new ScriptedChannel((data, ch) => {
    if (data === '\n') ch.send('\r\nLAB#');
    else {
      ch.send('show running-config\r\nversion 7\r\n');
      setImmediate(() => {
        setImmediate(() => {
          ch.close();
        });
      });
    }
  });
  const shell = new CliShell(channel, s5850, 2000, silentLogger());
  channel.send('LAB#');
  await shell.waitForFirstPrompt();
  await assert.rejects(shell.send('show running-config'), (err: unknown) => err instanceof DeviceError && err.kind === 'closed');
  await assert.rejects(shell.send('show version'), (err: unknown) => err instanceof DeviceError && err.kind === 'closed');
});

void test('BDCOM prompts with sub-modes keep the hostname, underscores included', () => {
  const r = getProfile('fs-s3900-r');
  const cases: [string, string][] = [['LAB_S3900R>', 'LAB_S3900R'], ['LAB_S3900R#', 'LAB_S3900R'], ['LAB_S3900R_config#', 'LAB_S3900R'], ['LAB_S3900R_config_g0/1#', 'LAB_S3900R'], ['sw1_config_vlan30#', 'sw1']];
  for (const [prompt, host] of cases) {
    assert.equal(r.promptPattern.exec(prompt)?.groups?.host, host, prompt);
  }
  assert.ok(r.configPromptPattern.test('LAB_config_g0/1#'));
  assert.ok(!r.configPromptPattern.test('LAB#'));
});

void test('dropEcho removes the echoed command, also behind a reprinted prompt, and nothing else', () => {
  assert.deepEqual(dropEcho(['show run', 'a'], 'show run'), ['a']);
  assert.deepEqual(dropEcho(['LAB#show run', 'a'], 'show run'), ['a']);
  assert.deepEqual(dropEcho(['a', 'b'], 'show run'), ['a', 'b']);
});

void test('a timeout message shows the last line with its secret masked', async () => {
  const channel = new ScriptedChannel((data, ch) => {
    if (data === '\n') ch.send('\r\nLAB#');
    else ch.send('show running-config\r\nhostname LAB\r\nusername admin privilege 4 password Hunter2');
  });
  const shell = new CliShell(channel, s5850, 50, silentLogger());
  channel.send('LAB#');
  await shell.waitForFirstPrompt();
  await assert.rejects(shell.send('show running-config'), (err: unknown) => err instanceof DeviceError && err.kind === 'timeout' && !err.message.includes('Hunter2') && err.message.includes('password <secret hidden>'));
});
