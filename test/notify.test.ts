import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseSite } from '../src/inventory/index.js';
import { createLogger, Events, type Logger } from '../src/log/index.js';
import { DEAD_LETTER_FILE, Notifier, payloadOf, verifySignature, webhookBody, type DeadLetter, type NotifyClock, type NotifyPayload } from '../src/notify/index.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

const SITE_PASSWORD = 'Site-Passw0rd-notify';
const HOOK_SECRET = 'hook-signing-secret-42';
process.env.ONRAMP_NOTIFY_TEST_PASSWORD = SITE_PASSWORD;
process.env.ONRAMP_NOTIFY_TEST_HOOK = HOOK_SECRET;

interface Logged { event?: string; count?: number; attempts?: number }

/** A logger whose lines are kept, parsed, for the test to read. */
function capturingLogger(): { logger: Logger; lines: Logged[] } {
  const lines: Logged[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line) as Logged);
      done();
    },
  });
  return { logger: createLogger({ destination }), lines };
}

/** A clock whose waits return at once, each recorded. */
function instantClock(): NotifyClock & { waits: number[] } {
  const waits: number[] = [];
  return { waits, now: () => Date.now(), wait: (ms) => { waits.push(ms); return Promise.resolve(); } };
}

function siteWith(notify: string, dir: string): ReturnType<typeof parseSite> {
  return parseSite(join(dir, 'site.yaml'), `name: hq
subnets: [10.77.0.0/24]
credentials: { username: admin, passwordEnv: ONRAMP_NOTIFY_TEST_PASSWORD }
devices:
  - { hostname: CORE1, model: fs-s5850, ip: 10.77.0.1 }
notify:
${notify}`);
}

function scratchDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-notify-'));
  t.after(() => { rmSync(dir, { recursive: true, force: true }); });
  return dir;
}

function logDrift(logger: Logger, device = 'CORE1'): void {
  logger.warn(
    { event: Events.checkDrift, device, site: 'hq', ip: '10.77.0.1', result: 'drift', diff: `-snmp-server community ${SITE_PASSWORD}\n+hostname CORE1`, added: 1, removed: 1, password: SITE_PASSWORD },
    `configuration drift: +1 -1 (${SITE_PASSWORD})`,
  );
}

function started(t: TestContext, notify: string, clock: NotifyClock): { notifier: Notifier; lines: Logged[]; logger: Logger; dir: string } {
  const dir = scratchDir(t);
  const { logger, lines } = capturingLogger();
  const notifier = new Notifier(logger, { stateDir: join(dir, 'state'), clock, backoffMs: 100 });
  t.after(() => notifier.close());
  notifier.useSites([siteWith(notify, dir)]);
  return { notifier, lines, logger, dir };
}

