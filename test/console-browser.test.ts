import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { hasCommand, requireSystem } from './support/system.js';
import { DRIFTED_LINE, FACTORY, OPERATOR, ROOT, startConsoleLab, VIEWER, type ConsoleLab } from './support/console-lab.js';

// The console in a real browser (Debian's chromium, driven by playwright-core) against `onramp run --http` on a lab.
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(ROOT, 'test', 'output', 'console');
const LIVE_WITHIN_MS = 2_000;
const STEP_TIMEOUT_MS = 90_000;

let browser: Browser | undefined;
let lab: ConsoleLab | undefined;

before(async () => {
  if (!hasCommand(CHROMIUM)) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  lab = await startConsoleLab();
  process.stdout.write(`# screenshots in ${SCREENSHOTS}\n`);
});

after(async () => {
  await browser?.close();
  await lab?.stop();
});

function ready(t: TestContext): { browser: Browser; lab: ConsoleLab } | undefined {
  if (!requireSystem(t, 'chromium', hasCommand(CHROMIUM), 'apt-get install chromium')) return undefined;
  assert.ok(browser !== undefined && lab !== undefined);
  return { browser, lab };
}

async function loggedIn(b: Browser, url: string, user: { name: string; password: string }, width = 375): Promise<{ context: BrowserContext; page: Page }> {
  const context = await b.newContext({ viewport: { width, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${url}/`);
  assert.match(page.url(), /\/login/);
  await page.fill('input[name=username]', user.name);
  await page.fill('input[name=password]', user.password);
  await Promise.all([page.waitForURL(`${url}/`), page.click('button[type=submit]')]);
  return { context, page };
}

interface Seen { key: string; state: string; at: number }

/** In the page (plain JS: this file has no DOM types): each data-state change and each row added, with the browser's clock. */
const OBSERVE_STATES = `(() => {
  window.marker = 'no reload';
  window.seen = [];
  const note = (row) => window.seen.push({ key: row.getAttribute('data-key') || '', state: row.getAttribute('data-state') || '', at: Date.now() });
  new MutationObserver((mutations) => {
    for (const m of mutations) if (m.attributeName === 'data-state') note(m.target);
  }).observe(document.body, { attributes: true, subtree: true, attributeFilter: ['data-state'] });
  new MutationObserver((mutations) => {
    for (const m of mutations) for (const node of m.addedNodes) if (node.getAttribute && node.getAttribute('data-key') !== null) note(node);
  }).observe(document.getElementById('factory') || document.body, { childList: true });
})()`;
/**
 * Waits for the page's event stream to be connected. A locator wait, not a string predicate:
 * the console's Content-Security-Policy forbids eval, which Playwright polls string predicates with.
 */
async function live(page: Page): Promise<void> {
  await page.locator('#live-status', { hasText: 'live updates: on' }).waitFor();
}
const SCROLL_WIDTH = 'document.documentElement.scrollWidth';

/** The journal's entries so far (the daemon writes them within 200 ms). */
function journal(stateDir: string): { time: number; event: string; device?: string; mac?: string; details?: Record<string, unknown> }[] {
  return readFileSync(join(stateDir, 'events', 'journal.jsonl'), 'utf8').split('\n').filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { time: number; event: string; device?: string; mac?: string });
}

void test('browser: while three factory switches onboard, the site page shows each state change without a reload, within 2 s', { timeout: 300_000 }, async (t) => {
  const env = ready(t);
  if (env === undefined) return;
  const { context, page } = await loggedIn(env.browser, env.lab.url, OPERATOR);
  t.after(() => context.close());
  await page.goto(`${env.lab.url}/sites/hq`);
  await live(page);
  // Every badge move is noted with the browser's clock; a reload would lose the marker.
  await page.evaluate(OBSERVE_STATES);
  for (const row of FACTORY) assert.equal(await page.getAttribute(`[data-key="${row.becomes.toLowerCase()}"]`, 'data-state'), 'waiting');

  const leasedAt = new Map<string, number>();
  for (const sw of FACTORY) {
    leasedAt.set(sw.mac, env.lab.lease(sw.lab, sw.mac, 'Switch'));
    await page.waitForSelector(`[data-key="${sw.becomes.toLowerCase()}"][data-state="provisioned"]`, { timeout: STEP_TIMEOUT_MS });
  }
  await page.screenshot({ path: join(SCREENSHOTS, 'site-provisioned.png'), fullPage: true });
  const seen = await page.evaluate<Seen[]>('window.seen');
  assert.equal(await page.evaluate('window.marker'), 'no reload');
  // The journal is written behind (200 ms): wait for the last provisioning to be in it.
  const deadline = Date.now() + 5_000;
  while (journal(env.lab.stateDir).filter((entry) => entry.event === 'device.provision.done').length < FACTORY.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const entries = journal(env.lab.stateDir);
  for (const sw of FACTORY) {
    const key = sw.becomes.toLowerCase();
    const start = leasedAt.get(sw.mac) ?? 0;
    // The lease: the port row (placed by MAC) or a factory row of its own, within 2 s of the DHCPACK line.
    const lease = seen.find((s) => (s.key === key || s.key === `mac:${sw.mac}`) && s.state === 'leased' && s.at >= start);
    assert.ok(lease !== undefined, `${sw.becomes}: the lease was never shown (${JSON.stringify(seen)})`);
    assert.ok(lease.at - start <= LIVE_WITHIN_MS, `${sw.becomes}: lease shown ${String(lease.at - start)} ms after the DHCPACK`);
    // Then each step, each within 2 s of the event that made it.
    for (const [event, state] of [['device.identity.found', 'identified'], ['device.provision.start', 'provisioning'], ['device.provision.done', 'provisioned']] as const) {
      const logged = entries.find((entry) => entry.event === event && entry.time >= start - 1000
        && (entry.device === sw.becomes || entry.details?.hostname === sw.becomes));
      assert.ok(logged !== undefined, `${sw.becomes}: no ${event} in the journal`);
      const shown = seen.find((s) => s.key === key && s.state === state && s.at >= start);
      assert.ok(shown !== undefined, `${sw.becomes}: ${state} was never shown (${JSON.stringify(seen.filter((s) => s.key === key))})`);
      assert.ok(shown.at - logged.time <= LIVE_WITHIN_MS, `${sw.becomes}: ${state} shown ${String(shown.at - logged.time)} ms after ${event}`);
    }
  }
  const counts = await page.textContent('.counts');
  assert.match(counts ?? '', /OK\s*3/, 'the three provisioned switches count as OK');
});

void test('browser: the device page shows the drift as a coloured diff; the operator remediates it after seeing the plan, and the diff stays', { timeout: 180_000 }, async (t) => {
  const env = ready(t);
  if (env === undefined) return;
  const { context, page } = await loggedIn(env.browser, env.lab.url, OPERATOR);
  t.after(() => context.close());
  await page.goto(`${env.lab.url}/devices/FS-S5850-SRV`);
  await live(page);
  env.lab.lease('FS-S5850-SRV', '64:9d:99:00:00:02', 'FS-S5850-SRV');
  await page.waitForSelector('.identity[data-state="drift"]', { timeout: STEP_TIMEOUT_MS });
  await page.reload();
  const added = await page.locator('.diff .diff-add').allTextContents();
  assert.ok(added.some((line) => line.includes(DRIFTED_LINE.trim())), added.join('\n'));
  const colour = await page.locator('.diff .diff-add').first().evaluate('(node) => getComputedStyle(node).backgroundColor');
  assert.notEqual(colour, 'rgba(0, 0, 0, 0)', 'added lines are coloured');
  await page.screenshot({ path: join(SCREENSHOTS, 'device-drift.png'), fullPage: true });

  await Promise.all([page.waitForURL(/\/remediate$/), page.click('text=Remediate…')]);
  const plan = await page.textContent('pre.plan');
  assert.match(plan ?? '', /description server-b/, 'the plan is shown before anything is pushed');
  assert.equal(env.lab.lab.get('FS-S5850-SRV').saves(), 0, 'nothing pushed by showing the plan');
  await page.screenshot({ path: join(SCREENSHOTS, 'remediate-confirm.png'), fullPage: true });
  await Promise.all([page.waitForURL(/\/remediate$/), page.click('text=Push these lines')]);
  assert.match(await page.textContent('.outcome') ?? '', /remediated|saved and verified/);
  assert.equal(env.lab.lab.get('FS-S5850-SRV').saves(), 1);
  await page.goto(`${env.lab.url}/devices/FS-S5850-SRV`);
  assert.equal(await page.getAttribute('.identity', 'data-state'), 'ok');
  assert.match(await page.textContent('main') ?? '', /fixed since/);
  assert.ok((await page.locator('.diff .diff-add').allTextContents()).some((line) => line.includes(DRIFTED_LINE.trim())), 'the last drift is kept after remediation');
});

void test('browser: a viewer cannot act (403), an operator can, and a POST without the CSRF token is refused', { timeout: 120_000 }, async (t) => {
  const env = ready(t);
  if (env === undefined) return;
  const viewer = await loggedIn(env.browser, env.lab.url, VIEWER);
  t.after(() => viewer.context.close());
  await viewer.page.goto(`${env.lab.url}/devices/FS-S5850-CORE1`);
  assert.equal(await viewer.page.locator('text=Check now').count(), 0, 'no action buttons for a viewer');
  const token = await viewer.page.getAttribute('meta[name=csrf-token]', 'content') ?? '';
  const refused = await viewer.context.request.post(`${env.lab.url}/api/v1/devices/FS-S5850-CORE1/check`, { headers: { 'x-csrf-token': token } });
  assert.equal(refused.status(), 403);
  const form = await viewer.context.request.post(`${env.lab.url}/devices/FS-S5850-CORE1/check`, { form: { _csrf: token } });
  assert.equal(form.status(), 403);

  const operator = await loggedIn(env.browser, env.lab.url, OPERATOR);
  t.after(() => operator.context.close());
  const noToken = await operator.context.request.post(`${env.lab.url}/api/v1/devices/FS-S5850-CORE1/check`);
  assert.equal(noToken.status(), 403);
  assert.match(await noToken.text(), /CSRF/);
  await operator.page.goto(`${env.lab.url}/devices/FS-S5850-CORE1`);
  await Promise.all([operator.page.waitForURL(/\/check$/), operator.page.click('text=Check now')]);
  assert.equal(await operator.page.getAttribute('.outcome', 'class'), 'outcome outcome-ok');
  await operator.page.goto(`${env.lab.url}/devices/FS-S5850-CORE1`);
  assert.match(await operator.page.textContent('#timeline') ?? '', /device\.check\.ok/);
});

void test('browser: the login is rate-limited', { timeout: 60_000 }, async (t) => {
  const env = ready(t);
  if (env === undefined) return;
  const context = await env.browser.newContext({ viewport: { width: 375, height: 800 } });
  t.after(() => context.close());
  const page = await context.newPage();
  let last = 0;
  for (let i = 0; i < 6; i++) {
    await page.goto(`${env.lab.url}/login`);
    await page.fill('input[name=username]', 'nobody-here');
    await page.fill('input[name=password]', `guess-${String(i)}`);
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST'), page.click('button[type=submit]')]);
    last = response.status();
  }
  assert.equal(last, 429);
  assert.match(await page.textContent('.alert') ?? '', /too many failed logins/);
});

void test('browser: at 375 px no page scrolls sideways', { timeout: 120_000 }, async (t) => {
  const env = ready(t);
  if (env === undefined) return;
  const { context, page } = await loggedIn(env.browser, env.lab.url, OPERATOR, 375);
  t.after(() => context.close());
  const history = await (await context.request.get(`${env.lab.url}/api/v1/devices/FS-S5850-SRV/history`)).json() as { id: string }[];
  const pages = ['/', '/sites/hq', '/devices/FS-S5850-SRV', '/devices/FS-S3900-ACC1', '/rules', '/devices/FS-S5850-SRV/remediate'];
  if (history.length >= 2) pages.push(`/devices/FS-S5850-SRV/diff?a=${history[0]?.id ?? ''}&b=${history.at(-1)?.id ?? ''}`);
  for (const path of pages) {
    await page.goto(`${env.lab.url}${path}`);
    const width = Number(await page.evaluate(SCROLL_WIDTH));
    await page.screenshot({ path: join(SCREENSHOTS, `375${path.replace(/[^A-Za-z0-9]+/g, '-')}.png`), fullPage: true });
    assert.ok(width <= 375, `${path} is ${String(width)} px wide at 375 px`);
  }
  const anonymous = await env.browser.newContext({ viewport: { width: 375, height: 800 } });
  t.after(() => anonymous.close());
  const login = await anonymous.newPage();
  await login.goto(`${env.lab.url}/login`);
  assert.ok(Number(await login.evaluate(SCROLL_WIDTH)) <= 375, 'the login page');
});
