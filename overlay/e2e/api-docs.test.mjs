// The API reference in real Chromium against the real daemon, with an admin token set:
// /api/docs leads to the admin's #/api page, which loads /api/openapi.json with the token the
// admin stores and lists every operation by tag; "Try it" on GET and POST /api/dashboards
// sends real requests (201, then a refused name shown as the error body), the
// Settings page links to it, and it is axe-clean at 1920×1080 and 390×844.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { newWorkDir, startDaemon } from './daemon.mjs';
import { artifactsDir, axeClean, launchBrowser, painted } from './helpers.mjs';

const T = { timeout: 180_000 };
const TOKEN = 'e2e-api-docs-token-5521';
const TOKEN_KEY = 'stagehand.admin.token';

let browser;
let daemon;
let dir;


async function call(method, path, body) {
  const headers = { authorization: `Bearer ${TOKEN}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(daemon.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A page that holds the admin token (as the token prompt stores it) at `viewport`. */
async function page(viewport) {
  const p = await browser.newPage();
  await p.setViewportSize(viewport);
  await p.addInitScript(([key, token]) => window.localStorage.setItem(key, token), [TOKEN_KEY, TOKEN]);
  return p;
}

async function openDocs(p) {
  await p.goto(`${daemon.base}/api/docs`);
  assert.match(p.url(), /\/admin\/#\/api$/, 'the docs address leads to the admin page');
  await p.waitForSelector('[data-api-docs] [data-tag="dashboards"]', { timeout: 15_000 });
}

/** Opens an operation, sends its Try-it form and returns the shown status and body. */
async function tryIt(p, key, body) {
  const op = p.locator(`[data-op="${key}"]`);
  if ((await op.locator('[data-op-body]').count()) === 0) await op.locator('button[aria-expanded]').first().click();
  if (body !== undefined) await op.locator('[data-body]').fill(JSON.stringify(body, null, 2));
  const seq = async () => Number((await op.locator('[data-result]').getAttribute('data-result-seq').catch(() => null)) ?? 0);
  const before = (await op.locator('[data-result]').count()) ? await seq() : 0;
  await op.locator('[data-send]').click();
  await p.waitForFunction(
    ([k, n]) => Number(document.querySelector(`[data-op="${k}"] [data-result]`)?.getAttribute('data-result-seq') ?? 0) > n,
    [key, before],
    { timeout: 10_000 },
  );
  return {
    status: Number(await op.locator('[data-result-status]').textContent()),
    body: (await op.locator('[data-result-body]').textContent()) ?? '',
  };
}

before(async () => {
  dir = newWorkDir();
  process.env.STAGEHAND__SERVER__ADMIN_TOKEN = TOKEN;
  daemon = await startDaemon(dir);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await daemon?.stop();
  if (dir && !process.env.STAGEHAND_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
});

test('the document needs the token; the docs address does not', T, async () => {
  const anon = await fetch(`${daemon.base}/api/openapi.json`);
  assert.equal(anon.status, 401);
  const redirect = await fetch(`${daemon.base}/api/docs`, { redirect: 'manual' });
  assert.equal(redirect.status, 307);
  assert.equal(redirect.headers.get('location'), '/admin/#/api');
  const { status, body } = await call('GET', '/api/openapi.json');
  assert.equal(status, 200);
  assert.equal(body.openapi, '3.1.0');
});

test('every operation is listed by tag; Try it on GET and POST /api/dashboards', T, async () => {
  const { body: doc } = await call('GET', '/api/openapi.json');
  const expected = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).length, 0);

  const p = await page({ width: 1920, height: 1080 });
  await openDocs(p);
  assert.equal(await p.locator('[data-op]').count(), expected, 'one entry per documented operation');
  for (const tag of ['dashboards', 'widgets', 'chat', 'media', 'settings', 'bundles', 'health']) {
    assert.equal(await p.locator(`[data-tag="${tag}"]`).count(), 1, `section ${tag}`);
  }
  assert.match(await p.locator('[data-token-note]').textContent(), /sends the admin token/);

  // GET: the empty list of a fresh daemon.
  const list = await tryIt(p, 'get-api-dashboards');
  assert.equal(list.status, 200);
  assert.deepEqual(JSON.parse(list.body), []);

  // POST with the documented example ("Main Stream"): created, and the daemon has it.
  const postOp = p.locator('[data-op="post-api-dashboards"]');
  await postOp.locator('button[aria-expanded]').click();
  const example = JSON.parse(await postOp.locator('[data-body]').inputValue());
  assert.equal(example.name, 'Main Stream');
  assert.ok(await postOp.locator('[data-response="201"]').isVisible());
  assert.match(await postOp.locator('[data-schema-title]').first().textContent(), /NewDashboard/);
  const created = await tryIt(p, 'post-api-dashboards');
  assert.equal(created.status, 201, created.body);
  const dash = JSON.parse(created.body);
  assert.equal(dash.name, 'Main Stream');
  assert.equal((await call('GET', `/api/dashboards/${dash.id}`)).status, 200);

  // A name the API refuses: the error body as the API sends it, naming the field.
  const refused = await tryIt(p, 'post-api-dashboards', { name: '' });
  assert.equal(refused.status, 422, refused.body);
  const err = JSON.parse(refused.body).error;
  assert.equal(err.code, 'validation_failed');
  assert.equal(err.field, 'name');

  // A bad body is caught before sending.
  await postOp.locator('[data-body]').fill('{"name": ');
  await postOp.locator('[data-send]').click();
  assert.match(await postOp.locator('[role="alert"]').textContent(), /not valid JSON/);
  await postOp.getByRole('button', { name: 'Reset to example' }).click();

  const again = await tryIt(p, 'get-api-dashboards');
  assert.equal(JSON.parse(again.body)[0].name, 'Main Stream');

  // Filtering narrows the list.
  // Filtering narrows the list and keeps what Try it showed.
  await p.fill('#api-filter', 'execute');
  const shownOps = () => p.evaluate(() => [...document.querySelectorAll('[data-op]')].filter((e) => e.offsetParent !== null).map((e) => e.dataset.op));
  await p.waitForFunction(() => [...document.querySelectorAll('[data-op]')].filter((e) => e.offsetParent !== null).length === 1);
  assert.deepEqual(await shownOps(), ['post-api-widgets-id-execute']);
  assert.match(await p.textContent('[data-op-count]'), /1 of \d+ operations/);
  await p.fill('#api-filter', '');
  await p.waitForFunction((n) => [...document.querySelectorAll('[data-op]')].filter((e) => e.offsetParent !== null).length === n, expected);
  assert.equal(await p.locator('[data-op="get-api-dashboards"] [data-result-status]').textContent(), '200');

  await tryIt(p, 'post-api-dashboards', { name: 'Just Chatting', obs_scene: 'Chatting' });
  await p.locator('[data-op="post-api-dashboards"]').evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await p.evaluate(() => window.scrollBy(0, -70));
  await painted(p);
  await p.screenshot({ path: join(artifactsDir(), 'api-docs-try-1920.png') });

  await p.locator('[data-op="patch-api-widgets-id-elements-name"] button[aria-expanded]').click();
  await p.evaluate(() => window.scrollTo(0, 0));
  await painted(p);
  await p.screenshot({ path: join(artifactsDir(), 'api-docs-1920.png') });
  await axeClean(p, 'the API reference at 1920×1080');
  assert.deepEqual(p.logs.filter((l) => l.startsWith('[pageerror]')), []);
  await p.close();
});

test('phone width, and the link from Settings', T, async () => {
  const p = await page({ width: 390, height: 844 });
  await p.goto(`${daemon.base}/admin/#/settings`);
  await p.locator('[data-api-link]').scrollIntoViewIfNeeded();
  await axeClean(p, 'the Settings page with its link to the API reference at 390×844');
  await p.locator('[data-api-link]').click();
  await p.waitForSelector('[data-api-docs] [data-tag="dashboards"]', { timeout: 15_000 });
  assert.match(p.url(), /#\/api$/);
  const res = await tryIt(p, 'get-api-status');
  assert.equal(res.status, 200);
  assert.ok(JSON.parse(res.body).version);
  await p.locator('[data-op="post-api-dashboards"] button[aria-expanded]').click();
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no sideways scrolling at 390 px (overflow ${overflow}px)`);
  await p.locator('[data-op="post-api-dashboards"]').scrollIntoViewIfNeeded();
  await painted(p);
  await p.screenshot({ path: join(artifactsDir(), 'api-docs-390.png'), fullPage: false });
  await axeClean(p, 'the API reference at 390×844');
  await p.close();
});

test('without a stored token: the token prompt, then the reference', T, async () => {
  const p = await browser.newPage();
  await p.setViewportSize({ width: 1280, height: 900 });
  // The profile keeps what earlier pages stored: forget the token first.
  await p.goto(`${daemon.base}/healthz`);
  await p.evaluate((key) => window.localStorage.removeItem(key), TOKEN_KEY);
  await p.goto(`${daemon.base}/api/docs`);
  await p.waitForSelector('#admin-token', { timeout: 15_000 });
  await p.fill('#admin-token', TOKEN);
  await p.press('#admin-token', 'Enter');
  await p.waitForSelector('[data-api-docs] [data-tag="dashboards"]', { timeout: 15_000 });
  assert.match(await p.locator('[data-token-note]').textContent(), /sends the admin token/);
  const res = await tryIt(p, 'get-api-dashboards');
  assert.equal(res.status, 200);
  await p.close();
});