void test('a webhook is POSTed JSON signed over its timestamp and body; the receiver verifies it, and no secret is in it', async (t) => {
  const receiver = await WebhookReceiver.start();
  t.after(() => receiver.stop());
  const { notifier, logger } = started(t, `  - webhook: { url: "${receiver.url}", secretEnv: ONRAMP_NOTIFY_TEST_HOOK }
    events: [device.check.drift, device.backup.saved]
`, instantClock());
  logDrift(logger);
  logger.info({ event: Events.backupSaved, device: 'CORE1', site: 'hq', result: 'skipped' }, 'running config unchanged since the last backup');
  logger.info({ event: Events.backupSaved, device: 'CORE1', site: 'hq', result: 'ok', version: 7, cause: 'config-change by admin on vty0 (+1 -0)' }, 'backup 7 saved');
  logger.info({ event: Events.provisionDone, device: 'CORE1', site: 'hq', result: 'provisioned' }, 'not asked for');
  await notifier.idle();
  assert.equal(receiver.requests.length, 2, 'the drift and the changed backup; not the unchanged backup nor an event the hook does not name');
  const [drift, backup] = receiver.requests;
  assert.ok(drift !== undefined && backup !== undefined);
  const timestamp = String(drift.headers['x-onramp-timestamp']);
  const signature = String(drift.headers['x-onramp-signature']);
  assert.match(signature, /^sha256=[0-9a-f]{64}$/);
  assert.ok(verifySignature(HOOK_SECRET, timestamp, drift.body, signature, Math.floor(Date.now() / 1000)), 'signature verifies');
  assert.equal(verifySignature('wrong-secret', timestamp, drift.body, signature, Math.floor(Date.now() / 1000)), false);
  assert.equal(verifySignature(HOOK_SECRET, timestamp, `${drift.body} `, signature, Math.floor(Date.now() / 1000)), false, 'a changed body fails');
  assert.equal(verifySignature(HOOK_SECRET, timestamp, drift.body, signature, Number(timestamp) + 3600), false, 'a replay an hour later fails');
  const payload = JSON.parse(drift.body) as NotifyPayload & Record<string, unknown>;
  assert.equal(payload.event, 'device.check.drift');
  assert.equal(payload.device, 'CORE1');
  assert.equal(payload.site, 'hq');
  assert.equal(payload.added, 1);
  assert.equal(payload.password, undefined, 'only the fields named are sent');
  assert.match(payload.diff ?? '', /snmp-server community \[redacted\]/);
  const saved = JSON.parse(backup.body) as NotifyPayload;
  assert.deepEqual([saved.version, saved.cause], ['7', 'config-change by admin on vty0 (+1 -0)'], 'who changed it travels with the backup');
  for (const request of receiver.requests) {
    assert.ok(!request.body.includes(SITE_PASSWORD) && !request.body.includes(HOOK_SECRET), 'no secret in any body');
  }
});

void test('a receiver failing twice is retried with doubling waits and then gets it once; nothing is dead-lettered', async (t) => {
  const receiver = await WebhookReceiver.start([500, 503, 200]);
  t.after(() => receiver.stop());
  const clock = instantClock();
  const { notifier, dir, logger } = started(t, `  - webhook: { url: "${receiver.url}", secretEnv: ONRAMP_NOTIFY_TEST_HOOK, format: slack }
    events: [device.check.drift]
    retries: 3
`, clock);
  logDrift(logger);
  await notifier.idle();
  assert.equal(receiver.requests.length, 3);
  assert.deepEqual(clock.waits, [100, 200]);
  assert.equal(existsSync(join(dir, 'state', ...DEAD_LETTER_FILE)), false);
});

void test('a receiver always down: every retry fails, then one 0600 dead-letter line without a secret and notify.failed', async (t) => {
  const receiver = await WebhookReceiver.start();
  const url = receiver.url;
  await receiver.stop();
  const clock = instantClock();
  const { notifier, lines, logger, dir } = started(t, `  - webhook: { url: "${url}", secretEnv: ONRAMP_NOTIFY_TEST_HOOK }
    events: [device.check.drift]
    retries: 2
`, clock);
  logDrift(logger);
  await notifier.idle();
  const file = join(dir, 'state', ...DEAD_LETTER_FILE);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const text = readFileSync(file, 'utf8');
  const letters = text.trim().split('\n').map((line) => JSON.parse(line) as DeadLetter);
  assert.equal(letters.length, 1);
  const [letter] = letters;
  assert.ok(letter !== undefined);
  assert.equal(letter.attempts, 3);
  assert.equal(letter.payload.event, 'device.check.drift');
  assert.match(letter.hook, /site\.yaml:\d+ \(webhook\)/);
  assert.ok(!text.includes(SITE_PASSWORD) && !text.includes(HOOK_SECRET) && !text.includes(url), 'no secret, nor the URL, in the dead letter');
  assert.deepEqual(clock.waits, [100, 200]);
  assert.equal(lines.filter((line) => line.event === 'notify.failed').length, 1);
});

void test('beyond a hook\'s rate limit notifications are dropped and counted', async (t) => {
  const receiver = await WebhookReceiver.start();
  t.after(() => receiver.stop());
  const { notifier, lines, logger } = started(t, `  - webhook: { url: "${receiver.url}", secretEnv: ONRAMP_NOTIFY_TEST_HOOK }
    events: [device.check.drift]
    perMinute: 2
`, instantClock());
  for (let i = 0; i < 5; i++) logDrift(logger, `CORE${String(i)}`);
  await notifier.idle();
  await notifier.close();
  assert.deepEqual(receiver.requests.map((request) => (JSON.parse(request.body) as NotifyPayload).device), ['CORE0', 'CORE1']);
  const dropped = lines.filter((line) => line.event === 'notify.dropped').reduce((sum, line) => sum + (line.count ?? 0), 0);
  assert.equal(dropped, 3);
});

void test('an exec hook gets its argv and the payload as JSON on stdin, without a shell and without the site\'s secrets in its environment', async (t) => {
  const dir = scratchDir(t);
  const out = join(dir, 'received.json');
  const script = join(dir, 'hook.mjs');
  writeFileSync(script, `import { writeFileSync } from 'node:fs';
let input = '';
process.stdin.setEncoding('utf8').on('data', (c) => { input += c; }).on('end', () => {
  writeFileSync(process.argv[2], JSON.stringify({ argv: process.argv.slice(2), stdin: input, env: process.env }));
});
`);
  const { notifier, logger } = started(t, `  - exec: { argv: ["${process.execPath}", "${script}", "${out}", "$(touch ${join(dir, 'pwned')})"] }
    events: [device.check.drift]
`, instantClock());
  logDrift(logger);
  await notifier.idle();
  const received = JSON.parse(readFileSync(out, 'utf8')) as { argv: string[]; stdin: string; env: Record<string, string> };
  assert.deepEqual(received.argv, [out, `$(touch ${join(dir, 'pwned')})`]);
  assert.equal(existsSync(join(dir, 'pwned')), false, 'no shell ran the argument');
  assert.equal((JSON.parse(received.stdin) as NotifyPayload).event, 'device.check.drift');
  assert.equal(received.env.ONRAMP_EVENT, 'device.check.drift');
  assert.equal(received.env.ONRAMP_NOTIFY_TEST_PASSWORD, undefined);
  assert.ok(!readFileSync(out, 'utf8').includes(SITE_PASSWORD));
});

void test('an exec hook that fails is retried, then dead-lettered', async (t) => {
  const clock = instantClock();
  const { notifier, dir, logger } = started(t, `  - exec: { argv: ["${process.execPath}", "-e", "process.exit(3)"] }
    events: [device.check.drift]
    retries: 1
`, clock);
  logDrift(logger);
  await notifier.idle();
  const letter = JSON.parse(readFileSync(join(dir, 'state', ...DEAD_LETTER_FILE), 'utf8').trim()) as DeadLetter;
  assert.equal(letter.attempts, 2);
  assert.equal(letter.error, 'exit 3');
});

void test('an exec hook that outlives its timeout is killed and counts as not delivered', async (t) => {
  const { notifier, dir, logger } = started(t, `  - exec: { argv: ["${process.execPath}", "-e", "setInterval(() => undefined, 1000)"] }
    events: [device.check.drift]
    timeoutMs: 300
    retries: 0
`, instantClock());
  logDrift(logger);
  await notifier.idle();
  const letter = JSON.parse(readFileSync(join(dir, 'state', ...DEAD_LETTER_FILE), 'utf8').trim()) as DeadLetter;
  assert.equal(letter.error, 'killed by SIGKILL (timeout 300 ms)');
});

void test('Slack and Teams bodies: text and blocks; a message with one Adaptive Card', () => {
  const payload: NotifyPayload = { event: 'device.check.drift', time: '2026-01-01T00:00:00.000Z', site: 'hq', device: 'CORE1', result: 'drift', message: 'drift', diff: '+hostname X' };
  const slack = JSON.parse(webhookBody(payload, 'slack')) as { text: string; blocks: { type: string; text?: { text: string } }[] };
  assert.match(slack.text, /device\.check\.drift on CORE1 \(hq\): drift/);
  assert.equal(slack.blocks[0]?.type, 'section');
  assert.ok(slack.blocks.some((block) => block.text?.text.includes('+hostname X') === true));
  const teams = JSON.parse(webhookBody(payload, 'teams')) as { type: string; attachments: { contentType: string; content: { type: string; version: string; body: { type: string }[] } }[] };
  assert.equal(teams.type, 'message');
  const [card] = teams.attachments;
  assert.ok(card !== undefined && teams.attachments.length === 1);
  assert.equal(card.contentType, 'application/vnd.microsoft.card.adaptive');
  assert.equal(card.content.type, 'AdaptiveCard');
  assert.ok(card.content.body.some((element) => element.type === 'FactSet'));
  assert.deepEqual(JSON.parse(webhookBody(payload, 'json')), payload);
});

void test('a previewed plan refusal says so; fields not named are left out', () => {
  const payload = payloadOf({ event: 'device.plan.refused', site: 'hq', device: 'CORE1', msg: 'plan refused', dryRun: true, classes: ['mgmt-address', 3], refusals: [{ lines: ['x'] }] }, []);
  assert.deepEqual(payload && { dryRun: payload.dryRun, classes: payload.classes, keys: Object.keys(payload).sort() },
    { dryRun: true, classes: ['mgmt-address'], keys: ['classes', 'device', 'dryRun', 'event', 'message', 'site', 'time'] });
});

void test('after a reload, notifications queued under the old site files are still delivered; new events follow the new ones', async (t) => {
  const receiver = await WebhookReceiver.start([500, 200]);
  t.after(() => receiver.stop());
  const { notifier, logger } = started(t, `  - webhook: { url: "${receiver.url}", secretEnv: ONRAMP_NOTIFY_TEST_HOOK }
    events: [device.check.drift]
`, instantClock());
  logDrift(logger);
  notifier.useSites([]);
  logDrift(logger, 'CORE2');
  await notifier.idle();
  assert.deepEqual(receiver.requests.map((request) => (JSON.parse(request.body) as NotifyPayload).device), ['CORE1', 'CORE1'], 'retried after the reload; CORE2 has no hook any more');
});

void test('a webhook URL read from the environment is used, and kept out of payloads and dead letters; unset, the letter says which variable', async (t) => {
  const receiver = await WebhookReceiver.start();
  t.after(() => receiver.stop());
  process.env.ONRAMP_NOTIFY_TEST_URL = receiver.url;
  t.after(() => { delete process.env.ONRAMP_NOTIFY_TEST_URL; });
  const { notifier, logger, dir } = started(t, `  - webhook: { urlEnv: ONRAMP_NOTIFY_TEST_URL, secretEnv: ONRAMP_NOTIFY_TEST_HOOK }
    events: [device.check.drift]
    retries: 0
`, instantClock());
  logger.warn({ event: Events.checkDrift, site: 'hq', device: 'CORE1', result: 'drift' }, `posted to ${receiver.url}`);
  await notifier.idle();
  assert.equal(receiver.requests.length, 1);
  assert.ok(!receiver.requests[0]?.body.includes(receiver.url), 'the URL is scrubbed like any secret');
  delete process.env.ONRAMP_NOTIFY_TEST_URL;
  logDrift(logger);
  await notifier.idle();
  const letter = JSON.parse(readFileSync(join(dir, 'state', ...DEAD_LETTER_FILE), 'utf8').trim()) as DeadLetter;
  assert.match(letter.error, /notify\[0\] url: environment variable ONRAMP_NOTIFY_TEST_URL is not set/);
});

void test('a receiver that never answers is given up after the hook\'s timeout', async (t) => {
  const receiver = await WebhookReceiver.start([0]);
  t.after(() => receiver.stop());
  const { notifier, dir, logger } = started(t, `  - webhook: { url: "${receiver.url}", secretEnv: ONRAMP_NOTIFY_TEST_HOOK }
    events: [device.check.drift]
    timeoutMs: 200
    retries: 1
`, instantClock());
  logDrift(logger);
  await notifier.idle();
  const letter = JSON.parse(readFileSync(join(dir, 'state', ...DEAD_LETTER_FILE), 'utf8').trim()) as DeadLetter;
  assert.equal(receiver.requests.length, 2);
  assert.equal(letter.attempts, 2);
  assert.match(letter.error, /timeout/i);
});
